from django.urls import path

from dangvien.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("add/", views.person_create, name="person-create"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
]
