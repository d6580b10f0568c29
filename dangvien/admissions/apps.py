from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangvien.admissions"
    label = "admissions"
    default_auto_field = "django.db.models.BigAutoField"
