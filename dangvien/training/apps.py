from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangvien.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.worklist import register_source
        from dangvien.rules.registry import register_rule_set_changed
        from dangvien.training.selectors import forget_horizon, list_centre_work

        register_source("training.centre", list_centre_work)
        register_rule_set_changed("training.horizon", forget_horizon)
