from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangvien.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core.worklist import register_source, register_waiting_source
        from dangvien.members import selectors

        register_source("members.probationers", selectors.work_probation_ending)
        register_waiting_source("members.probationers", selectors.waiting_probationers)
        register_source("members.cards_to_hand_over", selectors.work_cards_to_hand_over)
        register_source("members.transfers_unconfirmed", selectors.work_transfers_unconfirmed)
        register_source("members.residence_pending", selectors.work_residence_pending)

        from dangvien.people.registry import register_person_section

        register_person_section(
            "members.membership",
            order=30,
            template="members/partials/_person_membership.html",
            load=selectors.get_person_membership,
        )

        from dangvien.members.choices import ACTIVE_STATUSES
        from dangvien.members.models import Membership
        from dangvien.organisations.registry import register_subtree_count

        register_subtree_count(
            "members",
            label=_("Đảng viên"),
            rows=lambda: Membership.objects.filter(status__in=ACTIVE_STATUSES),
            in_tree=True,
            live=True,
        )
