"""Grading pages: the index (which sheets), a cell's member sheet, an organisation's sheet of
the organisations under it, and one member's grading history. Thin: access → form → service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.grading import selectors, services
from dangvien.grading.access import get_cell_for_user, get_membership_for_user
from dangvien.grading.bands import MEMBER, ORGANISATION
from dangvien.grading.choices import GRADE_SHORT, MemberStep, OrganisationStep, Quarter
from dangvien.grading.forms import PeriodForm, sheet_entries
from dangvien.grading.periods import parse_period, period_label
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.choices import CELL_KINDS
from dangvien.organisations.models import Organisation
from dangvien.targets.access import resolve_organisation


def _period(request: HttpRequest) -> tuple[int, int]:
    """The period asked for, else the previous year until the end of the first quarter
    (grading is done at the end of the year) and the current year after."""
    data = request.POST if request.method == "POST" else request.GET
    parsed = parse_period(data.get("year", ""), data.get("quarter", 0))
    if parsed is not None:
        return parsed
    today = dt.date.today()
    return (today.year - 1 if today.month <= 3 else today.year), 0


def _step(request: HttpRequest, choices: Any, default: str) -> str:
    data = request.POST if request.method == "POST" else request.GET
    step = data.get("step") or default
    return step if step in choices.values else default


def _periods(year: int) -> list[dict[str, Any]]:
    return [{"year": year, "quarter": q, "label": period_label(year, q)} for q in Quarter.values]


def _sheet_url(name: str, pk: int, year: int, quarter: int, step: str) -> str:
    params: dict[str, str | int] = {"year": year, "quarter": quarter, "step": step}
    query = urlencode(params)
    return f"{reverse(name, args=[pk])}?{query}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Where grading starts: a cell goes to its sheet; a higher organisation lists its
    children (each cell's sheet, each organisation's own index) and its organisation sheet."""
    organisation = resolve_organisation(request.user, request.GET.get("org"), action="grading.view")
    year, quarter = _period(request)
    if organisation.kind in CELL_KINDS:
        return redirect(
            _sheet_url("grading:member-sheet", organisation.pk, year, quarter, "cell_proposal")
        )
    children = list(Organisation.objects.children_of(organisation))
    context = {
        "organisation": organisation,
        "ancestors": Organisation.objects.visible_to(request.user).ancestors_of(organisation),
        "children": [
            {
                "organisation": child,
                "url": (
                    _sheet_url("grading:member-sheet", child.pk, year, quarter, "cell_proposal")
                    if child.kind in CELL_KINDS
                    else f"{reverse('grading:index')}?"
                    + urlencode({"org": child.pk, "year": year, "quarter": quarter})
                ),
                "is_cell": child.kind in CELL_KINDS,
            }
            for child in children
        ],
        "year": year,
        "quarter": quarter,
        "period_label": period_label(year, quarter),
        "years": [year - 1, year, year + 1],
        "periods": _periods(year),
        "organisation_sheet_url": _sheet_url(
            "grading:organisation-sheet", organisation.pk, year, quarter, "approval"
        ),
        "report_url": _report_url(organisation, year, quarter),
    }
    return render(request, "grading/index.html", context)


def _report_url(organisation: Organisation, year: int, quarter: int) -> str:
    try:
        url = reverse("reports:grading")
    except NoReverseMatch:
        return ""
    return f"{url}?" + urlencode({"org": organisation.pk, "year": year, "quarter": quarter})


def _sheet_context(
    request: HttpRequest,
    *,
    subject: Organisation,
    rows: list[selectors.SheetRow],
    year: int,
    quarter: int,
    step: str,
    steps: Any,
    prefix: str,
    can_write: bool,
    typed: dict[str, Any] | None = None,
    row_errors: dict[int, str] | None = None,
) -> dict[str, Any]:
    """What both sheets show: the bands, each line's recorded steps and the input column."""
    try:
        bands = services.bands_for_period(year, quarter, prefix=prefix)
        bands_error = ""
    except DomainError as exc:
        bands, bands_error = None, exc.message
    # the approval starts from what the step before it recorded
    previous_steps: dict[str, str] = (
        {MemberStep.APPROVAL: MemberStep.CELL_PROPOSAL}
        if steps is MemberStep
        else {OrganisationStep.APPROVAL: OrganisationStep.SELF_REVIEW}
    )
    previous = previous_steps.get(step)
    lines = []
    for index, row in enumerate(rows, start=1):
        own = row.steps.get(step)
        base = own or (row.steps.get(previous) if previous else None)
        if typed is not None:
            value = typed.get(f"score_{row.key}", "")
            disciplined = bool(typed.get(f"disciplined_{row.key}"))
        else:
            value = _score_text(base.score) if base is not None else ""
            disciplined = bool(base.disciplined) if base is not None else False
        lines.append(
            {
                "index": index,
                "row": row,
                "cells": [{"step": s, "grade": row.steps.get(s)} for s in steps.values],
                "value": value,
                "disciplined": disciplined,
                "error": (row_errors or {}).get(row.key, ""),
            }
        )
    return {
        "subject": subject,
        "ancestors": Organisation.objects.visible_to(request.user).ancestors_of(subject),
        "year": year,
        "quarter": quarter,
        "period_label": period_label(year, quarter),
        "years": [year - 1, year, year + 1],
        "periods": _periods(year),
        "step": step,
        "step_label": steps(step).label,
        "steps": steps.choices,
        "lines": lines,
        "bands": bands,
        "bands_error": bands_error,
        "can_write": can_write and bands is not None,
        "grade_short": GRADE_SHORT,
    }


def _score_text(score: Any) -> str:
    text = f"{score:.1f}"
    return text[:-2] if text.endswith(".0") else text.replace(".", ",")


def _member_action(step: str) -> str:
    return services.MEMBER_STEP_ACTIONS[MemberStep(step)]


@login_required
def member_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """A cell's grading sheet for one period and step: type the scores down a column, save.
    A refused sheet is shown again with each line's error and nothing is saved."""
    cell = get_cell_for_user(request.user, pk)
    year, quarter = _period(request)
    step = _step(request, MemberStep, MemberStep.CELL_PROPOSAL)
    can_write = can(request.user, _member_action(step), cell)
    typed: dict[str, Any] | None = None
    row_errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_member_action(step))
        rows = selectors.get_member_sheet(cell, year=year, quarter=quarter)
        entries, unknown = sheet_entries(request.POST, keys={r.key for r in rows})
        if unknown:
            raise Http404("membership")
        form = PeriodForm(request.POST)
        if not form.is_valid():
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(request, _("Chưa lưu bảng xếp loại: %s") % errors)
            typed, status = dict(request.POST.items()), 400
        elif not entries:
            messages.error(request, _("Chưa nhập điểm của đảng viên nào; không có gì để lưu."))
            typed, status = dict(request.POST.items()), 400
        else:
            try:
                written = services.record_member_grades(
                    cell,
                    year=year,
                    quarter=quarter,
                    step=step,
                    entries=entries,
                    actor=request.user,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                row_errors = getattr(exc, "row_errors", {})
                typed, status = dict(request.POST.items()), 400
            else:
                messages.success(
                    request,
                    _("Đã lưu bước «%(step)s», %(period)s: %(n)d dòng thay đổi.")
                    % {
                        "step": MemberStep(step).label,
                        "period": period_label(year, quarter),
                        "n": len(written),
                    },
                )
                return redirect(_sheet_url("grading:member-sheet", cell.pk, year, quarter, step))
    rows = selectors.get_member_sheet(cell, year=year, quarter=quarter)
    context = _sheet_context(
        request,
        subject=cell,
        rows=rows,
        year=year,
        quarter=quarter,
        step=step,
        steps=MemberStep,
        prefix=MEMBER,
        can_write=can_write,
        typed=typed,
        row_errors=row_errors,
    )
    context["kind"] = "member"
    context["action_url"] = reverse("grading:member-sheet", args=[cell.pk])
    context["template_url"] = _template_url(cell, year, quarter, step)
    context["can_import"] = can(request.user, "import.run", cell)
    return render(request, "grading/sheet.html", context, status=status)


def _template_url(cell: Organisation, year: int, quarter: int, step: str) -> str:
    try:
        url = reverse("imports:import-template", args=["grades"])
    except NoReverseMatch:
        return ""
    query: dict[str, str | int] = {"org": cell.code, "year": year, "quarter": quarter, "step": step}
    return f"{url}?" + urlencode(query)


@login_required
def organisation_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet of the organisations under ``pk`` (its cells, grassroots organisations): their
    self-review, and the decision of ``pk``'s committee."""
    parent = get_organisation_for_user(request.user, pk, action="grading.view")
    year, quarter = _period(request)
    step = _step(request, OrganisationStep, OrganisationStep.APPROVAL)
    rows = selectors.get_organisation_sheet(parent, year=year, quarter=quarter)
    if step == OrganisationStep.APPROVAL:
        can_write = can(request.user, "grading.approve", parent)
    else:
        can_write = any(can(request.user, "grading.change", r.subject) for r in rows)
    typed: dict[str, Any] | None = None
    row_errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied("grading.approve")
        entries, unknown = sheet_entries(request.POST, keys={r.key for r in rows})
        if unknown:
            raise Http404("organisation")
        form = PeriodForm(request.POST, organisations=True)
        if not form.is_valid() or not entries:
            errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            messages.error(
                request,
                _("Chưa lưu bảng xếp loại: %s") % errors
                if errors
                else _("Chưa nhập điểm của tổ chức nào; không có gì để lưu."),
            )
            typed, status = dict(request.POST.items()), 400
        else:
            try:
                written = services.record_organisation_grades(
                    parent,
                    year=year,
                    quarter=quarter,
                    step=step,
                    entries=entries,
                    actor=request.user,  # type: ignore[arg-type]
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                row_errors = getattr(exc, "row_errors", {})
                typed, status = dict(request.POST.items()), 400
            else:
                messages.success(
                    request,
                    _("Đã lưu bước «%(step)s», %(period)s: %(n)d dòng thay đổi.")
                    % {
                        "step": OrganisationStep(step).label,
                        "period": period_label(year, quarter),
                        "n": len(written),
                    },
                )
                return redirect(
                    _sheet_url("grading:organisation-sheet", parent.pk, year, quarter, step)
                )
            rows = selectors.get_organisation_sheet(parent, year=year, quarter=quarter)
    context = _sheet_context(
        request,
        subject=parent,
        rows=rows,
        year=year,
        quarter=quarter,
        step=step,
        steps=OrganisationStep,
        prefix=ORGANISATION,
        can_write=can_write,
        typed=typed,
        row_errors=row_errors,
    )
    context["kind"] = "organisation"
    context["action_url"] = reverse("grading:organisation-sheet", args=[parent.pk])
    return render(request, "grading/sheet.html", context, status=status)


@login_required
def member_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every recorded grading row of one member, corrections included."""
    membership = get_membership_for_user(request.user, pk)
    rows = selectors.list_member_grade_history(membership)
    return render(
        request,
        "grading/member_history.html",
        {"membership": membership, "rows": rows, "grade_short": GRADE_SHORT},
    )
