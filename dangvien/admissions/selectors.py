"""Reads of the admission pipeline: the filtered dossier list (pages and the Excel export),
one dossier with its timeline, a cell's outstanding list, and the worklist source."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from dangvien.admissions.choices import DossierStatus, Stage
from dangvien.admissions.models import Dossier, FailedVote, Step
from dangvien.core.typing import AnyUser
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
    """Steps and failed votes of a dossier, in date order, for the dossier page."""
    entries: list[dict[str, Any]] = []
    for step in Step.objects.filter(dossier=dossier).select_related("actor", "rule_set"):
        entries.append({"kind": "step", "date": step.date, "pk": step.pk, "item": step})
    for vote in FailedVote.objects.filter(dossier=dossier).select_related("actor"):
        entries.append({"kind": "failed_vote", "date": vote.date, "pk": vote.pk, "item": vote})
    entries.sort(key=lambda entry: (entry["date"], entry["kind"] == "step", entry["pk"]))
    return entries


def list_dossier_work(user: AnyUser, today: dt.date) -> list[WorkItem]:
    """Worklist source: open dossiers in scope whose next deadline is overdue or within the
    horizon. One query."""
    horizon = today + dt.timedelta(days=horizon_days(today))
    rows = (
        Dossier.objects.visible_to(user)
        .open()
        .filter(next_deadline__isnull=False, next_deadline__lte=horizon)
        .select_related("person", "organisation")
        .order_by("next_deadline", "pk")
    )
    return [
        WorkItem(
            kind=f"admissions.{dossier.next_deadline_kind}",
            label=str(DEADLINE_LABELS.get(dossier.next_deadline_kind, dossier.next_deadline_kind)),
            subject=dossier.person.full_name,
            organisation=dossier.organisation,
            due=dossier.next_deadline,
            url=reverse("admissions:dossier-detail", args=[dossier.pk]),
            detail=str(dossier.get_stage_display()),
        )
        for dossier in rows
        if dossier.next_deadline is not None
    ]
