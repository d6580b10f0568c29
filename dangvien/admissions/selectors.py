"""Reads of the admission pipeline: the filtered dossier list (pages and the Excel export),
one dossier with its timeline, a cell's outstanding list, and the worklist source."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from dangvien.admissions.choices import DossierStatus, Stage
from dangvien.admissions.models import Dossier, FailedVote, Step, StepCorrection
from dangvien.core.formatting import format_date
from dangvien.core.typing import AnyUser
from dangvien.core.urls import pk_url
from dangvien.core.worklist import HORIZON_DAYS, WorkItem

if TYPE_CHECKING:
    from dangvien.organisations.models import Organisation

DEADLINE_LABELS = {
    "certificate_expiry": _("Giấy chứng nhận lớp nhận thức hết hạn"),
    "decision": _("Hạn ra quyết định kết nạp"),
    "ceremony": _("Hạn tổ chức lễ kết nạp"),
}


_HORIZON_CACHE: dict[dt.date, int] = {}


def horizon_days(today: dt.date) -> int:
    """The worklist horizon from the rule set in force today (14 days by default). Cached per
    day in the process (the navigation badge asks on every page); adding or changing a rule
    set clears the cache (``forget_horizon``)."""
    if today in _HORIZON_CACHE:
        return _HORIZON_CACHE[today]
    from dangvien.core.errors import DomainError
    from dangvien.rules.selectors import get_rule_set

    try:
        days = get_rule_set(on=today).int_value("worklist_horizon_days")
    except DomainError:
        days = HORIZON_DAYS
    _HORIZON_CACHE.clear()
    _HORIZON_CACHE[today] = days
    return days


def forget_horizon() -> None:
    _HORIZON_CACHE.clear()


def list_dossiers(*, user: AnyUser) -> QuerySet[Dossier]:
    """Dossiers visible to ``user``, newest first; the list's filters are
    ``admissions.filtersets.DossierFilterSet``."""
    return (
        Dossier.objects.visible_to(user)
        .select_related("person", "organisation")
        .order_by("-opened_on", "-pk")
    )


def list_outstanding(*, user: AnyUser, organisation: Organisation) -> QuerySet[Dossier]:
    """A cell's outstanding list: its open dossiers not yet past the awareness class."""
    return (
        Dossier.objects.visible_to(user)
        .filter(organisation=organisation, status=DossierStatus.OPEN)
        .filter(stage__in=[Stage.OUTSTANDING, Stage.CLASS])
        .select_related("person", "enrolment")
        .prefetch_related("participants__person")
        .order_by("person__full_name_folded", "pk")
    )


def get_person_dossiers(person: Any, user: AnyUser) -> dict[str, Any] | None:
    """Person page section: the person's dossiers in the user's scope, newest first, each with
    its steps and failed votes. Three queries."""
    from django.db.models import Prefetch

    dossiers = list(
        Dossier.objects.visible_to(user)
        .filter(person_id=person.pk)
        .select_related("organisation", "enrolment__training_class")
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.order_by("date", "pk")),
            Prefetch("failed_votes", queryset=FailedVote.objects.order_by("date", "pk")),
        )
        .order_by("-opened_on", "-pk")
    )
    return {"dossiers": dossiers} if dossiers else None


def get_timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """Steps (those in force and those corrected or cancelled, with the correction) and failed
    votes of a dossier, in date order, for the dossier page."""
    entries: list[dict[str, Any]] = []
    corrections = {
        correction.step_id: correction
        for correction in StepCorrection.objects.filter(dossier=dossier).select_related("actor")
    }
    for step in Step.history.filter(dossier=dossier).select_related(
        "actor", "rule_set", "organisation"
    ):
        entries.append(
            {
                "kind": "step",
                "date": step.date,
                "pk": step.pk,
                "item": step,
                "correction": corrections.get(step.pk),
            }
        )
    votes = list(FailedVote.history.filter(dossier=dossier).select_related("actor"))
    replaced = {vote.corrects_id for vote in votes if vote.corrects_id}
    for vote in votes:
        entry: dict[str, Any] = {
            "kind": "failed_vote",
            "date": vote.date,
            "pk": vote.pk,
            "item": vote,
        }
        if vote.superseded:
            entry["vote_correction"] = _("Đã sửa") if vote.pk in replaced else _("Đã hủy")
        entries.append(entry)
    entries.sort(key=lambda entry: (entry["date"], entry["kind"] == "step", entry["pk"]))
    return entries


def deciding_committee(organisation: Organisation, *, on: dt.date) -> Organisation | None:
    """The committee that decides admissions for the cell ``organisation`` on ``on`` (the
    rule set's ``superior_committee_kinds``, by date): ``members.selectors.deciding_committee``,
    which recognition shares."""
    from dangvien.members.selectors import deciding_committee as _deciding

    return _deciding(organisation, on=on)


NEXT_ACTION_LABELS = {
    Stage.CLASS: _("Học lớp bồi dưỡng nhận thức về Đảng"),
    Stage.APPLICATION: _("Nộp đơn xin vào Đảng và lý lịch (1-KNĐ, 2-KNĐ)"),
    Stage.VERIFICATION: _("Thẩm tra lý lịch"),
    Stage.INTRODUCTION: _("Giới thiệu người vào Đảng (3-KNĐ)"),
    Stage.OPINIONS: _("Lấy ý kiến nhận xét (5-KNĐ)"),
    Stage.CELL_VOTE: _("Chi bộ xét, biểu quyết đề nghị kết nạp (6-KNĐ)"),
    Stage.GRASSROOTS_VOTE: _("Đảng ủy cơ sở xét, đề nghị kết nạp (8-KNĐ)"),
    Stage.DECISION: _("Quyết định kết nạp (9-KNĐ)"),
    Stage.CEREMONY: _("Tổ chức lễ kết nạp"),
}


def list_dossier_next_actions(
    user: AnyUser, today: dt.date, *, only: str = ""
) -> list[tuple[WorkItem, bool]]:
    """Every open dossier in scope with its next step and the organisation that must record it
    (the cell, its grassroots committee, or the committee above; after the failed votes that
    escalate a case, the committee above), as (item, due): ``due`` is true when the dossier's
    next legal deadline is overdue or within the horizon. ``only`` ("due" or "waiting") keeps
    one side, filtered in SQL (the navigation counter asks for the due side on every page).
    Three queries."""
    horizon = today + dt.timedelta(days=horizon_days(today))
    rows = Dossier.objects.visible_to(user).open()
    if only == "due":
        rows = rows.filter(next_deadline__isnull=False, next_deadline__lte=horizon)
    elif only == "waiting":
        rows = rows.filter(Q(next_deadline__isnull=True) | Q(next_deadline__gt=horizon))
    return _next_actions(rows, today, horizon)


def _next_actions(
    rows: QuerySet[Dossier], today: dt.date, horizon: dt.date
) -> list[tuple[WorkItem, bool]]:
    """``list_dossier_next_actions`` of the dossiers ``rows``. Three queries."""
    from dangvien.admissions.services import action_for, next_stage
    from dangvien.members.selectors import LEVEL_OF_ACTION, acting_organisations

    dossiers = list(rows.select_related("person", "organisation").order_by("next_deadline", "pk"))
    if not dossiers:
        return []
    last_dates = dict(
        Step.objects.filter(dossier__in=[dossier.pk for dossier in dossiers])
        .values("dossier")
        .annotate(last=Max("date"))
        .values_list("dossier", "last")
    )
    acting = acting_organisations({dossier.organisation for dossier in dossiers}, on=today)
    # the stages' labels once (``get_stage_display`` translates the choices on every call)
    stage_labels = {stage.value: str(stage.label) for stage in Stage}
    result: list[tuple[WorkItem, bool]] = []
    for dossier in dossiers:
        stage = next_stage(dossier)
        if stage is None:  # an open dossier past its last stage cannot happen; be safe
            continue
        level = LEVEL_OF_ACTION[action_for(stage)]
        label = str(NEXT_ACTION_LABELS[Stage(stage)])
        if dossier.escalated:
            level = "superior"
            label = _(
                "%(stage)s: biểu quyết không đạt đủ số lần quy định, cấp ủy cấp trên xem xét"
                " hoặc dừng hồ sơ"
            ) % {"stage": stage_label_of(stage)}
        organisation = acting[dossier.organisation_id][level]
        where = "" if organisation.pk == dossier.organisation_id else str(dossier.organisation)
        deadline = dossier.next_deadline
        is_due = deadline is not None and deadline <= horizon
        since = last_dates.get(dossier.pk, dossier.opened_on)
        if is_due:
            kind = f"admissions.{dossier.next_deadline_kind}"
            label = " — ".join(
                [str(DEADLINE_LABELS.get(dossier.next_deadline_kind, "")), label]
            ).strip(" —")
            detail = " · ".join(
                filter(None, [stage_labels.get(dossier.stage, dossier.stage), where])
            )
        else:
            kind = "admissions.next_step"
            when = (
                _("%(deadline)s: %(day)s")
                % {
                    "deadline": DEADLINE_LABELS.get(dossier.next_deadline_kind, _("hạn")),
                    "day": format_date(deadline),
                }
                if deadline
                else _("chờ từ %(day)s") % {"day": format_date(since)}
            )
            detail = " · ".join(filter(None, [when, where]))
        result.append(
            (
                WorkItem(
                    kind=kind,
                    label=label,
                    subject=dossier.person.full_name,
                    organisation=organisation,
                    due=deadline if deadline is not None else since,
                    url=pk_url("admissions:dossier-detail", dossier.pk),
                    detail=detail,
                ),
                is_due,
            )
        )
    return result


def stage_label_of(stage: str) -> str:
    return str(Stage(stage).label)


def list_dossier_work(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Worklist source: open dossiers in scope whose next deadline is overdue or within the
    horizon."""
    return [item for item, due in list_dossier_next_actions(user, today, only="due")]


def list_dossier_waiting(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Waiting source: every other open dossier, with the organisation that acts next."""
    return [item for item, due in list_dossier_next_actions(user, today, only="waiting")]


def oldest_dossier_waiting(user: AnyUser, today: dt.date, limit: int) -> tuple[list[WorkItem], int]:
    """The first ``limit`` items of ``list_dossier_waiting`` in the worklist's order (the date
    the item shows: the deadline beyond the horizon, else the date of the last step, else the
    opening; then the name) and how many there are. Each waiting dossier's date is read (one
    query, no join to the people); only the dossiers up to the ``limit``-th date are built
    (three queries), the ties on it included, so the names order them as the full list does."""
    from django.db.models import DateField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    horizon = today + dt.timedelta(days=horizon_days(today))
    waiting = (
        Dossier.objects.visible_to(user)
        .open()
        .filter(Q(next_deadline__isnull=True) | Q(next_deadline__gt=horizon))
    )
    last_step = Step.objects.filter(dossier=OuterRef("pk")).order_by("-date").values("date")[:1]
    dates = sorted(
        waiting.annotate(
            shown_due=Coalesce(
                "next_deadline",
                Subquery(last_step, output_field=DateField()),
                "opened_on",
                output_field=DateField(),
            )
        )
        .order_by()
        .values_list("shown_due", "pk")
    )
    if not dates or limit < 1:
        return [], len(dates)
    cut = dates[min(limit, len(dates)) - 1][0]
    chosen = [pk for day, pk in dates if day <= cut]
    built = [item for item, _due in _next_actions(waiting.filter(pk__in=chosen), today, horizon)]
    items = sorted(built, key=lambda item: (item.due, item.subject))[:limit]
    return items, len(dates)
