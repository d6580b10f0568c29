from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.models import Organisation
from dangvien.targets import selectors, services
from dangvien.targets.access import resolve_organisation
from dangvien.targets.forms import TargetForm
from dangvien.targets.models import Target


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return dt.date.today().year
    return year if 1930 <= year <= 2100 else dt.date.today().year


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    """An organisation's targets for a year, its children's, the allocation warning, history."""
    organisation = resolve_organisation(request.user, request.GET.get("org"), action="target.view")
    year = _year(request.GET.get("year"))
    allocations = [
        selectors.get_target_allocation(
            organisation=organisation, year=year, kind=kind, user=request.user
        )
        for kind in Target.Kind.values
    ]
    parent = organisation.get_parent()
    context = {
        "organisation": organisation,
        "year": year,
        "years": [year - 1, year, year + 1],
        "allocation": allocations[0],
        "coverage": allocations[1:],
        "history": selectors.list_target_changes(organisation=organisation, year=year),
        "can_assign_own": can(request.user, "target.change", parent or organisation),
        "can_assign_children": can(request.user, "target.change", organisation),
        "ancestors": Organisation.objects.visible_to(request.user).ancestors_of(organisation),
        "form": TargetForm(initial={"year": year}),
    }
    return render(request, "targets/target_list.html", context)


@login_required
@require_POST
def target_set(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Assign a target to organisation ``pk`` (permission is checked on its parent)."""
    organisation = get_organisation_for_user(request.user, pk, action="target.view")
    if not can(request.user, "target.change", organisation.get_parent() or organisation):
        raise PermissionDenied("target.change")
    form = TargetForm(request.POST)
    back_org = request.POST.get("back") or organisation.pk
    year = request.POST.get("year", "")
    if form.is_valid():
        try:
            services.set_target(
                organisation,
                year=form.cleaned_data["year"],
                value=form.cleaned_data["value"],
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Đã giao chỉ tiêu năm %(year)s cho «%(name)s».")
                % {"year": form.cleaned_data["year"], "name": organisation.name},
            )
    else:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Không lưu được chỉ tiêu: %s") % errors)
    return redirect(f"{reverse('targets:target-list')}?org={back_org}&year={year}")
