from django.urls import path

from dangvien.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("export/", views.event_export, name="event-export"),
]
