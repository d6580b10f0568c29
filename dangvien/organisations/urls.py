from django.urls import path

from dangvien.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_tree, name="organisation-tree"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("<int:pk>/children/", views.organisation_children, name="organisation-children"),
    path("<int:pk>/add/", views.organisation_create, name="organisation-create"),
    path("<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("<int:pk>/reorganise/<str:kind>/", views.reorganise, name="reorganise"),
    path("plans/<int:plan_pk>/", views.plan_detail, name="plan-detail"),
    path("plans/template.xlsx", views.plan_template, name="plan-template"),
]
