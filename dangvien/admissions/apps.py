from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "dangvien.admissions"
    label = "admissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.admissions.selectors import list_dossier_work
        from dangvien.core.worklist import register_source

        register_source("admissions.deadlines", list_dossier_work)
