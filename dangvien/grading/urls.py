from django.urls import path

from dangvien.grading import views

app_name = "grading"

urlpatterns = [
    path("", views.index, name="index"),
    path("cells/<int:pk>/", views.member_sheet, name="member-sheet"),
    path("organisations/<int:pk>/", views.organisation_sheet, name="organisation-sheet"),
    path("members/<int:pk>/", views.member_history, name="member-history"),
]
