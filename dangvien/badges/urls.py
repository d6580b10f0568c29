from django.urls import path

from dangvien.badges import views

app_name = "badges"

urlpatterns = [
    path("", views.due_list, name="due-list"),
    path("members/<int:pk>/propose/", views.propose, name="propose"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/export.docx", views.proposal_export, name="proposal-export"),
    path("proposals/<int:pk>/award/", views.award, name="award"),
    path("register/", views.award_list, name="award-list"),
]
