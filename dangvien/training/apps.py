from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangvien.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core import counters
        from dangvien.training.counters import SPEC

        counters.register(SPEC)

        from dangvien.people.registry import register_person_section
        from dangvien.training.selectors import get_person_training

        register_person_section(
            "training.enrolments",
            order=20,
            template="training/partials/_person_training.html",
            load=get_person_training,
        )
        from dangvien.core.worklist import register_source
        from dangvien.rules.registry import register_rule_set_changed
        from dangvien.training.selectors import forget_horizon, list_centre_work

        register_source("training.centre", list_centre_work)
        register_rule_set_changed("training.horizon", forget_horizon)
