from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dangvien.core.errors import DomainError
from dangvien.core.scoping import can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.imports import exports, services, tasks
from dangvien.imports.access import get_import_job_for_user
from dangvien.imports.forms import ChoicesForm, UploadForm
from dangvien.imports.importers import IMPORTERS
from dangvien.imports.models import DuplicateChoice, ImportJob, ImportKind, ImportStatus
from dangvien.imports.progress import read_progress

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_SHOWN = 500


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    may_import = can_anywhere(request.user, "import.run")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied("import.run")
        if form.is_valid():
            try:
                job, created = services.create_import_job(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                if created:
                    job_id, actor_id = job.pk, int(request.user.pk or 0)
                    transaction.on_commit(
                        lambda: tasks.analyse_import_task.enqueue(job_id, actor_id)
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "Tệp này đã được tải lên lúc %s và lượt nhập đó chưa xong; "
                            "đây là lượt nhập ấy, không tạo lượt mới."
                        )
                        % timezone.localtime(job.created_at).strftime("%H:%M %d/%m/%Y"),
                    )
                return redirect("imports:import-detail", pk=job.pk)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:50]
    return render(
        request,
        "imports/import_list.html",
        {
            "form": form,
            "jobs": jobs,
            "may_import": may_import,
            "kinds": ImportKind.choices,
            "max_mb": settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024),
        },
    )


def _detail_context(request: AuthenticatedHttpRequest, job: ImportJob) -> dict[str, Any]:
    choices = {int(row): choice for row, choice in job.choices.items()}
    duplicates = [
        {
            **dup,
            "chosen": choices.get(dup["row"], ""),
            "options": [(value, DuplicateChoice(value).label) for value in dup["allowed"]],
        }
        for dup in job.duplicates
    ]
    return {
        "job": job,
        "progress": read_progress(job.pk),
        "stale": services.is_stale(job),
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_hidden": max(len(job.errors) - ERRORS_SHOWN, 0),
        "duplicates": duplicates,
        "choices_form": ChoicesForm(initial={"default_choice": job.default_choice}),
        "may_run": services.may_run(job, request.user),
        "Status": ImportStatus,
    }


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_job_for_user(request.user, pk)
    services.mark_interrupted(job)  # a job whose worker died says so on the next look
    return render(request, "imports/import_detail.html", _detail_context(request, job))


@login_required
@require_GET
def import_progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_job_for_user(request.user, pk)
    services.mark_interrupted(job)
    response = render(request, "imports/partials/_progress.html", _detail_context(request, job))
    if not job.is_busy or services.is_stale(job):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_choices(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_job_for_user(request.user, pk, action="import.run")
    form = ChoicesForm(request.POST)
    per_row: dict[int, str] = {}
    for key in request.POST:
        if key.startswith("row-") and key[4:].isdigit():
            per_row[int(key[4:])] = str(request.POST.get(key, ""))
    if form.is_valid():
        try:
            services.set_duplicate_choices(
                job,
                actor=request.user,
                default=form.cleaned_data["default_choice"],
                per_row=per_row,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã lưu cách xử lý các dòng trùng."))
    return redirect("imports:import-detail", pk=job.pk)


@login_required
@require_POST
def import_commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_job_for_user(request.user, pk, action="import.run")
    try:
        services.start_commit(job, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        job_id, actor_id = job.pk, int(request.user.pk or 0)
        transaction.on_commit(lambda: tasks.commit_import_task.enqueue(job_id, actor_id))
    return redirect("imports:import-detail", pk=job.pk)


@login_required
def import_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_import_job_for_user(request.user, pk)
    if not job.errors:
        raise Http404("no errors")
    content = services.error_workbook(job, actor=request.user)
    stem = job.original_name.rsplit(".", 1)[0]
    return _xlsx(content, f"{stem}-loi.xlsx")


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTERS:
        raise Http404("kind")
    content = services.template_workbook(kind, user=request.user, params=request.GET)
    return _xlsx(content, f"mau-nhap-{kind}.xlsx")


# --- List exports ------------------------------------------------------------------------------


def _export(request: AuthenticatedHttpRequest, build: Any, back: str) -> HttpResponse:
    """A list as xlsx; a bad filter goes back to the list with the reason, exports nothing."""
    if not can_anywhere(request.user, "export.run"):
        raise PermissionDenied("export.run")
    try:
        exporter = build()
    except DomainError as exc:
        messages.error(request, exc.message)
        query = request.GET.urlencode()
        return redirect(reverse(back) + (f"?{query}" if query else ""))
    content = exporter.render()
    services.record_export(actor=request.user, exporter=exporter)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(content, f"{exporter.filename}-{stamp}.xlsx")


@login_required
def export_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(
        request,
        lambda: exports.people_export(user=request.user, data=request.GET),
        "people:person-list",
    )


@login_required
def export_dossiers(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(
        request,
        lambda: exports.dossiers_export(user=request.user, data=request.GET),
        "admissions:dossier-list",
    )


@login_required
def export_members(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(
        request,
        lambda: exports.members_export(user=request.user, data=request.GET),
        "members:member-list",
    )


@login_required
def export_worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _export(
        request,
        lambda: exports.worklist_export(user=request.user, today=timezone.localdate()),
        "admissions:worklist",
    )
