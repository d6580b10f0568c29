from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.training import selectors, services
from dangvien.training.access import get_class_for_user
from dangvien.training.filtersets import TrainingClassFilterSet
from dangvien.training.forms import ClassForm, CompleteForm, EnrolForm
from dangvien.training.models import Enrolment
from dangvien.training.tables import TrainingClassTable


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    filterset = TrainingClassFilterSet(request.GET, user=request.user, request=request)
    classes = list(filterset.page_qs)
    return render(
        request,
        "training/class_list.html",
        {
            "classes": classes,
            "table": TrainingClassTable(classes),
            "kind": filterset.cleaned("kind") or "",
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


def _detail(request: HttpRequest, training_class: Any, **forms: Any) -> HttpResponse:
    enrolments = [
        (enrolment, selectors.certificate_expiry(enrolment))
        for enrolment in selectors.list_enrolments(training_class)
    ]
    can_change = can(request.user, "training.change", training_class.organiser)
    return render(
        request,
        "training/class_detail.html",
        {
            "training_class": training_class,
            "enrolments": enrolments,
            "can_change": can_change,
            "enrol_form": forms.get("enrol_form")
            or (EnrolForm(user=request.user) if can_change else None),
            "complete_form": forms.get("complete_form") or CompleteForm(),
            "complete_for": forms.get("complete_for"),
        },
    )


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_class_for_user(request.user, pk))


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
            return redirect("training:class-detail", pk=pk)
    return _detail(request, training_class, enrol_form=form)


@login_required
@require_POST
def enrolment_complete(
    request: AuthenticatedHttpRequest, pk: int, enrolment_pk: int
) -> HttpResponse:
    training_class = get_class_for_user(request.user, pk, action="training.change")
    enrolment = get_visible_or_404(
        Enrolment.objects.filter(training_class=training_class), request.user, enrolment_pk
    )
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_enrolment(enrolment, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã cấp giấy chứng nhận cho %s.") % enrolment.person)
            return redirect("training:class-detail", pk=pk)
    return _detail(request, training_class, complete_form=form, complete_for=enrolment.pk)
