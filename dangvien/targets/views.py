from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.access import get_organisation_for_user
from dangvien.organisations.models import Organisation
from dangvien.targets import documents, selectors, services
from dangvien.targets.access import resolve_organisation
from dangvien.targets.forms import AllocationForm, AllocationUploadForm, TargetForm
from dangvien.targets.models import Target


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return dt.date.today().year
    return year if 1930 <= year <= 2100 else dt.date.today().year


def _period(value: str | None) -> str:
    """The allocation's period (a Target.Period value); anything else is the year."""
    value = (value or "").strip().lower()
    return value if value in Target.Period.values else ""


def _request_period(request: HttpRequest) -> str:
    return _period(request.GET.get("period") or request.POST.get("period"))


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


# --- The whole allocation of a year on one page --------------------------------------------------

ACTIONS = ("save", "check", "copy")


def _allocation_url(parent: Organisation, year: int, period: str = "") -> str:
    url = f"{reverse('targets:allocation', args=[parent.pk])}?year={year}"
    return f"{url}&period={period}" if period else url


def _render_allocation(
    request: HttpRequest,
    parent: Organisation,
    sheet: selectors.AllocationSheet,
    form: AllocationForm,
    *,
    preview: selectors.AllocationSheet | None = None,
    upload_errors: list[Any] | None = None,
    upload_form: AllocationUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shown = preview or sheet
    rows = [(row, form[f"org-{row.organisation.pk}"]) for row in shown.rows]
    context = {
        "organisation": parent,
        "year": sheet.year,
        "period": sheet.period,
        "periods": Target.Period.choices,
        "query": f"year={sheet.year}" + (f"&period={sheet.period}" if sheet.period else ""),
        "years": [sheet.year - 1, sheet.year, sheet.year + 1],
        "sheet": shown,
        "saved": sheet,
        "preview": preview is not None,
        "rows": rows,
        "form": form,
        "can_assign": can(request.user, "target.change", parent),
        "ancestors": Organisation.objects.visible_to(request.user).ancestors_of(parent),
        "upload_form": upload_form or AllocationUploadForm(),
        "upload_errors": upload_errors or [],
    }
    return render(request, "targets/allocation.html", context, status=status)


def _initial(sheet: selectors.AllocationSheet) -> dict[str, Any]:
    return {f"org-{row.organisation.pk}": row.target for row in sheet.rows}


@login_required
def allocation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Every child of ``pk`` with this year's target, last year's target and result, in one
    form: check (warnings before saving), copy last year's targets, save once."""
    parent = get_organisation_for_user(request.user, pk, action="target.view")
    year = _year(request.GET.get("year") or request.POST.get("year"))
    period = _request_period(request)
    sheet = selectors.get_allocation_sheet(parent=parent, year=year, period=period)
    children = [row.organisation for row in sheet.rows]
    if request.method != "POST":
        form = AllocationForm(initial=_initial(sheet), children=children)
        return _render_allocation(request, parent, sheet, form)
    if not can(request.user, "target.change", parent):
        raise PermissionDenied("target.change")
    action = request.POST.get("action") or "save"
    if action not in ACTIONS:
        action = "save"
    if action == "copy":
        copied = sheet.last_year_values()
        form = AllocationForm(
            initial={**_initial(sheet), **{f"org-{k}": v for k, v in copied.items()}},
            children=children,
        )
        messages.info(
            request,
            _(
                "Đã chép chỉ tiêu %(last)s cho %(count)s tổ chức chưa có chỉ tiêu; bấm «Lưu"
                " chỉ tiêu» để lưu."
            )
            % {"last": sheet.last_label, "count": len(copied)},
        )
        return _render_allocation(request, parent, sheet, form, preview=sheet.with_values(copied))
    form = AllocationForm(request.POST, children=children)
    if not form.is_valid():
        return _render_allocation(request, parent, sheet, form, status=400)
    values = form.values()
    if action == "check":
        return _render_allocation(request, parent, sheet, form, preview=sheet.with_values(values))
    try:
        changes = services.set_allocation(
            parent,
            year=year,
            period=period,
            values=values,
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_allocation(
            request, parent, sheet, form, preview=sheet.with_values(values), status=400
        )
    messages.success(
        request,
        _("Đã lưu chỉ tiêu %(label)s: %(count)s tổ chức thay đổi.")
        % {"label": sheet.label, "count": len(changes)},
    )
    return redirect(_allocation_url(parent, year, period))


@login_required
@require_POST
def allocation_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A filled-in template: every row checked, all saved or none (errors per row)."""
    import tempfile
    from pathlib import Path

    from dangvien.core.importing import ImportRefused, RowError

    parent = get_organisation_for_user(request.user, pk, action="target.view")
    if not can(request.user, "target.change", parent):
        raise PermissionDenied("target.change")
    year = _year(request.GET.get("year") or request.POST.get("year"))
    period = _request_period(request)
    sheet = selectors.get_allocation_sheet(parent=parent, year=year, period=period)
    children = [row.organisation for row in sheet.rows]
    form = AllocationForm(initial=_initial(sheet), children=children)
    upload = AllocationUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _render_allocation(request, parent, sheet, form, upload_form=upload, status=400)
    errors: list[RowError] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        with path.open("wb") as stream:
            for chunk in upload.cleaned_data["file"].chunks():
                stream.write(chunk)
        try:
            result = documents.read_allocation(path, sheet)
        except ImportRefused as exc:
            errors = [RowError(0, "", exc.message)]
        else:
            errors = result.errors
    if not errors:
        try:
            changes = services.set_allocation(
                parent,
                year=year,
                period=period,
                values=result.values,
                note=upload.cleaned_data["note"],
                actor=request.user,
            )
        except DomainError as exc:
            errors = [RowError(0, "", exc.message)]
        else:
            messages.success(
                request,
                _("Đã nhập chỉ tiêu %(label)s từ tệp: %(count)s tổ chức thay đổi.")
                % {"label": sheet.label, "count": len(changes)},
            )
            return redirect(_allocation_url(parent, year, period))
    return _render_allocation(
        request, parent, sheet, form, upload_errors=errors, upload_form=upload, status=400
    )


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
@require_GET
def allocation_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = get_organisation_for_user(request.user, pk, action="target.view")
    year = _year(request.GET.get("year"))
    period = _request_period(request)
    sheet = selectors.get_allocation_sheet(parent=parent, year=year, period=period)
    export = documents.allocation_export(sheet, user=request.user)
    content = export.render()
    services.record_allocation_file(
        parent, year=year, period=period, what="exported", rows=export.count, actor=request.user
    )
    return _file(content, f"{export.filename}.xlsx", XLSX)


@login_required
@require_GET
def allocation_template(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = get_organisation_for_user(request.user, pk, action="target.view")
    year = _year(request.GET.get("year"))
    sheet = selectors.get_allocation_sheet(
        parent=parent, year=year, period=_request_period(request)
    )
    return _file(
        documents.allocation_template(sheet),
        f"mau-chi-tieu-{parent.code}-{documents.period_slug(sheet)}.xlsx",
        XLSX,
    )


@login_required
@require_GET
def allocation_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    parent = get_organisation_for_user(request.user, pk, action="target.view")
    year = _year(request.GET.get("year"))
    period = _request_period(request)
    sheet = selectors.get_allocation_sheet(parent=parent, year=year, period=period)
    content = documents.allocation_docx(sheet, today=timezone.localdate())
    services.record_allocation_file(
        parent, year=year, period=period, what="printed", rows=len(sheet.rows), actor=request.user
    )
    return _file(content, documents.docx_filename(parent, year, period), DOCX)
