"""Thin views: access → form → service → redirect. A refusal shows the service's Vietnamese
message and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members.access import get_membership_for_user
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation
from dangvien.screening import selectors, services
from dangvien.screening.access import get_case_for_user, get_screening_organisation
from dangvien.screening.choices import ActivityStatus, CaseStatus, DuesStatus
from dangvien.screening.forms import DecisionForm, ProgressForm, ProposalForm, VoteForm

PAGE_SIZE = 50


def _form_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def _year(request: HttpRequest, today: dt.date) -> int:
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    return min(max(year, 1930), today.year)


def parse_month(value: str | None, today: dt.date) -> dt.date:
    """``YYYY-MM`` or ``MM/YYYY`` → the first day of that month; this month when empty."""
    if not value:
        return today.replace(day=1)
    text = value.strip()
    try:
        if "/" in text:
            month, year = text.split("/")
        else:
            year, month = text.split("-")[:2]
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise DomainError(
            _("Tháng «%s» không hợp lệ; ghi theo dạng mm/yyyy.") % text,
            rule="month_format",
            found=text,
            required="mm/yyyy",
            field="month",
        ) from exc


# --- the screening list and the cases ------------------------------------------------------------


@login_required
def flag_list(request: HttpRequest) -> HttpResponse:
    """The screening list of a subtree: members flagged this year, and the open cases."""
    organisation = get_screening_organisation(request.user, request.GET.get("org"))
    today = timezone.localdate()
    year = _year(request, today)
    flagged = selectors.list_flagged_members(
        user=request.user, organisation=organisation, year=year, today=today
    )
    open_cases = list(
        selectors.list_cases(user=request.user, organisation=organisation, status="open")
    )
    context = {
        "organisation": organisation,
        "year": year,
        "years": list(range(today.year - 2, today.year + 1)),
        "flagged": [
            {
                "row": row,
                "can_ballot": can(request.user, "member.change", row.membership.organisation),
            }
            for row in flagged
        ],
        "open_cases": open_cases,
        "cases_url": f"{reverse('screening:case-list')}?{urlencode({'org': organisation.pk})}",
        "sheet_url": f"{reverse('screening:dues-sheet')}?{urlencode({'org': organisation.pk})}",
    }
    return render(request, "screening/flag_list.html", context)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    from dangvien.organisations.selectors import resolve_structure, structure_root_from_param

    organisation = get_screening_organisation(request.user, request.GET.get("org"))
    status = request.GET.get("status") or ""
    try:  # the report's tree, when its link carries it (``structure``); else today's tree
        root = structure_root_from_param(organisation, request.GET.get("structure"))
    except DomainError as exc:
        messages.error(request, exc.message)
        root = resolve_structure(organisation, None)
    queryset = selectors.list_cases(
        user=request.user, organisation=organisation, status=status, structure=root
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "status": status,
        "statuses": [("open", _("Đang mở")), *CaseStatus.choices],
        "structure_on": root.on,
        "structure": request.GET.get("structure", "") if root.on else "",
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "screening/case_list.html", context)


@login_required
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    """The cell's secret ballot on listing a member (GET: the form; POST: record it)."""
    action = "member.change" if request.method == "POST" else "member.view"
    membership = get_membership_for_user(request.user, pk, action=action)
    today = timezone.localdate()
    official = selectors.count_official_members(membership.organisation)
    form = VoteForm(request.POST or None, initial={"date": today, "votes_eligible": official})
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.open_screening_case(
                    membership,
                    actor=request.user,  # type: ignore[arg-type]  # login_required
                    **form.cleaned_data,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if case.status == CaseStatus.HELPING:
                    messages.success(
                        request,
                        _("Đã đưa %s vào danh sách cần giáo dục, giúp đỡ.") % membership.person,
                    )
                else:
                    messages.warning(
                        request,
                        _("Biểu quyết không đạt: %s không được đưa vào danh sách.")
                        % membership.person,
                    )
                return redirect("screening:case-detail", pk=case.pk)
        else:
            messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
    context = {
        "membership": membership,
        "form": form,
        "official": official,
        "flags": selectors.flags_for_membership(membership, on=today),
        "can_change": can(request.user, "member.change", membership.organisation),
    }
    return render(
        request,
        "screening/case_open.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    today = timezone.localdate()
    official = selectors.count_official_members(case.organisation)
    context = {
        "case": case,
        "steps": list(case.steps.select_related("actor").order_by("date", "pk")),
        "can_change": can(request.user, "member.change", case.organisation),
        "can_decide": can(request.user, "member.decide", case.organisation),
        "progress_form": ProgressForm(initial={"date": today}),
        "proposal_form": ProposalForm(initial={"date": today, "votes_eligible": official}),
        "decision_form": DecisionForm(initial={"date": today}),
    }
    return render(request, "screening/case_detail.html", context)


def _case_action(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type[forms.Form],
    action: str,
    call: Any,
    success: str,
) -> HttpResponse:
    case = get_case_for_user(request.user, pk, action=action)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
    else:
        try:
            call(case, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, success)
    return redirect("screening:case-detail", pk=case.pk)


@login_required
@require_POST
def case_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ProgressForm,
        "member.change",
        services.record_progress,
        _("Đã ghi kết luận của chi bộ."),
    )


@login_required
@require_POST
def case_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        ProposalForm,
        "member.change",
        services.propose_removal,
        _("Đã ghi biểu quyết của chi bộ."),
    )


@login_required
@require_POST
def case_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _case_action(
        request,
        pk,
        DecisionForm,
        "member.decide",
        services.decide_screening_case,
        _("Đã ghi quyết định."),
    )


# --- dues and attendance -------------------------------------------------------------------------


@login_required
def dues_sheet(request: HttpRequest) -> HttpResponse:
    """One page per cell and month: a dues column and an attendance column, typed down as a
    secretary would on paper. A higher organisation picks one of its cells."""
    params = request.POST if request.method == "POST" else request.GET
    organisation = get_screening_organisation(request.user, params.get("org"))
    today = timezone.localdate()
    try:
        month = parse_month(params.get("month"), today)
    except DomainError as exc:
        messages.error(request, exc.message)
        month = today.replace(day=1)
    month = min(month, today.replace(day=1))
    base = {"organisation": organisation, "month": month}
    if not organisation.is_cell:
        cells = (
            Organisation.objects.visible_to(request.user)
            .subtree(organisation)
            .cells()
            .order_by("path")
        )
        page = Paginator(cells, 100).get_page(request.GET.get("page"))
        return render(request, "screening/dues_cells.html", {**base, "page": page})
    can_change = can(request.user, "member.change", organisation)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied("member.change")
        return _save_sheet(request, organisation, month)
    rows = selectors.get_month_sheet(organisation=organisation, month=month)
    threshold = int(selectors.rule_value("dues_unpaid_months_alert", month))
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    context = {
        **base,
        "rows": rows,
        "threshold": threshold,
        "dues_choices": DuesStatus.choices,
        "activity_choices": ActivityStatus.choices,
        "can_change": can_change,
        "previous": previous,
        "following": following if following <= today else None,
    }
    return render(request, "screening/dues_sheet.html", context)


def _save_sheet(request: HttpRequest, organisation: Organisation, month: dt.date) -> HttpResponse:
    members = {
        m.pk: m
        for m in Membership.objects.filter(
            organisation=organisation,
            pk__in=[
                r.membership.pk
                for r in selectors.get_month_sheet(organisation=organisation, month=month)
            ],
        ).select_related("organisation", "person")
    }
    entries = []
    for pk, member in members.items():
        dues = request.POST.get(f"dues-{pk}", "")
        activity = request.POST.get(f"activity-{pk}", "")
        entries.append(services.MonthEntry(member, month, dues, activity))
    try:
        counts = services.record_months(entries, actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã ghi tháng %(month)s: %(created)d mới, %(changed)d sửa.")
            % {"month": f"{month:%m/%Y}", **counts},
        )
    query = urlencode({"org": organisation.pk, "month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('screening:dues-sheet')}?{query}")


@login_required
def dues_alerts(request: HttpRequest) -> HttpResponse:
    """The members behind the dues-alert figure of a subtree and year."""
    organisation = get_screening_organisation(request.user, request.GET.get("org"))
    today = timezone.localdate()
    year = _year(request, today)
    members = selectors.list_dues_alert_members(
        user=request.user, organisation=organisation, year=year, today=today
    )
    page = Paginator(members, 100).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "year": year, "page": page}
    return render(request, "screening/dues_alerts.html", context)
