from django.urls import path

from dangvien.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list, name="import-list"),
    path("templates/<str:kind>.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/", views.import_detail, name="import-detail"),
    path("<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("<int:pk>/choices/", views.import_choices, name="import-choices"),
    path("<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("<int:pk>/errors.xlsx", views.import_errors, name="import-errors"),
    path("export/people.xlsx", views.export_people, name="export-people"),
    path("export/dossiers.xlsx", views.export_dossiers, name="export-dossiers"),
    path("export/members.xlsx", views.export_members, name="export-members"),
    path("export/worklist.xlsx", views.export_worklist, name="export-worklist"),
]
