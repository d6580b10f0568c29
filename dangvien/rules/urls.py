from django.urls import path

from dangvien.rules import views

app_name = "rules"

urlpatterns = [
    path("", views.rule_set_list, name="rule-set-list"),
    path("add/", views.rule_set_create, name="rule-set-create"),
    path("<int:pk>/", views.rule_set_detail, name="rule-set-detail"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar-remove"),
]
