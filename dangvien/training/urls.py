from django.urls import path

from dangvien.training import views

app_name = "training"

urlpatterns = [
    path("", views.class_list, name="class-list"),
    path("add/", views.class_create, name="class-create"),
    path("<int:pk>/", views.class_detail, name="class-detail"),
    path("<int:pk>/enrol/", views.class_enrol, name="class-enrol"),
    path("<int:pk>/enrol-many/", views.class_enrol_bulk, name="class-enrol-bulk"),
    path("<int:pk>/roster/", views.class_roster, name="class-roster"),
    path("<int:pk>/print/<slug:kind>/", views.class_print, name="class-print"),
    path("<int:pk>/correct/", views.class_correct, name="class-correct"),
    path("<int:pk>/cancel/", views.class_cancel, name="class-cancel"),
    path("<int:pk>/close/", views.class_close, name="class-close"),
    path("<int:pk>/propose/", views.class_propose, name="class-propose"),
    path(
        "<int:pk>/proposals/<int:proposal_pk>/accept/",
        views.proposal_accept,
        name="proposal-accept",
    ),
    path(
        "<int:pk>/proposals/<int:proposal_pk>/decline/",
        views.proposal_decline,
        name="proposal-decline",
    ),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/complete/",
        views.enrolment_complete,
        name="enrolment-complete",
    ),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/correct/",
        views.enrolment_correct,
        name="enrolment-correct",
    ),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/revoke/",
        views.enrolment_revoke,
        name="enrolment-revoke",
    ),
    path(
        "<int:pk>/enrolments/<int:enrolment_pk>/remove/",
        views.enrolment_remove,
        name="enrolment-remove",
    ),
]
