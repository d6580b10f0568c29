"""Thin views: access → form → service → redirect. A refusal shows the service's Vietnamese
message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.htmx import is_htmx
from dangvien.core.scoping import can, can_anywhere
from dangvien.members import forms as member_forms
from dangvien.members import selectors, services
from dangvien.members.access import (
    get_card_for_user,
    get_membership_for_user,
    get_residence_link_for_user,
    get_transfer_for_user,
)
from dangvien.members.choices import MemberStatus, TransferStatus
from dangvien.members.filtersets import MemberFilterSet
from dangvien.members.models import Membership, PartyCard, ResidenceLink, Transfer
from dangvien.members.tables import MemberTable

PAGE_SIZE = 50


def _form_errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(
            f"{label}: {' '.join(str(e) for e in errors)}"
            if label
            else " ".join(str(e) for e in errors)
        )
    return "; ".join(parts)


def _run(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success: str,
) -> bool:
    if not form.is_valid():
        messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
        return False
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


# --- pages ---------------------------------------------------------------------------------------


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    filterset = MemberFilterSet(request.GET, user=request.user, request=request)
    page = Paginator(filterset.page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    template = (
        "members/partials/_member_rows.html"
        if is_htmx(request, target="member-rows")
        else "members/member_list.html"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": filterset.form,
            "page": page,
            "table": MemberTable(page.object_list),
            "query": query.urlencode(),
            "can_register": can_anywhere(request.user, "member.change"),
        },
    )


@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    today = timezone.localdate()
    org = membership.organisation
    can_change = can(request.user, "member.change", org)
    can_decide = can(request.user, "member.decide", org)
    return render(
        request,
        "members/member_detail.html",
        {
            "m": membership,
            "timeline": selectors.get_timeline(membership),
            "party_age": selectors.get_party_age(membership, on=today),
            "cards": list(membership.cards.all()),
            "transfers": list(
                membership.transfers.select_related("from_organisation", "to_organisation")
            ),
            "residence_links": list(
                membership.residence_links.select_related(
                    "workplace_organisation", "residence_organisation"
                )
            ),
            "can_change": can_change,
            "can_decide": can_decide,
            "status_form": member_forms.StatusForm(auto_id="status-%s"),
            "card_form": member_forms.CardForm(auto_id="card-%s"),
            "handover_form": member_forms.CardHandOverForm(auto_id="handover-%s"),
            "transfer_form": member_forms.TransferStartForm(auto_id="transfer-%s"),
            "residence_form": member_forms.ResidenceForm(auto_id="residence-%s"),
            "is_probationary": membership.status == MemberStatus.PROBATIONARY,
        },
    )


@login_required
def member_probation(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    org = membership.organisation
    helpers = list(
        membership.helper_assignments.select_related("helper__person").order_by("start_date")
    )
    return render(
        request,
        "members/member_probation.html",
        {
            "m": membership,
            "checklist": selectors.get_probation_checklist(membership),
            "helpers": helpers,
            "can_change": can(request.user, "member.change", org),
            "can_decide": can(request.user, "member.decide", org),
            "is_probationary": membership.status == MemberStatus.PROBATIONARY,
            "helper_form": member_forms.HelperForm(
                membership=membership, user=request.user, auto_id="helper-%s"
            ),
            "step_form": member_forms.RecognitionStepForm(auto_id="step-%s"),
            "decision_form": member_forms.RecognitionDecisionForm(auto_id="decision-%s"),
            "removal_form": member_forms.RemovalForm(auto_id="removal-%s"),
        },
    )


@login_required
def member_register(request: HttpRequest) -> HttpResponse:
    if not can_anywhere(request.user, "member.change"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("member.change")
    form = member_forms.RegisterMemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can(request.user, "member.change", data["organisation"]):
            form.add_error("organisation", _("Vai trò của bạn không được nhập đảng viên ở đây."))
        else:
            try:
                membership = services.register_existing_member(
                    person=data["person"],
                    organisation=data["organisation"],
                    decision_date=data["decision_date"],
                    decision_number=data["decision_number"],
                    ceremony_date=data["ceremony_date"],
                    official_date=data["official_date"],
                    card_number=data["card_number"] or None,
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Đã nhập đảng viên %s.") % membership.person)
                return redirect("members:member-detail", pk=membership.pk)
    return render(request, "members/member_register.html", {"form": form})


@login_required
def transfer_list(request: HttpRequest) -> HttpResponse:
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", TransferStatus.OPEN)
    transfers = selectors.list_transfers(
        user=request.user,
        direction=direction if direction in ("in", "out") else "",
        status=status if status in TransferStatus.values else "",
    )
    page = Paginator(transfers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/transfer_list.html",
        {"page": page, "direction": direction, "status": status, "statuses": TransferStatus},
    )


@login_required
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_transfer_for_user(request.user, pk)
    return render(
        request,
        "members/transfer_detail.html",
        {
            "t": transfer,
            "can_confirm": transfer.status == TransferStatus.OPEN
            and can(request.user, "member.change", transfer.to_organisation),
            "can_cancel": transfer.status == TransferStatus.OPEN
            and can(request.user, "member.change", transfer.from_organisation),
            "can_end": transfer.kind == "temporary"
            and transfer.status == TransferStatus.CONFIRMED
            and can(request.user, "member.change", transfer.from_organisation),
            "confirm_form": member_forms.TransferConfirmForm(auto_id="confirm-%s"),
            "end_form": member_forms.TransferEndForm(auto_id="end-%s"),
        },
    )


# --- actions (POST only) -------------------------------------------------------------------------


def _member_action(
    request: HttpRequest,
    pk: int,
    action: str,
    form_class: type[forms.Form],
    call: Callable[[Membership, dict[str, Any]], Any],
    success: str,
    back: str = "members:member-detail",
    **form_kwargs: Any,
) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk, action=action)
    # form_kwargs name what the form takes: the membership, the user (scoped choices)
    kwargs: dict[str, Any] = {k: request.user if k == "user" else membership for k in form_kwargs}
    form = form_class(request.POST, **kwargs)
    _run(request, form, lambda data: call(membership, data), success)
    return redirect(back, pk=membership.pk)


@login_required
@require_POST
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.decide",
        member_forms.StatusForm,
        lambda m, data: services.change_status(m, actor=request.user, **data),
        _("Đã ghi diễn biến."),
    )


@login_required
@require_POST
def helper_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.change",
        member_forms.HelperForm,
        lambda m, data: services.assign_helper(m, actor=request.user, **data),
        _("Đã phân công người giúp đỡ."),
        "members:member-probation",
        membership=True,
        user=True,
    )


@login_required
@require_POST
def recognition_step(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.change",
        member_forms.RecognitionStepForm,
        lambda m, data: services.record_recognition_step(m, actor=request.user, **data),
        _("Đã ghi bước công nhận chính thức."),
        "members:member-probation",
    )


@login_required
@require_POST
def recognition_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.decide",
        member_forms.RecognitionDecisionForm,
        lambda m, data: services.recognise_official(m, actor=request.user, **data),
        _("Đã công nhận đảng viên chính thức."),
        "members:member-probation",
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.decide",
        member_forms.RemovalForm,
        lambda m, data: services.remove_probationary(m, actor=request.user, **data),
        _("Đã xóa tên khỏi danh sách đảng viên dự bị."),
        "members:member-probation",
    )


@login_required
@require_POST
def card_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.decide",
        member_forms.CardForm,
        lambda m, data: services.issue_card(m, actor=request.user, **data),
        _("Đã ghi quyết định cấp thẻ đảng."),
    )


@login_required
@require_POST
def card_handover(request: HttpRequest, pk: int) -> HttpResponse:
    card: PartyCard = get_card_for_user(request.user, pk, action="member.change")
    form = member_forms.CardHandOverForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.hand_over_card(card, actor=request.user, **data),
        _("Đã ghi trao thẻ."),
    )
    return redirect("members:member-detail", pk=card.membership_id)


@login_required
@require_POST
def transfer_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _member_action(
        request,
        pk,
        "member.change",
        member_forms.TransferStartForm,
        lambda m, data: services.start_transfer(m, actor=request.user, **data),
        _("Đã giới thiệu chuyển sinh hoạt; chờ nơi đến tiếp nhận."),
    )


@login_required
@require_POST
def transfer_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_transfer_for_user(request.user, pk, action="member.receive")
    form = member_forms.TransferConfirmForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.confirm_transfer(transfer, actor=request.user, **data),
        _("Đã tiếp nhận sinh hoạt đảng."),
    )
    return redirect("members:transfer-detail", pk=transfer.pk)


@login_required
@require_POST
def transfer_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_transfer_for_user(request.user, pk, action="member.change")
    try:
        services.cancel_transfer(transfer, actor=request.user, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã hủy lần chuyển sinh hoạt."))
    return redirect("members:transfer-detail", pk=transfer.pk)


@login_required
@require_POST
def transfer_end(request: HttpRequest, pk: int) -> HttpResponse:
    transfer: Transfer = get_transfer_for_user(request.user, pk, action="member.change")
    form = member_forms.TransferEndForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.end_temporary_transfer(transfer, actor=request.user, **data),
        _("Đã kết thúc sinh hoạt tạm thời."),
    )
    return redirect("members:transfer-detail", pk=transfer.pk)


@login_required
@require_POST
def residence_record(request: HttpRequest, pk: int) -> HttpResponse:
    link: ResidenceLink = get_residence_link_for_user(request.user, pk)
    form = member_forms.ResidenceForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.record_residence_introduction(
            link, actor=request.user, **{**data, "exemption": data.get("exemption") or ""}
        ),
        _("Đã ghi giới thiệu sinh hoạt nơi cư trú."),
    )
    return redirect("members:member-detail", pk=link.membership_id)
