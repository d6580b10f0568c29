from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "dangvien.rules"
    label = "rules"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.calendar import register_overrides
        from dangvien.rules.selectors import calendar_overrides

        register_overrides(calendar_overrides)
