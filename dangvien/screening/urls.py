from django.urls import path

from dangvien.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.flag_list, name="flag-list"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/progress/", views.case_progress, name="case-progress"),
    path("cases/<int:pk>/proposal/", views.case_propose, name="case-propose"),
    path("cases/<int:pk>/decision/", views.case_decide, name="case-decide"),
    path("members/<int:pk>/ballot/", views.case_open, name="case-open"),
    path("dues/", views.dues_sheet, name="dues-sheet"),
    path("dues/alerts/", views.dues_alerts, name="dues-alerts"),
]
