from django.urls import path

from dangvien.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.target_list, name="target-list"),
    path("<int:pk>/set/", views.target_set, name="target-set"),
    path("allocation/<int:pk>/", views.allocation, name="allocation"),
    path("allocation/<int:pk>/import/", views.allocation_import, name="allocation-import"),
    path("allocation/<int:pk>/export.xlsx", views.allocation_export, name="allocation-export"),
    path(
        "allocation/<int:pk>/template.xlsx",
        views.allocation_template,
        name="allocation-template",
    ),
    path("allocation/<int:pk>/print.docx", views.allocation_print, name="allocation-print"),
]
