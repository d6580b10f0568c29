from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.htmx import is_htmx
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.people import services
from dangvien.people.access import get_person_for_user
from dangvien.people.filtersets import PersonFilterSet
from dangvien.people.forms import DuplicateConfirmForm, PersonForm
from dangvien.people.registry import person_sections
from dangvien.people.tables import PersonTable

PAGE_SIZE = 50


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    filterset = PersonFilterSet(request.GET, user=request.user, request=request)
    page = Paginator(filterset.page_qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    template = (
        "people/partials/_person_rows.html"
        if is_htmx(request, target="person-rows")
        else "people/person_list.html"
    )
    return render(
        request,
        template,
        {"form": filterset.form, "page": page, "table": PersonTable(page.object_list)},
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk)
    events = AuditEvent.objects.about(person)[:20]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "events": events,
            "sections": person_sections(person, request.user),
            "can_change": can(request.user, "person.change", person.organisation),
            "can_reveal": can(request.user, "person.reveal_sensitive", person.organisation),
        },
    )


@login_required
def person_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    confirm = DuplicateConfirmForm(request.POST or None)
    duplicates: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        confirmed = confirm.is_valid() and bool(confirm.cleaned_data["confirm_duplicate"])
        try:
            person = services.create_person(
                actor=request.user,
                confirm_duplicate=confirmed,
                seen_duplicates=confirm.seen(),
                **form.cleaned_data,
            )
        except services.PossibleDuplicate as exc:
            # Ask before creating: show the candidates and a «create anyway» box, unticked.
            duplicates = services.describe_duplicates(exc.candidates, user=request.user)
            confirm = DuplicateConfirmForm(initial={"seen_duplicates": len(duplicates)})
            form.add_error(None, exc.message)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm «%s».") % person.full_name)
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "title": _("Thêm người"),
            "duplicates": duplicates,
            "confirm_form": confirm,
        },
    )


@login_required
def person_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, action="person.change")
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data
        }
        try:
            services.update_person(person, actor=request.user, **changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("people:person-detail", pk=person.pk)
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "title": _("Sửa thông tin")},
    )


@login_required
@require_POST
def person_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, action="person.reveal_sensitive")
    values = services.reveal_sensitive(person, actor=request.user, fields=("citizen_id", "phone"))
    return render(request, "people/partials/_sensitive.html", {"values": values})
