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

from dangvien.badges import selectors, services
from dangvien.badges.access import get_badge_organisation, get_proposal_for_user
from dangvien.badges.exporters import build_proposal_docx
from dangvien.badges.forms import AwardForm, ProposalForm
from dangvien.core.errors import DomainError
from dangvien.core.formatting import parse_date
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members.access import get_membership_for_user
from dangvien.organisations.models import Organisation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DUE_LIST_LIMIT = 1_000  # members read for the due list, above which it is not computed


def _form_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)


def _award_date(request: HttpRequest, value: str | None, today: dt.date) -> dt.date:
    """The award day asked for (dd/mm/yyyy or ISO), or the next one; a day that is not an
    award day is refused with the message and the next one is shown."""
    if value:
        try:
            day = parse_date(value)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            if day in selectors.award_dates(day.year):
                return day
            messages.error(
                request,
                _("Ngày %(day)s không phải là đợt trao huy hiệu.") % {"day": f"{day:%d/%m/%Y}"},
            )
    return selectors.next_award_date(today)


def _page_url(name: str, **params: Any) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    """Members of the subtree reaching a milestone by the award day, and those proposed."""
    organisation = get_badge_organisation(request.user, request.GET.get("org"))
    today = timezone.localdate()
    award_date = _award_date(request, request.GET.get("award_date"), today)
    # a province's list would be tens of thousands of members (51.000 in the national
    # dataset's first province: 33 s to compute their party ages): above the limit, the
    # figures by milestone and the organisations below to choose from
    candidates = selectors.count_due_candidates(
        user=request.user, organisation=organisation, award_date=award_date
    )
    too_many = candidates > DUE_LIST_LIMIT
    rows = (
        []
        if too_many
        else selectors.list_badges_due(
            user=request.user, organisation=organisation, award_date=award_date
        )
    )
    days = selectors.award_dates(award_date.year) + selectors.award_dates(award_date.year + 1)[:1]
    context = {
        "organisation": organisation,
        "award_date": award_date,
        "too_many": too_many,
        "limit": DUE_LIST_LIMIT,
        "counts": (
            selectors.count_badges_due(organisation=organisation, award_date=award_date)
            if too_many
            else {}
        ),
        "children": (
            [
                (child, _page_url("badges:due-list", org=child.pk, award_date=award_date))
                for child in Organisation.objects.children_of(organisation).filter(
                    valid_to__isnull=True
                )
            ]
            if too_many
            else []
        ),
        "award_days": [selectors.previous_award_date(days[0]), *days],
        "rows": [
            {
                "row": row,
                "can_propose": can(request.user, "member.change", row.membership.organisation),
            }
            for row in rows
        ],
        "early_months": selectors.early_months(30, award_date),
        "early_months_long": selectors.early_months(90, award_date),
        "proposals_url": _page_url(
            "badges:proposal-list", org=organisation.pk, award_date=award_date.isoformat()
        ),
        "register_url": _page_url("badges:award-list", org=organisation.pk, year=award_date.year),
    }
    return render(request, "badges/due_list.html", context)


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk, action="member.change")
    form = ProposalForm(request.POST)
    award_date = request.POST.get("award_date", "")
    if not form.is_valid():
        messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
    else:
        try:
            proposal = services.propose_badge(membership, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            award_date = proposal.award_date.isoformat()
            messages.success(
                request,
                _("Đã đưa %(name)s vào danh sách đề nghị huy hiệu %(m)d năm.")
                % {"name": membership.person, "m": proposal.milestone},
            )
    org = request.POST.get("org") or membership.organisation_id
    return redirect(_page_url("badges:due-list", org=org, award_date=award_date))


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    organisation = get_badge_organisation(request.user, request.GET.get("org"))
    today = timezone.localdate()
    award_date = _award_date(request, request.GET.get("award_date"), today)
    proposals = list(
        selectors.list_proposals(
            user=request.user, organisation=organisation, award_date=award_date
        )
    )
    context = {
        "organisation": organisation,
        "award_date": award_date,
        "proposals": [
            {"proposal": p, "can_award": can(request.user, "member.decide", p.organisation)}
            for p in proposals
        ],
        "can_export": can(request.user, "export.run", organisation),
        "award_form": AwardForm(initial={"decision_date": min(today, award_date)}),
        "due_url": _page_url(
            "badges:due-list", org=organisation.pk, award_date=award_date.isoformat()
        ),
    }
    return render(request, "badges/proposal_list.html", context)


@login_required
@require_POST
def proposal_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The proposal list of an award day as a Word document (audited, needs ``export.run``)."""
    organisation = get_badge_organisation(request.user, request.POST.get("org"))
    if not can(request.user, "export.run", organisation):
        raise PermissionDenied("export.run")
    today = timezone.localdate()
    award_date = _award_date(request, request.POST.get("award_date"), today)
    proposals = list(
        selectors.list_proposals(
            user=request.user, organisation=organisation, award_date=award_date
        )
    )
    services.export_proposal_list(
        organisation=organisation, award_date=award_date, rows=len(proposals), actor=request.user
    )
    content = build_proposal_docx(
        proposals,
        organisation=organisation,
        award_date=award_date,
        user=request.user,
        when=timezone.now(),
    )
    response = HttpResponse(content, content_type=DOCX)
    filename = f"de-nghi-huy-hieu-{organisation.code}-{award_date:%Y%m%d}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def award(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the badge of a proposal in the register (``member.decide``)."""
    proposal = get_proposal_for_user(request.user, pk, action="member.decide")
    form = AwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
    else:
        try:
            services.award_badge(
                proposal.membership,
                milestone=proposal.milestone,
                award_date=proposal.award_date,
                actor=request.user,
                **form.cleaned_data,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi vào sổ tặng huy hiệu."))
    return redirect(
        _page_url(
            "badges:proposal-list",
            org=request.POST.get("org") or proposal.organisation_id,
            award_date=proposal.award_date.isoformat(),
        )
    )


@login_required
def award_list(request: HttpRequest) -> HttpResponse:
    """The badge register of a subtree and year, with counts by milestone (on the report's
    tree when the link carries ``structure``)."""
    from dangvien.organisations.selectors import resolve_structure, structure_root_from_param

    organisation = get_badge_organisation(request.user, request.GET.get("org"))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 1930), today.year + 1)
    try:
        milestone = int(request.GET.get("milestone") or 0)
    except ValueError:
        milestone = 0
    try:  # the report's tree, when its link carries it (``structure``); else today's tree
        root = structure_root_from_param(organisation, request.GET.get("structure"))
    except DomainError as exc:
        messages.error(request, exc.message)
        root = resolve_structure(organisation, None)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    awards = selectors.list_awards(
        user=request.user,
        organisation=organisation,
        start=start,
        end=end,
        milestone=milestone,
        structure=root,
    )
    page = Paginator(awards, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "year": year,
        "years": list(range(today.year - 4, today.year + 1)),
        "milestone": milestone,
        "counts": selectors.count_register(
            user=request.user, organisation=organisation, start=start, end=end, structure=root
        ),
        "structure_on": root.on,
        "structure": request.GET.get("structure", "") if root.on else "",
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "badges/award_list.html", context)
