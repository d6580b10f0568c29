from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangvien.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.worklist import register_source
        from dangvien.training.selectors import list_centre_work

        register_source("training.centre", list_centre_work)
