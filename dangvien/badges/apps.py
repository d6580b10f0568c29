from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "dangvien.badges"
    label = "badges"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.badges.counters import SPEC
        from dangvien.core import counters

        counters.register(SPEC)
