from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "dangvien.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.core import counters
        from dangvien.members import admitted
        from dangvien.members.counters import SPEC

        counters.register(SPEC)
        counters.register(admitted.SPEC)

        from dangvien.core.worklist import register_source, register_waiting_source
        from dangvien.members import selectors

        register_source("members.probationers", selectors.work_probation_ending)
        register_waiting_source(
            "members.probationers",
            selectors.waiting_probationers,
            oldest=selectors.oldest_waiting_probationers,
        )
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

        from dangvien.members import services as member_services
        from dangvien.organisations.registry import register_fact_mover

        register_fact_mover(
            "members",
            label=_("Đảng viên"),
            ids=member_services.reorganisation_member_ids,
            move=member_services.reorganisation_transfer,
            latest=member_services.latest_member_fact,
            cells_only=True,
            order=10,
            check_split=member_services.check_split_keeps_helpers,
        )
        # after the members: the sending side of an open transfer follows its member
        register_fact_mover(
            "transfers",
            label=_("Chuyển sinh hoạt đang chờ tiếp nhận"),
            ids=member_services.reorganisation_transfer_ids,
            move=member_services.reorganisation_redirect_transfers,
            end=member_services.reorganisation_cancel_transfers,
            cells_only=True,
            order=15,
        )

        from dangvien.core.pickers import PickerSource, register_picker
        from dangvien.people.models import Person
        from dangvien.people.selectors import describe_for_picker

        # official members in the user's scope (helpers, introducers)
        register_picker(
            "official-members",
            PickerSource(
                queryset=lambda user: Person.objects.visible_to(user).filter(
                    membership__status="official"
                ),
                folded_field="full_name_folded",
                present=describe_for_picker,
            ),
        )
        # people who are not members (registering an existing member)
        register_picker(
            "non-members",
            PickerSource(
                queryset=lambda user: Person.objects.visible_to(user).filter(
                    membership__isnull=True
                ),
                folded_field="full_name_folded",
                present=describe_for_picker,
            ),
        )

        from dangvien.members.choices import MemberStatus
        from dangvien.members.services import member_statuses, new_member_candidates
        from dangvien.training.registry import register_candidates, register_member_status

        register_member_status(
            member_statuses, {status.value: str(status.label) for status in MemberStatus}
        )
        register_candidates("new_member", new_member_candidates)
