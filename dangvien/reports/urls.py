from django.urls import path

from dangvien.reports import forms_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("admissions/", views.report, name="report"),
    path("admissions/records/", views.records, name="records"),
    path("admissions/export.<str:file_format>", views.export, name="export"),
    path("admissions/forms/", forms_views.statistics_forms, name="forms"),
    path("admissions/forms.xlsx", forms_views.statistics_forms_export, name="forms-export"),
    path("admissions/organisations/", forms_views.organisations, name="organisations"),
    path("admissions/list/", forms_views.drilldown, name="drilldown"),
    path("admissions/list.xlsx", forms_views.drilldown_export, name="drilldown-export"),
    path("grading/", views.grading_report, name="grading"),
    path("grading/records/", views.grading_records, name="grading-records"),
]
