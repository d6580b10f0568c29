from django.urls import path

from dangvien.training import views

app_name = "training"

urlpatterns = [
    path("", views.class_list, name="class-list"),
    path("add/", views.class_create, name="class-create"),
    path("<int:pk>/", views.class_detail, name="class-detail"),
    path("<int:pk>/enrol/", views.class_enrol, name="class-enrol"),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/complete/",
        views.enrolment_complete,
        name="enrolment-complete",
    ),
]
