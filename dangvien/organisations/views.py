from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations import selectors, services
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.forms import OrganisationForm
from dangvien.organisations.models import Organisation


@login_required
def organisation_tree(request: HttpRequest) -> HttpResponse:
    """The tree browser: the user's top nodes; children load with htmx on expand."""
    nodes = selectors.list_children_with_counts(organisation=None, user=request.user)
    return render(request, "organisations/organisation_tree.html", {"nodes": nodes})


@login_required
def organisation_children(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    nodes = selectors.list_children_with_counts(organisation=organisation, user=request.user)
    return render(request, "organisations/partials/_tree_nodes.html", {"nodes": nodes})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk)
    ancestors = Organisation.objects.visible_to(request.user).ancestors_of(organisation)
    context = {
        "organisation": organisation,
        "ancestors": ancestors,
        "children": selectors.list_children_with_counts(
            organisation=organisation, user=request.user
        ),
        "counts": selectors.count_subtree(organisation=organisation),
        "can_change": can(request.user, "organisation.change", organisation),
    }
    return render(request, "organisations/organisation_detail.html", context)


@login_required
def organisation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = get_organisation_for_user(request.user, pk, action="organisation.change")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.create_organisation(
                parent=parent, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo tổ chức «%s».") % child.name)
            return redirect("organisations:organisation-detail", pk=child.pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "parent": parent, "title": _("Thêm tổ chức trực thuộc")},
    )


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, pk, action="organisation.change")
    initial = {
        field: getattr(organisation, field)
        for field in (
            "code",
            "name",
            "kind",
            "area_kind",
            "disadvantaged_area",
            "valid_from",
            "valid_to",
        )
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            services.update_organisation(organisation, actor=request.user, **changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("organisations:organisation-detail", pk=organisation.pk)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "title": _("Sửa tổ chức")},
    )
