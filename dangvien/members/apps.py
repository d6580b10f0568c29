from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "dangvien.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.worklist import register_source
        from dangvien.members import selectors

        register_source("members.probation_ending", selectors.work_probation_ending)
        register_source("members.recognition_overdue", selectors.work_recognition_overdue)
        register_source("members.cards_to_hand_over", selectors.work_cards_to_hand_over)
        register_source("members.transfers_unconfirmed", selectors.work_transfers_unconfirmed)
        register_source("members.residence_pending", selectors.work_residence_pending)
