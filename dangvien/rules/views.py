from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.calendar import CALENDAR_YEARS, add_working_days, make_up_days, public_holidays
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scoping import can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.rules import selectors, services
from dangvien.rules.forms import CalendarDayForm, RuleSetForm
from dangvien.rules.models import CalendarDay, RuleSet


@login_required
def rule_set_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rule_sets = list(selectors.list_rule_sets())
    return render(
        request,
        "rules/rule_set_list.html",
        {
            "rule_sets": [
                (rs, rs.effective_from <= today or getattr(rs, "has_steps", False))
                for rs in rule_sets
            ],
            "in_force": selectors.get_rule_set(on=today) if rule_sets else None,
            "can_change": can_anywhere(request.user, "rules.change"),
        },
    )


@login_required
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # rule sets are national: every signed-in user reads them (no scope of their own)
    rule_set = get_visible_or_404(RuleSet.objects.all(), request.user, pk)
    return render(
        request,
        "rules/rule_set_detail.html",
        {
            "rule_set": rule_set,
            "used": selectors.is_rule_set_used(rule_set, today=timezone.localdate()),
            "values": sorted(rule_set.values.items()),
        },
    )


@login_required
def rule_set_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "rules.change"):
        raise PermissionDenied("rules.change")
    form = RuleSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.create_rule_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm bộ quy định «%s».") % rule_set.name)
            return redirect("rules:rule-set-detail", pk=rule_set.pk)
    return render(request, "rules/rule_set_form.html", {"form": form})


@login_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "calendar.change"):
        raise PermissionDenied("calendar.change")
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, CALENDAR_YEARS[0]), CALENDAR_YEARS[1])
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_calendar_day(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu ngày điều chỉnh."))
            return redirect(f"{request.path}?year={form.cleaned_data['date'].year}")
    public = sorted(public_holidays(year).items())
    example = dt.date(year, 1, 2)
    example_days = selectors.get_rule_set_or_earliest(on=example).int_value("decision_working_days")
    return render(
        request,
        "rules/calendar.html",
        {
            "form": form,
            "year": year,
            "days": selectors.list_calendar_days(year=year),
            "public": public,
            "make_up": sorted(make_up_days(year).items()),
            "example": (example, add_working_days(example, example_days), example_days),
        },
    )


@login_required
@require_POST
def calendar_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_anywhere(request.user, "calendar.change"):
        raise PermissionDenied("calendar.change")
    day = get_visible_or_404(CalendarDay.objects.all(), request.user, pk)
    services.remove_calendar_day(day, actor=request.user)
    messages.success(request, _("Đã xóa ngày điều chỉnh."))
    return redirect(f"/rules/calendar/?year={day.date.year}")
