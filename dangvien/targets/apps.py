from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "dangvien.targets"
    label = "targets"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.organisations.registry import register_fact_mover
        from dangvien.targets import services

        register_fact_mover(
            "targets",
            label=_("Chỉ tiêu các năm từ ngày sắp xếp"),
            ids=services.reorganisation_target_ids,
            move=services.reorganisation_carry_over_targets,
            order=40,
        )
