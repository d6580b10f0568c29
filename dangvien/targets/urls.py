from django.urls import path

from dangvien.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target-list"),
    path("<int:pk>/set/", views.target_set, name="target-set"),
]
