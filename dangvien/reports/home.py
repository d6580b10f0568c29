"""The start page of every role: what the user's part of the party has in the pipeline, who
needs what next and by when, who can be recognised now, and what is overdue.

Read-only and scoped like every list (``visible_to``). The due items come from the worklist
(``core.worklist.collect``: the sources the apps register, never a second copy of them); this
module only adds the figures of the pipeline, the next step of each person and the number of
days an item is overdue. A fixed number of queries whatever the number of people (pinned in
``reports/tests/test_home.py``).

Overdue days: a deadline counted in working days (the admission decision and ceremony, the
recognition steps, transfers, residence introductions: ``WORKING_DAY_KINDS``) is overdue by
working days (``core.calendar``, holidays and swapped days included) and shown as «quá hạn N
ngày làm việc»; any other date (the end of probation, a certificate's validity, a card decided
but not handed over) by calendar days, shown as «quá hạn N ngày».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvien.admissions.choices import STAGE_ORDER, DossierStatus, Stage
from dangvien.admissions.models import Dossier
from dangvien.core.calendar import working_days_since
from dangvien.core.typing import AnyUser
from dangvien.core.worklist import WorkItem, collect
from dangvien.members.choices import MemberStatus, RecognitionStage
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation

WORKING_DAY_PREFIXES = (
    "admissions.decision",
    "admissions.ceremony",
    "members.recognition",
    "members.transfer",
    "members.residence",
)
"""Worklist kinds whose due date is the last day of a working-day deadline."""

PEOPLE_SHOWN = 40
WORK_SHOWN = 60  # the full list is the worklist page
PROBATIONERS_SHOWN = 40

# the papers a probationer needs before the cell's vote (members' recognition steps)
RECOGNITION_PAPERS = (
    RecognitionStage.SELF_REVIEW,
    RecognitionStage.HELPER_COMMENT,
    RecognitionStage.OPINIONS,
)


def counts_in_working_days(kind: str) -> bool:
    return kind.startswith(WORKING_DAY_PREFIXES)


@dataclass(frozen=True)
class DueItem:
    """A worklist item with its overdue count (0 when not overdue) and its unit."""

    item: WorkItem
    overdue_days: int
    working_days: bool

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass(frozen=True)
class StageCount:
    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class PersonRow:
    """One person of the pipeline: where they are, what is next, by when."""

    name: str
    url: str
    organisation: Any
    stage: str
    next_action: str
    due: dt.date | None
    due_label: str
    overdue: bool


@dataclass(frozen=True)
class Probationer:
    name: str
    url: str
    organisation: Any
    probation_end: dt.date
    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


@dataclass
class Home:
    today: dt.date
    roots: list[Organisation]
    stages: list[StageCount] = field(default_factory=list)
    open_dossiers: int = 0
    probationers: int = 0
    people: list[PersonRow] = field(default_factory=list)
    recognisable: list[Probationer] = field(default_factory=list)
    recognisable_total: int = 0
    overdue: list[DueItem] = field(default_factory=list)
    upcoming: list[DueItem] = field(default_factory=list)
    groups: list[tuple[Any, list[DueItem]]] = field(default_factory=list)
    work_hidden: int = 0

    @property
    def due_count(self) -> int:
        return len(self.overdue) + len(self.upcoming)


def _due_items(items: list[WorkItem], today: dt.date) -> list[DueItem]:
    overdue = [item for item in items if item.due < today]
    working = working_days_since(
        [item.due for item in overdue if counts_in_working_days(item.kind)], today
    )
    result = []
    for item in items:
        in_working_days = counts_in_working_days(item.kind)
        if item.due >= today:
            days = 0
        elif in_working_days:
            # overdue by at least one day even when the days since were all days off
            days = max(working[item.due], 1)
        else:
            days = (today - item.due).days
        result.append(DueItem(item=item, overdue_days=days, working_days=in_working_days))
    return result


def _next_stage(dossier: Dossier) -> str | None:
    index = STAGE_ORDER.index(Stage(dossier.stage))
    return STAGE_ORDER[index + 1].value if index + 1 < len(STAGE_ORDER) else None


DEADLINE_LABELS = {
    "certificate_expiry": _("giấy chứng nhận hết hạn"),
    "decision": _("hạn quyết định kết nạp"),
    "ceremony": _("hạn tổ chức lễ kết nạp"),
}


def _people(user: AnyUser, today: dt.date) -> list[PersonRow]:
    """Open dossiers, most urgent first: a deadline first (the nearest), then the latest stage.
    One query: the few most urgent are chosen first, then joined to their people and cells (a
    province's 12.000 open dossiers were all joined before the sort: 88 against 25 ms on the
    national dataset)."""
    urgency = (F("next_deadline").asc(nulls_last=True), "-opened_on", "pk")
    urgent = (
        Dossier.objects.visible_to(user)
        .filter(status=DossierStatus.OPEN)
        .order_by(*urgency)
        .values("pk")[:PEOPLE_SHOWN]
    )
    dossiers = (
        Dossier.objects.filter(pk__in=urgent)
        .select_related("person", "organisation")
        .order_by(*urgency)
    )
    rows = []
    for dossier in dossiers:
        following = _next_stage(dossier)
        if dossier.escalated:
            action = _("Cấp ủy cấp trên xem xét (biểu quyết không đạt đủ số lần quy định)")
        elif following is not None:
            action = str(Stage(following).label)
        else:
            action = "—"
        rows.append(
            PersonRow(
                name=dossier.person.full_name,
                url=reverse("admissions:dossier-detail", args=[dossier.pk]),
                organisation=dossier.organisation,
                stage=str(dossier.get_stage_display()),
                next_action=action,
                due=dossier.next_deadline,
                due_label=str(DEADLINE_LABELS.get(dossier.next_deadline_kind, "")),
                overdue=dossier.next_deadline is not None and dossier.next_deadline < today,
            )
        )
    return rows


def _recognisable(user: AnyUser, today: dt.date) -> tuple[list[Probationer], int]:
    """Probationary members whose 12 months are over and who have no decision yet, with the
    papers still missing before the cell's vote (the three papers and the new-member class).
    Three queries."""
    from dangvien.training.models import Enrolment, TrainingClass

    members = (
        Membership.objects.visible_to(user, status=MemberStatus.PROBATIONARY)
        .filter(probation_end__lte=today)
        .exclude(recognition_steps__stage=RecognitionStage.DECISION)
        .select_related("person", "organisation")
        .prefetch_related("recognition_steps")
        .order_by("probation_end", "pk")
    )
    total = members.count()
    shown = list(members[:PROBATIONERS_SHOWN])
    certified = set(
        Enrolment.objects.filter(
            person_id__in=[m.person_id for m in shown],
            training_class__kind=TrainingClass.Kind.NEW_MEMBER,
            completed=True,
        ).values_list("person_id", flat=True)
    )
    result = []
    for m in shown:
        done = {step.stage for step in m.recognition_steps.all()}
        missing = [
            str(RecognitionStage(stage).label) for stage in RECOGNITION_PAPERS if stage not in done
        ]
        if m.person_id not in certified:
            missing.append(_("Giấy chứng nhận lớp bồi dưỡng đảng viên mới"))
        result.append(
            Probationer(
                name=str(m.person),
                url=reverse("members:member-probation", args=[m.pk]),
                organisation=m.organisation,
                probation_end=m.probation_end,  # type: ignore[arg-type]  # filtered on it
                missing=missing,
            )
        )
    return result, total


def get_home(*, user: AnyUser, today: dt.date, work: list[WorkItem] | None = None) -> Home:
    """Everything the start page shows, for ``user`` on ``today``; ``work`` is the user's
    worklist when the caller already has it (``core.worklist.collect_for_request``)."""
    from dangvien.organisations.selectors import list_top_organisations

    home = Home(today=today, roots=list_top_organisations(user=user))
    counts = dict(
        Dossier.objects.visible_to(user)
        .filter(status=DossierStatus.OPEN)
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    dossier_url = reverse("admissions:dossier-list")
    home.stages = [
        StageCount(
            stage.value,
            str(stage.label),
            counts.get(stage.value, 0),
            f"{dossier_url}?stage={stage.value}",
        )
        for stage in Stage
    ]
    home.open_dossiers = sum(counts.values())
    home.probationers = Membership.objects.visible_to(
        user, status=MemberStatus.PROBATIONARY
    ).count()
    home.people = _people(user, today)
    home.recognisable, home.recognisable_total = _recognisable(user, today)
    items = _due_items(collect(user, today) if work is None else work, today)
    home.overdue = [item for item in items if item.overdue]
    home.upcoming = [item for item in items if not item.overdue]
    # the overdue first, then the nearest; the rest is on the worklist page
    shown = sorted(items, key=lambda due: (not due.overdue, due.item.due))[:WORK_SHOWN]
    home.groups = _by_organisation(shown, home.roots)
    home.work_hidden = len(items) - len(shown)
    return home


def _by_organisation(
    items: list[DueItem], roots: list[Organisation]
) -> list[tuple[Any, list[DueItem]]]:
    """The items grouped by the organisation they name (the one that must act), the user's own
    organisations first, then the others in tree order."""
    groups: dict[int, tuple[Any, list[DueItem]]] = {}
    for due in items:
        organisation = due.item.organisation
        key = getattr(organisation, "pk", 0)
        groups.setdefault(key, (organisation, []))[1].append(due)
    own = {root.pk for root in roots}
    return sorted(
        groups.values(),
        key=lambda group: (
            getattr(group[0], "pk", 0) not in own,
            getattr(group[0], "path", ""),
        ),
    )
