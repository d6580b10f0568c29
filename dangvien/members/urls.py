from django.urls import path

from dangvien.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="member-list"),
    path("register/", views.member_register, name="member-register"),
    path("<int:pk>/", views.member_detail, name="member-detail"),
    path("<int:pk>/probation/", views.member_probation, name="member-probation"),
    path("<int:pk>/status/", views.member_status, name="member-status"),
    path("<int:pk>/helper/", views.helper_assign, name="helper-assign"),
    path("<int:pk>/recognition/step/", views.recognition_step, name="recognition-step"),
    path("<int:pk>/recognition/decide/", views.recognition_decide, name="recognition-decide"),
    path("<int:pk>/forms/<slug:code>/", views.member_form, name="member-form"),
    path("<int:pk>/attach/", views.member_attach, name="member-attach"),
    path("scans/<int:pk>/", views.recognition_scan_download, name="recognition-scan-download"),
    path("<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("<int:pk>/card/", views.card_issue, name="card-issue"),
    path("<int:pk>/transfer/", views.transfer_start, name="transfer-start"),
    path(
        "recognition-steps/<int:pk>/correct/",
        views.recognition_step_correct,
        name="recognition-step-correct",
    ),
    path(
        "recognition-steps/<int:pk>/cancel/",
        views.recognition_step_cancel,
        name="recognition-step-cancel",
    ),
    path("cards/<int:pk>/hand-over/", views.card_handover, name="card-handover"),
    path("cards/<int:pk>/correct/", views.card_correct, name="card-correct"),
    path("cards/<int:pk>/cancel/", views.card_cancel, name="card-cancel"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/confirm/", views.transfer_confirm, name="transfer-confirm"),
    path("transfers/<int:pk>/cancel/", views.transfer_cancel, name="transfer-cancel"),
    path("transfers/<int:pk>/correct/", views.transfer_correct, name="transfer-correct"),
    path("transfers/<int:pk>/end/", views.transfer_end, name="transfer-end"),
    path("residence/<int:pk>/", views.residence_record, name="residence-record"),
]
