from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.documents import DOCX_CONTENT_TYPE
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scoping import can, can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.training import selectors, services
from dangvien.training.access import get_class_for_user, get_proposal_for_user
from dangvien.training.filtersets import TrainingClassFilterSet
from dangvien.training.forms import (
    BulkEnrolForm,
    CandidateCellForm,
    ClassCorrectForm,
    ClassForm,
    CompleteForm,
    CorrectCertificateForm,
    EnrolForm,
    ProposeForm,
    ReasonForm,
    RosterForm,
)
from dangvien.training.models import Enrolment, TrainingClass
from dangvien.training.tables import TrainingClassTable

PAGE_SIZE = 50


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    filterset = TrainingClassFilterSet(request.GET, user=request.user, request=request)
    # a page at a time: a province organises thousands of classes (6.300 in the national
    # dataset's first province: 2 MB and 6,9 s to render them all)
    page = Paginator(filterset.page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    classes = list(page.object_list)
    kind = filterset.cleaned("kind") or ""
    return render(
        request,
        "training/class_list.html",
        {
            "classes": classes,
            "page": page,
            "query": urlencode({"kind": kind}) if kind else "",
            "table": TrainingClassTable(classes),
            "kind": kind,
            "can_create": can_anywhere(request.user, "training.change"),
        },
    )


@login_required
def class_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not can(request.user, "training.change", form.cleaned_data["organiser"]):
            raise PermissionDenied("training.change")
        try:
            training_class = services.create_class(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã mở lớp «%s».") % training_class.name)
            return redirect("training:class-detail", pk=training_class.pk)
    return render(request, "training/class_form.html", {"form": form})


def _detail(request: HttpRequest, training_class: TrainingClass, **forms: Any) -> HttpResponse:
    user = request.user
    can_change = can(user, "training.change", training_class.organiser)
    roster = list(selectors.list_enrolments(training_class, user=None if can_change else user))
    from dangvien.organisations.selectors import names_with_parent

    cells = names_with_parent({row.person.organisation_id for row in roster})
    rows = [
        {
            "enrolment": row,
            "cell": cells.get(row.person.organisation_id, ""),
            "expiry": selectors.certificate_expiry(row),
        }
        for row in roster
    ]
    is_open = training_class.is_open
    roster_form = forms.get("roster_form") or RosterForm(roster=roster)
    checked = {str(v) for v in (roster_form["enrolments"].value() or [])}
    context: dict[str, Any] = {
        "training_class": training_class,
        "rows": rows,
        "can_change": can_change,
        "is_open": is_open,
        "history": selectors.list_history(training_class, user=user),
        "corrections": list(training_class.corrections.all()),
        "roster_form": roster_form,
        "checked": checked,
        "row_form": forms.get("row_form"),
        "row_for": forms.get("row_for"),
        "row_action": forms.get("row_action"),
        "class_form": forms.get("class_form"),
        "class_action": forms.get("class_action"),
        "can_print": can_anywhere(user, "export.run"),
    }
    if can_change and is_open:
        chosen = "from-cell" in request.GET
        cell_form = CandidateCellForm(request.GET if chosen else None, user=user)
        candidates = None
        if chosen and cell_form.is_valid():
            candidates = selectors.list_candidates(
                training_class, cell=cell_form.cleaned_data["cell"]
            )
        context.update(
            enrol_form=forms.get("enrol_form") or EnrolForm(user=user),
            cell_form=cell_form,
            candidates=candidates,
            bulk_form=forms.get("bulk_form"),
            proposals=selectors.list_pending_proposals(training_class, user=user),
            correct_form=forms.get("correct_form")
            or ClassCorrectForm(
                initial={
                    "name": training_class.name,
                    "start_date": training_class.start_date,
                    "end_date": training_class.end_date,
                }
            ),
        )
    elif is_open and can_anywhere(user, "training.propose"):
        context["propose_form"] = forms.get("propose_form") or ProposeForm(user=user)
    return render(request, "training/class_detail.html", context)


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_class_for_user(request.user, pk))


def _back(pk: int) -> HttpResponse:
    return redirect("training:class-detail", pk=pk)


@login_required
@require_POST
def class_enrol(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    form = EnrolForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.enrol_person(
                training_class, person=form.cleaned_data["person"], actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm học viên."))
            return _back(pk)
    return _detail(request, training_class, enrol_form=form)


@login_required
@require_POST
def class_enrol_bulk(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    form = BulkEnrolForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            added = services.enrol_people(
                training_class, people=list(form.cleaned_data["people"]), actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(count)s học viên.") % {"count": len(added)})
            return _back(pk)
    return _detail(request, training_class, bulk_form=form)


@login_required
@require_POST
def class_roster(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attendance, results or certificates for the students ticked on the roster."""
    training_class = get_class_for_user(request.user, pk, action="training.change")
    roster = list(selectors.list_enrolments(training_class))
    form = RosterForm(request.POST, roster=roster)
    if form.is_valid():
        data = form.cleaned_data
        ids, action = data["enrolments"], data["action"]
        try:
            if action == RosterForm.CERTIFICATES:
                issued = services.issue_certificates(
                    training_class,
                    enrolment_ids=ids,
                    first_number=data["first_number"],
                    prefix=data.get("number_prefix") or "",
                    certificate_date=data["certificate_date"],
                    actor=request.user,
                )
                messages.success(
                    request, _("Đã cấp %(count)s giấy chứng nhận.") % {"count": len(issued)}
                )
            else:
                attended = {RosterForm.ATTENDED: True, RosterForm.ABSENT: False}.get(action)
                result = {
                    RosterForm.PASSED: Enrolment.Result.PASSED,
                    RosterForm.FAILED: Enrolment.Result.FAILED,
                }.get(action)
                rows = services.record_results(
                    training_class,
                    enrolment_ids=ids,
                    attended=attended,
                    result=result,
                    actor=request.user,
                )
                messages.success(
                    request, _("Đã ghi cho %(count)s học viên.") % {"count": len(rows)}
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _back(pk)
    return _detail(request, training_class, roster_form=form)


def _enrolment(request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int) -> Any:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    enrolment = get_visible_or_404(
        Enrolment.objects.filter(training_class=training_class), request.user, enrolment_pk
    )
    return training_class, enrolment


@login_required
@require_POST
def enrolment_complete(
    request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int
) -> HttpResponse:
    training_class, enrolment = _enrolment(request, pk, enrolment_pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_enrolment(enrolment, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã cấp giấy chứng nhận cho %s.") % enrolment.person)
            return _back(pk)
    return _detail(
        request, training_class, row_form=form, row_for=enrolment.pk, row_action="complete"
    )


@login_required
@require_POST
def enrolment_correct(
    request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int
) -> HttpResponse:
    training_class, enrolment = _enrolment(request, pk, enrolment_pk)
    form = CorrectCertificateForm(request.POST)
    if form.is_valid():
        try:
            services.correct_certificate(enrolment, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã sửa giấy chứng nhận của %s.") % enrolment.person)
            return _back(pk)
    return _detail(
        request, training_class, row_form=form, row_for=enrolment.pk, row_action="correct"
    )


def _with_reason(
    request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int, *, action: str
) -> HttpResponse:
    training_class, enrolment = _enrolment(request, pk, enrolment_pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            if action == "revoke":
                services.revoke_certificate(enrolment, actor=request.user, **form.cleaned_data)
                done = _("Đã thu hồi giấy chứng nhận của %s.")
            else:
                services.remove_enrolment(enrolment, actor=request.user, **form.cleaned_data)
                done = _("Đã rút %s khỏi lớp.")
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, done % enrolment.person)
            return _back(pk)
    return _detail(request, training_class, row_form=form, row_for=enrolment.pk, row_action=action)


@login_required
@require_POST
def enrolment_revoke(request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    return _with_reason(request, pk, enrolment_pk, action="revoke")


@login_required
@require_POST
def enrolment_remove(request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    return _with_reason(request, pk, enrolment_pk, action="remove")


@login_required
@require_POST
def class_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    form = ClassCorrectForm(request.POST)
    if form.is_valid():
        try:
            services.correct_class(training_class, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã sửa thông tin lớp."))
            return _back(pk)
    return _detail(request, training_class, correct_form=form)


@login_required
@require_POST
def class_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_class(training_class, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã hủy lớp."))
            return _back(pk)
    return _detail(request, training_class, class_form=form, class_action="cancel")


@login_required
@require_POST
def class_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    form = ReasonForm()
    try:
        services.close_class(training_class, actor=request.user)
    except DomainError as exc:
        form = ReasonForm({"reason": "-"})
        form.is_valid()
        form.add_error(None, exc.message)
    else:
        messages.success(request, _("Đã kết thúc lớp."))
        return _back(pk)
    return _detail(request, training_class, class_form=form, class_action="close")


@login_required
@require_POST
def class_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A cell or commune office proposes one of its people for a class open to them."""
    training_class = get_class_for_user(request.user, pk)
    if not can_anywhere(request.user, "training.propose"):
        raise PermissionDenied("training.propose")
    form = ProposeForm(request.POST, user=request.user)
    if form.is_valid():
        person = form.cleaned_data["person"]
        if not can(request.user, "training.propose", person.organisation):
            raise PermissionDenied("training.propose")
        try:
            services.propose_person(
                training_class, person=person, note=form.cleaned_data["note"], actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Đã đề nghị cử %s đi học; chờ đơn vị tổ chức lớp duyệt.") % person
            )
            return _back(pk)
    return _detail(request, training_class, propose_form=form)


def _decide(request: AuthenticatedHttpRequest, pk: int, proposal_pk: int, *, accept: bool) -> Any:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    proposal = get_proposal_for_user(request.user, training_class, proposal_pk)
    try:
        services.decide_proposal(proposal, accept=accept, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            (_("Đã nhận %s vào lớp.") if accept else _("Đã không nhận %s.")) % proposal.person,
        )
    return _back(pk)


@login_required
@require_POST
def proposal_accept(request: AuthenticatedHttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    return _decide(request, pk, proposal_pk, accept=True)


@login_required
@require_POST
def proposal_decline(request: AuthenticatedHttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    return _decide(request, pk, proposal_pk, accept=False)


@login_required
@require_POST
def class_print(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The class roster or certificate list as a Word file (audited as an export)."""
    training_class = get_class_for_user(request.user, pk)
    from dangvien.training import printing

    content, filename = printing.export_list(
        request.user, training_class, kind, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
