from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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

from dangvien.admissions import printing, selectors, services
from dangvien.admissions.access import (
    get_dossier_for_user,
    get_failed_vote_for_user,
    get_step_for_user,
)
from dangvien.admissions.choices import Stage
from dangvien.admissions.filtersets import DossierFilterSet
from dangvien.admissions.forms import (
    ApprovalForm,
    AttachmentForm,
    DossierCreateForm,
    ExtensionForm,
    HelperForm,
    StepCancelForm,
    StepCorrectionForm,
    StepForm,
    StopForm,
)
from dangvien.admissions.models import Dossier, FailedVote, StepAttachment
from dangvien.admissions.tables import DossierTable
from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_date
from dangvien.core.forms import add_domain_error
from dangvien.core.htmx import is_htmx
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scans import attach_from_form, scan_download
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.core.worklist import collect_for_request, collect_waiting_oldest, due_count
from dangvien.organisations.models import Organisation

PAGE_SIZE = 50


def _done(request: HttpRequest, dossier: Dossier, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("admissions:dossier-detail", args=[dossier.pk])
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@login_required
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = collect_for_request(request, today)
    overdue = [item for item in items if item.is_overdue(today)]
    due = [item for item in items if not item.is_overdue(today)]
    waiting, waiting_count = collect_waiting_oldest(request.user, today, WAITING_SHOWN)
    return render(
        request,
        "admissions/worklist.html",
        {
            # the oldest overdue and the nearest due; a province has thousands, which nobody
            # reads one by one: every item is counted by what is due (``kinds``)
            "overdue": overdue[:DUE_SHOWN],
            "overdue_count": len(overdue),
            "due": due[:DUE_SHOWN],
            "due_count": len(due),
            "kinds": _count_kinds(items, today) if len(items) > DUE_SHOWN else [],
            "shown": DUE_SHOWN,
            "waiting": waiting,
            "waiting_count": waiting_count,
            "today": today,
            "horizon": selectors.horizon_days(today),
        },
    )


WAITING_SHOWN = 200
DUE_SHOWN = 100  # of the overdue, and of the due soon


def _count_kinds(items: list[Any], today: dt.date) -> list[dict[str, Any]]:
    """The due items counted by what is due (the label: an overdue recognition vote and one
    due soon are two kinds, one row), overdue and due soon, the most overdue first."""
    counts: dict[str, dict[str, Any]] = {}
    for item in items:
        row = counts.setdefault(
            item.label, {"kind": item.kind, "label": item.label, "overdue": 0, "due": 0}
        )
        row["overdue" if item.is_overdue(today) else "due"] += 1
    return sorted(counts.values(), key=lambda row: (-row["overdue"], -row["due"], row["label"]))


@login_required
def worklist_count(request: HttpRequest) -> HttpResponse:
    """The navigation badge: how many worklist items are due, fetched after the page."""
    count = due_count(request, timezone.localdate())
    return render(request, "admissions/partials/_worklist_count.html", {"count": count})


@login_required
def dossier_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset = DossierFilterSet(request.GET, user=request.user, request=request)
    page = Paginator(filterset.page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    template = (
        "admissions/partials/_dossier_rows.html"
        if is_htmx(request, target="dossier-rows")
        else "admissions/dossier_list.html"
    )
    return render(
        request,
        template,
        {
            "form": filterset.form,
            "page": page,
            "table": DossierTable(page.object_list, today=today),
            "today": today,
        },
    )


@login_required
def dossier_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"date": timezone.localdate()}
    if request.GET.get("organisation"):
        initial["organisation"] = request.GET["organisation"]
    form = DossierCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not can(request.user, "dossier.change", data["organisation"]):
            raise PermissionDenied("dossier.change")
        try:
            dossier = services.open_dossier(
                person=data["person"],
                organisation=data["organisation"],
                date=data["date"],
                document_number=data["document_number"],
                note=data["note"],
                helpers=list(data["helpers"]),
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Đã đưa %s vào danh sách quần chúng ưu tú.") % dossier.person
            )
            return redirect("admissions:dossier-detail", pk=dossier.pk)
    return render(
        request,
        "admissions/dossier_form.html",
        {"form": form, "title": _("Đưa vào danh sách quần chúng ưu tú")},
    )


def _detail_context(request: HttpRequest, dossier: Dossier, **forms: Any) -> dict[str, Any]:
    user = request.user
    stage = services.next_stage(dossier)
    today = timezone.localdate()
    timeline = selectors.get_timeline(dossier)
    if dossier.status == "open":
        for entry in timeline:
            step = entry["item"]
            if step.superseded:
                continue
            if entry["kind"] == "failed_vote":
                if can(user, services.action_for(step.stage), dossier.organisation):
                    entry["vote_correct_form"] = StepCorrectionForm(
                        stage=step.stage, auto_id=f"vfix-{step.pk}-%s"
                    )
                    entry["vote_cancel_form"] = StepCancelForm(auto_id=f"vcancel-{step.pk}-%s")
                continue
            if can(user, services.action_for(step.stage), dossier.organisation):
                entry["correct_form"] = StepCorrectionForm(
                    stage=step.stage, auto_id=f"fix-{step.pk}-%s"
                )
                if step.stage == dossier.stage and step.stage != Stage.OUTSTANDING:
                    entry["cancel_form"] = StepCancelForm(auto_id=f"cancel-{step.pk}-%s")
    context: dict[str, Any] = {
        "dossier": dossier,
        "timeline": timeline,
        "participants": list(dossier.participants.select_related("person")),
        "approvals": list(dossier.approvals.all()),
        "next_stage": stage,
        "next_stage_label": services.stage_label(stage) if stage else "",
        "today": today,
        "is_open": dossier.status == "open",
        "can_change": can(user, "dossier.change", dossier.organisation),
        "can_decide": can(user, "dossier.decide", dossier.organisation),
        "deadline_label": selectors.DEADLINE_LABELS.get(dossier.next_deadline_kind, ""),
        "can_print": can(user, "export.run", dossier.organisation),
    }
    if context["can_print"]:
        steps = {
            entry["item"].stage: entry["item"]
            for entry in timeline
            if entry["kind"] == "step" and not entry["item"].superseded
        }
        context["print_forms"] = printing.form_rows(dossier, steps)
        for entry in timeline:
            if entry["kind"] == "step" and not entry["item"].superseded:
                entry["print_forms"] = [
                    row
                    for row in context["print_forms"]
                    if row["spec"].stage == entry["item"].stage
                ]
    attachments = list(dossier.attachments.select_related("uploaded_by"))
    context["dossier_attachments"] = [a for a in attachments if a.step_id is None]
    for entry in timeline:
        if entry["kind"] == "step":
            entry["attachments"] = [a for a in attachments if a.step_id == entry["item"].pk]
    context["can_attach"] = context["can_change"]
    if dossier.status == "open":
        from dangvien.rules.selectors import get_rule_set

        try:
            context["checks"] = services.eligibility_checks(
                dossier, on=today, rule_set=get_rule_set(on=today)
            )
        except DomainError:
            context["checks"] = []
        can_step = stage is not None and can(user, services.action_for(stage), dossier.organisation)
        context["can_step"] = can_step
        context["vote_info"] = _vote_info(dossier, stage, today)
        if can_step and stage:
            context["step_form"] = forms.get("step_form") or StepForm(
                user=user, stage=stage, near=dossier.organisation, initial={"date": today}
            )
        if context["can_change"]:
            context["stop_form"] = forms.get("stop_form") or StopForm(initial={"date": today})
            context["approval_form"] = forms.get("approval_form") or ApprovalForm()
            context["helper_form"] = forms.get("helper_form") or HelperForm(
                user=user, near=dossier.organisation, initial={"date": today}
            )
        if context["can_decide"] and dossier.stage in (Stage.CELL_VOTE, Stage.GRASSROOTS_VOTE):
            context["extension_form"] = forms.get("extension_form") or ExtensionForm(
                initial={"date": today}
            )
    return context


@login_required
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk)
    return render(request, "admissions/dossier_detail.html", _detail_context(request, dossier))


def _partial(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=200)


@login_required
@require_POST
def dossier_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, pk)
    stage = request.POST.get("stage") or services.next_stage(dossier)
    if stage not in Stage.values:
        raise Http404("stage")
    services.check_step_authority(request.user, stage, dossier.organisation)
    form = StepForm(request.POST, user=request.user, stage=stage, near=dossier.organisation)
    if form.is_valid():
        try:
            result = services.record_step(
                dossier, stage=stage, actor=request.user, **form.service_kwargs()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if isinstance(result, FailedVote):
                messages.warning(request, services.describe_failed_vote(result))
                url = reverse("admissions:dossier-detail", args=[dossier.pk])
                if is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
            return _done(request, dossier, _("Đã ghi bước «%s».") % services.stage_label(stage))
    return _partial(
        request,
        "admissions/partials/_step_form.html",
        {
            "dossier": dossier,
            "step_form": form,
            "next_stage": stage,
            "next_stage_label": services.stage_label(stage),
            "vote_info": _vote_info(dossier, stage, timezone.localdate()),
        },
    )


def _vote_info(dossier: Dossier, stage: str | None, today: Any) -> str:
    """Shown above the cell-vote form before anything is entered: the cell's official members
    today and the votes needed (the service counts again on the vote's date)."""
    if stage != Stage.CELL_VOTE:
        return ""
    try:
        official = services.count_official_members(dossier.organisation, today)
        if not official:
            return ""
        return _(
            "Chi bộ có %(official)s đảng viên chính thức ngày %(today)s: %(needed)s. Số này được"
            " tính lại theo ngày biểu quyết."
        ) % {
            "official": official,
            "today": format_date(today),
            "needed": services.describe_votes_needed_for(stage, official, today),
        }
    except DomainError:
        return ""


@dataclass(frozen=True)
class DossierAction:
    """A POST on one dossier answered with the re-rendered action form (htmx): the action the
    role needs, the form (``form_name`` picks the partial's wording), the service (called as
    ``service(dossier, actor=…, **cleaned_data)``) and the success message."""

    permission: str
    form: type[forms.Form]
    form_name: str
    service: Callable[..., Any]
    success: str | Promise
    form_gets_user: bool = False


def _dossier_action_view(spec: DossierAction) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        dossier = get_dossier_for_user(request.user, pk, action=spec.permission)
        # the member pickers offer the dossier's committee first (any member in scope is valid)
        kwargs: dict[str, Any] = (
            {"user": request.user, "near": dossier.organisation} if spec.form_gets_user else {}
        )
        form = spec.form(request.POST, **kwargs)
        if form.is_valid():
            try:
                spec.service(dossier, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return _done(request, dossier, str(spec.success))
        context = {
            "dossier": dossier,
            "form": form,
            "form_name": spec.form_name,
            "action_url": request.path,
        }
        return _partial(request, "admissions/partials/_action_form.html", context)

    return view


dossier_stop = _dossier_action_view(
    DossierAction(
        "dossier.change", StopForm, "stop", services.stop_dossier, gettext_lazy("Đã dừng hồ sơ.")
    )
)
dossier_approval = _dossier_action_view(
    DossierAction(
        "dossier.change",
        ApprovalForm,
        "approval",
        services.record_approval,
        gettext_lazy("Đã ghi văn bản đồng ý."),
    )
)
dossier_extension = _dossier_action_view(
    DossierAction(
        "dossier.decide",
        ExtensionForm,
        "extension",
        services.record_extension,
        gettext_lazy("Đã ghi gia hạn."),
    )
)
dossier_helper = _dossier_action_view(
    DossierAction(
        "dossier.change",
        HelperForm,
        "helper",
        services.assign_helper,
        gettext_lazy("Đã phân công đảng viên giúp đỡ."),
        form_gets_user=True,
    )
)


@login_required
def outstanding_list(request: HttpRequest, org_pk: int) -> HttpResponse:
    organisation = get_visible_or_404(Organisation, request.user, org_pk)
    dossiers = selectors.list_outstanding(user=request.user, organisation=organisation)
    return render(
        request,
        "admissions/outstanding_list.html",
        {
            "organisation": organisation,
            "dossiers": dossiers,
            "can_change": can(request.user, "dossier.change", organisation),
        },
    )


@login_required
@require_POST
def step_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a step: a replacement row; the old one stays, struck through, with the reason."""
    step = get_step_for_user(request.user, pk)
    form = StepCorrectionForm(request.POST, stage=step.stage)
    url = reverse("admissions:dossier-detail", args=[step.dossier_id])
    if not form.is_valid():
        messages.error(request, _("Chưa sửa được: %s") % _form_errors(form))
        return redirect(url)
    try:
        services.correct_step(step, actor=request.user, **form.service_kwargs())
    except DomainError as exc:
        messages.error(request, _("Chưa sửa được: %s") % exc.message)
    else:
        messages.success(request, _("Đã sửa bước «%s»; bản ghi cũ vẫn được lưu.") % step)
    return redirect(url)


@login_required
@require_POST
def step_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel the latest step recorded by mistake: the dossier goes back one stage."""
    step = get_step_for_user(request.user, pk)
    form = StepCancelForm(request.POST)
    url = reverse("admissions:dossier-detail", args=[step.dossier_id])
    if not form.is_valid():
        messages.error(request, _("Chưa hủy được: %s") % _form_errors(form))
        return redirect(url)
    try:
        services.cancel_step(step, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, _("Chưa hủy được: %s") % exc.message)
    else:
        messages.success(request, _("Đã hủy bước «%s»; bản ghi cũ vẫn được lưu.") % step)
    return redirect(url)


@login_required
@require_POST
def failed_vote_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Correct a failed round recorded wrong: a replacement row, the old one kept."""
    vote = get_failed_vote_for_user(request.user, pk)
    form = StepCorrectionForm(request.POST, stage=vote.stage)
    url = reverse("admissions:dossier-detail", args=[vote.dossier_id])
    if not form.is_valid():
        messages.error(request, _("Chưa sửa được: %s") % _form_errors(form))
        return redirect(url)
    try:
        services.correct_failed_vote(vote, actor=request.user, **form.service_kwargs())
    except DomainError as exc:
        messages.error(request, _("Chưa sửa được: %s") % exc.message)
    else:
        messages.success(request, _("Đã sửa «%s»; bản ghi cũ vẫn được lưu.") % vote)
    return redirect(url)


@login_required
@require_POST
def failed_vote_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel the latest failed round recorded by mistake: rounds and escalation follow."""
    vote = get_failed_vote_for_user(request.user, pk)
    form = StepCancelForm(request.POST)
    url = reverse("admissions:dossier-detail", args=[vote.dossier_id])
    if not form.is_valid():
        messages.error(request, _("Chưa hủy được: %s") % _form_errors(form))
        return redirect(url)
    try:
        services.cancel_failed_vote(vote, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, _("Chưa hủy được: %s") % exc.message)
    else:
        messages.success(request, _("Đã hủy «%s»; bản ghi cũ vẫn được lưu.") % vote)
    return redirect(url)


def _form_errors(form: forms.Form) -> str:
    return "; ".join(
        " ".join(str(error) for error in errors)
        if name == "__all__"
        else f"{form.fields[name].label if name in form.fields else name}: "
        + " ".join(str(error) for error in errors)
        for name, errors in form.errors.items()
    )


@login_required
@require_POST
def dossier_form(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """One KNĐ form of the dossier as a Word file, pre-filled, with the QR code of its step
    (audited as an export; needs ``export.run`` on the cell)."""
    dossier = get_dossier_for_user(request.user, pk)
    spec = printing.FORMS_BY_SLUG.get(code)
    if spec is None:
        raise Http404("form")
    content, filename = printing.export_form(
        dossier, spec, actor=request.user, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def dossier_attach(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach a scanned signed copy of a printed form to a step (or the dossier)."""
    dossier = get_dossier_for_user(request.user, pk, action="dossier.change")
    form = AttachmentForm(request.POST, request.FILES, dossier=dossier)
    return attach_from_form(
        request,
        form,
        functools.partial(services.attach_scan, dossier, actor=request.user),
        url=reverse("admissions:dossier-detail", args=[dossier.pk]),
        anchor=lambda step: f"step-{step.pk}",
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A scanned copy attached to a dossier in the reader's scope (404 otherwise)."""
    attachment = get_visible_or_404(
        StepAttachment.objects.filter(dossier__in=Dossier.objects.visible_to(request.user)),
        request.user,
        pk,
    )
    return scan_download(attachment)
