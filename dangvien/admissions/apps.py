from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "dangvien.admissions"
    label = "admissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dangvien.admissions.counters import SPEC
        from dangvien.core import counters

        counters.register(SPEC)

        from dangvien.admissions.selectors import (
            list_dossier_waiting,
            list_dossier_work,
            oldest_dossier_waiting,
        )
        from dangvien.core.worklist import register_source, register_waiting_source

        register_source("admissions.deadlines", list_dossier_work)
        register_waiting_source(
            "admissions.next_steps", list_dossier_waiting, oldest=oldest_dossier_waiting
        )

        from dangvien.admissions.selectors import get_person_dossiers
        from dangvien.people.registry import register_person_section

        register_person_section(
            "admissions.dossiers",
            order=10,
            template="admissions/partials/_person_dossiers.html",
            load=get_person_dossiers,
        )

        from dangvien.admissions.models import Dossier, Step
        from dangvien.admissions.selectors import forget_horizon
        from dangvien.admissions.services import (
            awareness_candidates,
            on_awareness_certificate,
            on_enrolment_superseded,
            refresh_all_deadlines,
        )
        from dangvien.organisations.registry import register_subtree_count
        from dangvien.rules.registry import (
            register_calendar_changed,
            register_rule_set_changed,
            register_rule_set_user,
        )
        from dangvien.training.registry import (
            register_awareness_certificate_issued,
            register_candidates,
            register_enrolment_superseded,
        )

        register_awareness_certificate_issued("admissions.sympathiser", on_awareness_certificate)
        register_enrolment_superseded("admissions.dossier_certificate", on_enrolment_superseded)
        register_candidates("awareness", awareness_candidates)
        register_rule_set_user("admissions.step", Step.history.all)
        register_rule_set_changed("admissions.horizon", forget_horizon)
        register_calendar_changed("admissions.deadlines", refresh_all_deadlines)
        register_subtree_count(
            "candidates",
            label=_("Đối tượng kết nạp đang xét"),
            rows=lambda: Dossier.objects.filter(status="open"),
            in_tree=True,
            live=True,
        )

        from dangvien.admissions import services as admission_services
        from dangvien.organisations.registry import register_fact_mover

        register_fact_mover(
            "dossiers",
            label=_("Hồ sơ kết nạp đang xét"),
            ids=admission_services.reorganisation_dossier_ids,
            move=admission_services.reorganisation_hand_over_dossiers,
            latest=admission_services.latest_dossier_fact,
            cells_only=True,
            order=20,
        )

        from dangvien.core.pickers import PickerSource, register_picker
        from dangvien.people.models import Person
        from dangvien.people.selectors import describe_for_picker

        # people who may be put on an outstanding list: not members, no open dossier
        register_picker(
            "candidates",
            PickerSource(
                queryset=lambda user: (
                    Person.objects.visible_to(user)
                    .filter(membership__isnull=True)
                    .exclude(dossiers__status="open")
                ),
                folded_field="full_name_folded",
                present=describe_for_picker,
            ),
        )
