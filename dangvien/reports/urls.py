from django.urls import path

from dangvien.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("admissions/", views.report, name="report"),
    path("admissions/records/", views.records, name="records"),
    path("admissions/export.<str:file_format>", views.export, name="export"),
    path("grading/", views.grading_report, name="grading"),
    path("grading/records/", views.grading_records, name="grading-records"),
]
