from django.urls import path

from dangvien.admissions import views

app_name = "admissions"

urlpatterns = [
    path("", views.dossier_list, name="dossier-list"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/count/", views.worklist_count, name="worklist-count"),
    path("add/", views.dossier_create, name="dossier-create"),
    path("<int:pk>/", views.dossier_detail, name="dossier-detail"),
    path("<int:pk>/step/", views.dossier_step, name="dossier-step"),
    path("<int:pk>/stop/", views.dossier_stop, name="dossier-stop"),
    path("<int:pk>/approval/", views.dossier_approval, name="dossier-approval"),
    path("<int:pk>/extension/", views.dossier_extension, name="dossier-extension"),
    path("<int:pk>/helper/", views.dossier_helper, name="dossier-helper"),
    path("<int:pk>/forms/<slug:code>/", views.dossier_form, name="dossier-form"),
    path("<int:pk>/attach/", views.dossier_attach, name="dossier-attach"),
    path("scans/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("steps/<int:pk>/correct/", views.step_correct, name="step-correct"),
    path("steps/<int:pk>/cancel/", views.step_cancel, name="step-cancel"),
    path("failed-votes/<int:pk>/correct/", views.failed_vote_correct, name="failed-vote-correct"),
    path("failed-votes/<int:pk>/cancel/", views.failed_vote_cancel, name="failed-vote-cancel"),
    path("outstanding/<int:org_pk>/", views.outstanding_list, name="outstanding-list"),
]
