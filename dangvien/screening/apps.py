from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "dangvien.screening"
    label = "screening"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.worklist import register_source
        from dangvien.screening import registry, selectors

        register_source("screening.dues_alert", selectors.work_dues_alerts)
        registry.register_flag_source(
            "dues", label=selectors.DUES_FLAG_LABEL, source=selectors.flag_unpaid_dues
        )
        registry.register_flag_source(
            "inactive", label=selectors.INACTIVE_FLAG_LABEL, source=selectors.flag_inactive
        )
        registry.register_flag_source(
            "kht", label=selectors.KHT_FLAG_LABEL, source=selectors.flag_kht_years
        )
        registry.register_flag_source(
            "long_absence",
            label=selectors.LONG_ABSENCE_FLAG_LABEL,
            source=selectors.flag_long_absence,
        )
