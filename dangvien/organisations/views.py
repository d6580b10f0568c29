from __future__ import annotations

import base64
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations import plan_import, plans, selectors, services
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.choices import ReorganisationKind
from dangvien.organisations.forms import OrganisationForm, ReorganiseForm
from dangvien.organisations.models import Organisation, ReorganisationPlan


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
        "can_reorganise": can(request.user, "organisation.reorganise", organisation),
        "kinds": ReorganisationKind.choices,
        "predecessors": selectors.predecessors(organisation),
        "successors": selectors.successors(organisation),
        "events": selectors.reorganisation_events(organisation),
        "aliases": organisation.aliases.all(),
        "lineage_line": selectors.lineage_line(organisation),
        "plans": ReorganisationPlan.objects.filter(root=organisation).order_by("-pk")[:10],
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


# --- reorganisation (issue 11): a wizard per operation, plans, lineage ------------------------


def _plan_root(user: Any, organisation: Organisation) -> Organisation:
    """The highest organisation above (or at) ``organisation`` the user may reorganise: the
    plan's reach, so that an operation may name the organisation's parent and siblings."""
    for candidate in Organisation.objects.visible_to(user).ancestors_of(
        organisation, include_self=True
    ):
        if can(user, "organisation.reorganise", candidate):
            return candidate
    return organisation


def _operations(plan: ReorganisationPlan | None) -> list[dict[str, Any]]:
    if plan is None:
        return []
    return [{"kind": op.kind, "spec": op.spec} for op in plan.operations.order_by("position")]


@login_required
def reorganise(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The wizard of one operation: the form, then a preview (run and rolled back), then save
    as a draft plan (or add to one: ``?plan=``) or apply at once."""
    organisation = get_organisation_for_user(request.user, pk, action="organisation.reorganise")
    if kind not in ReorganisationKind.values:
        raise Http404("kind")
    root = _plan_root(request.user, organisation)
    plan = None
    plan_pk = request.POST.get("plan") or request.GET.get("plan")
    if plan_pk:
        plan = get_visible_or_404(
            ReorganisationPlan.objects.filter(
                status=ReorganisationPlan.Status.DRAFT,
                root__in=Organisation.objects.visible_to(request.user),
            ),
            request.user,
            plan_pk,
        )
        root = plan.root
    initial: dict[str, Any] = {
        "sources": "",
        "source": organisation.code,
        "node": organisation.code,
        "organisation": organisation.code,
    }
    if plan is not None:
        initial.update(
            effective_date=plan.effective_date,
            decision_number=plan.decision_number,
            handover_reference=plan.handover_reference,
        )
    form = ReorganiseForm(request.POST or None, kind=kind, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "preview")
        operations = [*_operations(plan), {"kind": kind, "spec": form.spec()}]
        data = form.cleaned_data
        header = {
            "effective_date": data["effective_date"],
            "decision_number": data["decision_number"],
            "handover_reference": data.get("handover_reference", ""),
        }
        try:
            if action == "draft":
                if plan is None:
                    plan = plans.create_plan(
                        root=root, operations=operations, actor=request.user, **header
                    )
                else:
                    plans.replace_operations(plan, operations=operations, actor=request.user)
                messages.success(request, _("Đã lưu dự thảo phương án."))
                return redirect("organisations:plan-detail", plan_pk=plan.pk)
            if action == "apply" and plan is None:
                with transaction.atomic():
                    draft = plans.create_plan(
                        root=root, operations=operations, actor=request.user, **header
                    )
                    plans.apply_plan(draft, actor=request.user)
                messages.success(request, _("Đã thực hiện sắp xếp tổ chức."))
                return redirect("organisations:organisation-detail", pk=organisation.pk)
            with transaction.atomic():  # the preview of the draft with this operation
                draft = plans.create_plan(
                    root=root, operations=operations, actor=request.user, **header
                )
                preview = plans.preview_plan(draft, actor=request.user)
                transaction.set_rollback(True)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request,
        "organisations/reorganise.html",
        {
            "organisation": organisation,
            "root": root,
            "kind": kind,
            "kind_label": ReorganisationKind(kind).label,
            "kinds": ReorganisationKind.choices,
            "form": form,
            "preview": preview,
            "plan": plan,
        },
    )


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    """A plan: its operations; preview (rolled back), apply all at once, or cancel."""
    plan = get_visible_or_404(
        ReorganisationPlan.objects.filter(
            root__in=Organisation.objects.visible_to(request.user)
        ).select_related("root"),
        request.user,
        plan_pk,
    )
    can_reorganise = can(request.user, "organisation.reorganise", plan.root)
    preview = None
    error = None
    row_errors: list[Any] = []
    error_file = ""
    if request.method == "POST":
        if not can_reorganise:
            raise PermissionDenied("organisation.reorganise")
        action = request.POST.get("action", "preview")
        try:
            if action == "import":
                plan_import.import_upload(
                    plan, upload=request.FILES.get("file"), actor=request.user
                )
                messages.success(
                    request,
                    _("Đã nhập %(count)s thao tác từ tệp Excel. Hãy xem trước cả phương án.")
                    % {"count": plan.operations.count()},
                )
                return redirect("organisations:plan-detail", plan_pk=plan.pk)
            if action == "apply":
                plans.apply_plan(plan, actor=request.user)
                messages.success(request, _("Đã thực hiện phương án sắp xếp tổ chức."))
                return redirect("organisations:plan-detail", plan_pk=plan.pk)
            if action == "cancel":
                plans.cancel_plan(plan, actor=request.user)
                messages.success(request, _("Đã hủy phương án."))
                return redirect("organisations:plan-detail", plan_pk=plan.pk)
            preview = plans.preview_plan(plan, actor=request.user)
        except plan_import.PlanRowsRefused as exc:
            error = exc.message
            row_errors = exc.errors
            error_file = base64.b64encode(plan_import.error_workbook(exc)).decode()
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "organisations/plan_detail.html",
        {
            "plan": plan,
            "operations": plan.operations.order_by("position"),
            "preview": preview,
            "error": error,
            "row_errors": row_errors,
            "error_file": error_file,
            "can_reorganise": can_reorganise,
            "kinds": ReorganisationKind.choices,
        },
    )


@login_required
def plan_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The xlsx template of a reorganisation plan (old code → new code, operation)."""
    response = HttpResponse(
        plan_import.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-phuong-an-sap-xep.xlsx"'
    return response
