"""Thin views: access → form → service → redirect. A refusal shows the service's Vietnamese
message and changes nothing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.htmx import is_htmx
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scans import attach_from_form, scan_download
from dangvien.core.scoping import can, can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.members import forms as member_forms
from dangvien.members import printing, selectors, services
from dangvien.members.access import (
    get_card_for_user,
    get_membership_for_user,
    get_recognition_step_for_user,
    get_residence_link_for_user,
    get_transfer_for_user,
)
from dangvien.members.choices import MemberStatus, RecognitionStage, TransferStatus
from dangvien.members.filtersets import MemberFilterSet
from dangvien.members.models import (
    Membership,
    PartyCard,
    RecognitionAttachment,
    ResidenceLink,
    Transfer,
)
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


class _CountedPaginator(Paginator):
    """Pages through one queryset, counts another holding the same rows (a shape faster to
    count than to page through)."""

    def __init__(self, object_list: Any, per_page: int, *, counted: Any) -> None:
        super().__init__(object_list, per_page)
        self._counted = counted

    @functools.cached_property
    def count(self) -> int:
        return int(self._counted.count())


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    filterset = MemberFilterSet(request.GET, user=request.user, request=request)
    counting = MemberFilterSet(
        request.GET,
        queryset=selectors.list_members(user=request.user, counting=True),
        user=request.user,
        request=request,
    )
    paginator = _CountedPaginator(filterset.page_qs, PAGE_SIZE, counted=counting.page_qs)
    page = paginator.get_page(request.GET.get("page"))
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
            "card_fix_form": member_forms.CardCorrectionForm(auto_id="cardfix-%s"),
            "card_cancel_form": member_forms.CancelForm(auto_id="cardcancel-%s"),
            "transfer_form": member_forms.TransferStartForm(auto_id="transfer-%s"),
            "residence_form": member_forms.ResidenceForm(auto_id="residence-%s"),
            "is_probationary": membership.status == MemberStatus.PROBATIONARY,
        },
    )


def _with_correction_forms(steps: list[Any]) -> list[Any]:
    """Each step in force gets its own correction and cancellation forms (ids unique)."""
    for step in steps:
        if not step.superseded:
            step.correct_form = member_forms.RecognitionStepCorrectionForm(
                auto_id=f"rfix-{step.pk}-%s"
            )
            step.cancel_form = member_forms.CancelForm(auto_id=f"rcancel-{step.pk}-%s")
    return steps


@login_required
def member_probation(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user(request.user, pk)
    org = membership.organisation
    helpers = list(
        membership.helper_assignments.select_related("helper__person").order_by("start_date")
    )
    checklist = selectors.get_probation_checklist(membership)
    scans = selectors.recognition_scans(membership)
    rows = selectors.checklist_with_scans(membership, checklist, scans)
    shown = {scan.pk for row in rows for scan in row["scans"]}
    return render(
        request,
        "members/member_probation.html",
        {
            "m": membership,
            "checklist": checklist,
            "checklist_rows": rows,
            # scans of the membership itself, or of a step corrected or cancelled since
            "other_scans": [scan for scan in scans if scan.pk not in shown],
            "can_attach": can(request.user, "member.change", org),
            "helpers": helpers,
            "can_change": can(request.user, "member.change", org),
            "can_decide": can(request.user, "member.decide", org),
            "is_probationary": membership.status == MemberStatus.PROBATIONARY,
            "helper_form": member_forms.HelperForm(
                membership=membership, user=request.user, auto_id="helper-%s"
            ),
            "step_form": member_forms.RecognitionStepForm(auto_id="step-%s"),
            "recognition_steps": _with_correction_forms(
                selectors.list_recognition_history(membership)
            ),
            "vote": selectors.get_recognition_vote_context(membership, today=timezone.localdate()),
            "decision_form": member_forms.RecognitionDecisionForm(auto_id="decision-%s"),
            "removal_form": member_forms.RemovalForm(auto_id="removal-%s"),
            "print_forms": (
                printing.form_rows(membership) if can(request.user, "export.run", org) else []
            ),
        },
    )


@login_required
def member_register(request: AuthenticatedHttpRequest) -> HttpResponse:
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
            "correct_form": member_forms.TransferCorrectionForm(auto_id="fix-%s"),
            "corrected_by": Transfer.objects.filter(corrects=transfer).first(),
        },
    )


# --- actions (POST only) -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberAction:
    """A POST on one membership: the action the role needs, the form, the service (called as
    ``service(membership, actor=…, **cleaned_data)``), the message, where to go back, and what
    the form takes (``"membership"``; ``"user"`` for choices scoped to the reader)."""

    permission: str
    form: type[forms.Form]
    service: Callable[..., Any]
    success: str | Promise
    back: str = "members:member-detail"
    form_takes: tuple[str, ...] = ()


def _member_action_view(spec: MemberAction) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        membership = get_membership_for_user(request.user, pk, action=spec.permission)
        kwargs: dict[str, Any] = {
            name: request.user if name == "user" else membership for name in spec.form_takes
        }
        form = spec.form(request.POST, **kwargs)
        _run(
            request,
            form,
            lambda data: spec.service(membership, actor=request.user, **data),
            str(spec.success),
        )
        return redirect(spec.back, pk=membership.pk)

    return view


member_status = _member_action_view(
    MemberAction(
        "member.decide",
        member_forms.StatusForm,
        services.change_status,
        gettext_lazy("Đã ghi diễn biến."),
    )
)
helper_assign = _member_action_view(
    MemberAction(
        "member.change",
        member_forms.HelperForm,
        services.assign_helper,
        gettext_lazy("Đã phân công người giúp đỡ."),
        back="members:member-probation",
        form_takes=("membership", "user"),
    )
)


@login_required
@require_POST
def recognition_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a recognition step. A cell vote under the fraction is recorded as failed and
    said so (a warning that states what was needed and what may follow), never as a plain
    "recorded"."""
    membership = get_membership_for_user(request.user, pk, action="member.change")
    form = member_forms.RecognitionStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dữ liệu chưa hợp lệ — %s") % _form_errors(form))
    else:
        try:
            step = services.record_recognition_step(
                membership, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if step.stage == RecognitionStage.CELL_VOTE:
                describe = services.describe_recognition_vote(step)
                if step.passed:
                    messages.success(request, describe)
                else:
                    messages.warning(request, describe)
            else:
                messages.success(request, _("Đã ghi bước công nhận chính thức."))
    return redirect("members:member-probation", pk=membership.pk)


recognition_decide = _member_action_view(
    MemberAction(
        "member.decide",
        member_forms.RecognitionDecisionForm,
        services.recognise_official,
        gettext_lazy("Đã công nhận đảng viên chính thức."),
        back="members:member-probation",
    )
)
member_remove = _member_action_view(
    MemberAction(
        "member.decide",
        member_forms.RemovalForm,
        services.remove_probationary,
        gettext_lazy("Đã xóa tên khỏi danh sách đảng viên dự bị."),
        back="members:member-probation",
    )
)
transfer_start = _member_action_view(
    MemberAction(
        "member.change",
        member_forms.TransferStartForm,
        services.start_transfer,
        gettext_lazy("Đã giới thiệu chuyển sinh hoạt; chờ nơi đến tiếp nhận."),
    )
)
card_issue = _member_action_view(
    MemberAction(
        "member.decide",
        member_forms.CardForm,
        services.issue_card,
        gettext_lazy("Đã ghi quyết định cấp thẻ đảng."),
    )
)


@login_required
@require_POST
def card_handover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def transfer_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def transfer_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def transfer_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def residence_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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


@login_required
@require_POST
def recognition_step_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a recognition step recorded wrong: a replacement row, the old one kept."""
    step = get_recognition_step_for_user(request.user, pk)
    form = member_forms.RecognitionStepCorrectionForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.correct_recognition_step(
            step, actor=request.user, **form.service_kwargs()
        ),
        _("Đã sửa bước công nhận chính thức; bản ghi cũ vẫn được lưu."),
    )
    return redirect("members:member-probation", pk=step.membership_id)


@login_required
@require_POST
def recognition_step_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel a recognition step recorded by mistake (kept, struck through, with the reason)."""
    step = get_recognition_step_for_user(request.user, pk)
    form = member_forms.CancelForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.cancel_recognition_step(
            step, actor=request.user, reason=data["reason"]
        ),
        _("Đã hủy bước công nhận chính thức; bản ghi cũ vẫn được lưu."),
    )
    return redirect("members:member-probation", pk=step.membership_id)


@login_required
@require_POST
def card_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct the card in use recorded by mistake: a replacement row, the old one kept."""
    card: PartyCard = get_card_for_user(request.user, pk, action="member.decide")
    form = member_forms.CardCorrectionForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.correct_card(card, actor=request.user, **form.service_kwargs()),
        _("Đã sửa bản ghi thẻ đảng; bản ghi cũ vẫn được lưu."),
    )
    return redirect("members:member-detail", pk=card.membership_id)


@login_required
@require_POST
def card_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel the card in use recorded by mistake (kept, struck through, with the reason)."""
    card: PartyCard = get_card_for_user(request.user, pk, action="member.decide")
    form = member_forms.CancelForm(request.POST)
    _run(
        request,
        form,
        lambda data: services.cancel_card(card, actor=request.user, reason=data["reason"]),
        _("Đã hủy bản ghi thẻ đảng; bản ghi cũ vẫn được lưu."),
    )
    return redirect("members:member-detail", pk=card.membership_id)


@login_required
@require_POST
def transfer_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct an open transfer: a replacement row with its deadlines, the old one kept."""
    transfer: Transfer = get_transfer_for_user(request.user, pk)
    form = member_forms.TransferCorrectionForm(request.POST)
    result: list[Transfer] = []
    _run(
        request,
        form,
        lambda data: result.append(
            services.correct_transfer(transfer, actor=request.user, **form.service_kwargs())
        ),
        _("Đã sửa giới thiệu chuyển sinh hoạt; bản ghi cũ vẫn được lưu."),
    )
    return redirect("members:transfer-detail", pk=result[0].pk if result else transfer.pk)


@login_required
@require_POST
def member_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach a scanned signed copy of a printed recognition form to its step (needs
    ``member.change`` on the cell; 404 out of scope)."""
    membership = get_membership_for_user(request.user, pk, action="member.change")
    form = member_forms.RecognitionAttachmentForm(
        request.POST, request.FILES, membership=membership
    )
    return attach_from_form(
        request,
        form,
        functools.partial(services.attach_recognition_scan, membership, actor=request.user),
        url=reverse("members:member-probation", args=[membership.pk]),
        anchor=lambda step: f"recognition-{step.stage}",
    )


@login_required
def recognition_scan_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A scan attached to a recognition step of a member in the reader's scope (404
    otherwise)."""
    attachment = get_visible_or_404(
        RecognitionAttachment.objects.filter(
            membership__in=Membership.objects.visible_to(request.user)
        ),
        request.user,
        pk,
    )
    return scan_download(attachment)


@login_required
@require_POST
def member_form(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """One recognition form (10–13, 15-KNĐ, the decision) as a Word file, pre-filled, with the
    QR code of its step (audited as an export; needs ``export.run`` on the cell)."""
    membership = get_membership_for_user(request.user, pk)
    spec = printing.FORMS_BY_SLUG.get(code)
    if spec is None:
        raise Http404("form")
    content, filename = printing.export_form(
        membership, spec, actor=request.user, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
