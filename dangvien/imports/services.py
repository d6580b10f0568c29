"""All writes of the imports app: upload, analyse (preview), duplicate choices, commit.

``commit_import`` is all or nothing: it re-reads and re-validates the kept file against the
database as it is now, inside one transaction, writes every row with bulk inserts, records
one audit event for the whole import, and only then marks the job committed. A worker killed
halfway leaves the transaction rolled back and the job in ``committing``; after
``STALE_SECONDS`` without progress the job may be committed again.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_number
from dangvien.core.importing import (
    ImportRefused,
    ProgressCallback,
    RowError,
    Sheet,
    check_workbook,
    no_progress,
    read_rows,
    write_error_file,
)
from dangvien.core.scoping import can, can_anywhere
from dangvien.imports.importers import IMPORTERS, importer_for
from dangvien.imports.importers.base import Analysis, Importer
from dangvien.imports.models import (
    OPEN_STATUSES,
    DuplicateChoice,
    ImportJob,
    ImportKind,
    ImportStatus,
)
from dangvien.imports.progress import ProgressWriter, read_progress, writer_is_dead

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.core.exporting import ListExport
    from dangvien.core.typing import AnyUser
    from dangvien.organisations.models import Organisation

STALE_SECONDS = 300
MAX_STORED_ERRORS = 100_000


def _scope_root(actor: User, action: str = "import.run") -> Organisation | None:
    """The highest organisation on which the actor may ``action`` (the audit scope)."""
    from dangvien.accounts.models import RoleAssignment
    from dangvien.accounts.rules import role_allows

    assignments = RoleAssignment.objects.filter(user_id=actor.pk).select_related("organisation")
    allowed = [a.organisation for a in assignments if role_allows(a.role, action)]
    return min(allowed, key=lambda org: (org.depth, org.path), default=None)


def _content_hash(upload: File[bytes]) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _open_job(actor: User, kind: str, content_hash: str) -> ImportJob | None:
    return ImportJob.objects.filter(
        created_by=actor, kind=kind, content_hash=content_hash, status__in=OPEN_STATUSES
    ).first()


@transaction.atomic
def create_import_job(*, actor: User, kind: str, upload: File[bytes]) -> tuple[ImportJob, bool]:
    """Keep the uploaded file and open a job; refuses a file over the size limit at once.

    Idempotent: the same file (by its SHA-256) uploaded again by the same user for the same kind
    while its job is still open returns that job and ``False`` (a double click, a retried
    request, twenty parallel posts: one job, one stored file). A partial unique constraint
    settles the race. The job row is its own record of the upload (who, when, which file); the
    audit event is written once, when the rows reach the registry (``commit_import``).
    """
    if not can_anywhere(actor, "import.run"):
        raise PermissionDenied("import.run")
    if kind not in IMPORTERS:
        raise DomainError(_("Loại dữ liệu «%s» không được hỗ trợ.") % kind, field="kind")
    size = upload.size or 0
    limit = settings.IMPORT_MAX_FILE_BYTES
    if size > limit:
        raise DomainError(
            _("Tệp nặng %(size)s MB, vượt giới hạn %(max)s MB. Hãy chia thành nhiều tệp nhỏ hơn.")
            % {
                "size": format_number(size / 1024 / 1024, 1),
                "max": format_number(limit / 1024 / 1024, 0),
            },
            rule="max_file_bytes",
            found=size,
            required=limit,
            field="file",
        )
    if size == 0:
        raise DomainError(_("Tệp rỗng (0 byte)."), rule="empty", field="file")
    content_hash = _content_hash(upload)
    existing = _open_job(actor, kind, content_hash)
    if existing is not None:
        return existing, False
    name = Path(upload.name or "tep.xlsx").name[:255]
    job = ImportJob(
        kind=kind,
        created_by=actor,
        organisation=_scope_root(actor),
        original_name=name,
        file_size=size,
        content_hash=content_hash,
    )
    job.file.save(name, upload, save=False)
    try:
        with transaction.atomic():
            job.save()
    except IntegrityError:
        # Another request with the same file won the race: keep its job, drop our copy.
        job.file.delete(save=False)
        existing = _open_job(actor, kind, content_hash)
        if existing is None:
            raise
        return existing, False
    return job, True


def load(
    job: ImportJob, *, actor: User, progress: ProgressCallback = no_progress
) -> tuple[Importer, Analysis, Sheet]:
    """Check and read the kept file, validate every row; raises ImportRefused for the file."""
    path = Path(job.file.path)
    progress("read", 0, 1)
    check_workbook(
        path,
        max_bytes=settings.IMPORT_MAX_FILE_BYTES,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_ratio=settings.IMPORT_MAX_ZIP_RATIO,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
    )
    importer = importer_for(job.kind, user=actor)
    sheet = read_rows(
        path,
        importer.columns_list,
        max_rows=settings.IMPORT_MAX_ROWS,
        max_cell_chars=settings.IMPORT_MAX_CELL_CHARS,
    )
    progress("read", 1, 1)
    analysis = importer.analyse(sheet, progress=progress)
    return importer, analysis, sheet


def _store_analysis(job: ImportJob, analysis: Analysis) -> list[str]:
    job.total_rows = len(analysis.results)
    job.summary = analysis.counts
    job.errors = [error.as_dict() for error in analysis.errors[:MAX_STORED_ERRORS]]
    job.preview = analysis.preview()
    job.duplicates = analysis.duplicates()
    job.analysed_at = timezone.now()
    return ["total_rows", "summary", "errors", "preview", "duplicates", "analysed_at"]


def analyse_import(
    job: ImportJob, *, actor: User, progress: ProgressCallback = no_progress
) -> ImportJob:
    """Build the preview: counts, first rows, every error, the duplicates. Writes nothing else."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.ANALYSING)
    try:
        _importer, analysis, _sheet = load(job, actor=actor, progress=progress)
    except ImportRefused as exc:
        job.status = ImportStatus.REFUSED
        job.message = exc.message
        job.analysed_at = timezone.now()
        job.save(update_fields=["status", "message", "analysed_at"])
        return job
    fields = _store_analysis(job, analysis)
    job.status = ImportStatus.READY
    job.message = ""
    job.save(update_fields=[*fields, "status", "message"])
    progress("done", 1, 1)
    return job


@transaction.atomic
def set_duplicate_choices(
    job: ImportJob, *, actor: User, default: str = "", per_row: dict[int, str] | None = None
) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _check_may_run(job, actor)
    if job.status != ImportStatus.READY:
        raise DomainError(_("Lượt nhập này không còn chờ xác nhận."), rule="status")
    valid = set(DuplicateChoice.values)
    if default and default not in valid:
        raise DomainError(_("Cách xử lý «%s» không hợp lệ.") % default, field="default_choice")
    allowed = {int(d["row"]): set(d["allowed"]) for d in job.duplicates}
    choices = dict(job.choices)
    for row, choice in (per_row or {}).items():
        if row not in allowed:
            continue
        if not choice:
            choices.pop(str(row), None)
            continue
        if choice not in allowed[row]:
            raise DomainError(
                _("Dòng %(row)d: không thể chọn «%(choice)s» cho dòng này.")
                % {"row": row, "choice": DuplicateChoice(choice).label},
                field="choices",
            )
        choices[str(row)] = choice
    job.default_choice = default
    job.choices = choices
    job.save(update_fields=["default_choice", "choices"])
    return job


def may_run(job: ImportJob, actor: AnyUser) -> bool:
    """The job's creator (while they may import) or whoever may import on its scope."""
    if job.organisation is not None and can(actor, "import.run", job.organisation):
        return True
    if getattr(actor, "is_superuser", False):
        return True
    return bool(job.created_by_id == actor.pk and can_anywhere(actor, "import.run"))


def _check_may_run(job: ImportJob, actor: User) -> None:
    if not may_run(job, actor):
        raise PermissionDenied("import.run")


def resolve_choices(job: ImportJob, analysis: Analysis) -> list[RowError]:
    """Put each duplicate's choice on its row; the rows still undecided or refused."""
    problems: list[RowError] = []
    for result in analysis.results:
        if result.status != "duplicate":
            continue
        choice = job.choices.get(str(result.row)) or job.default_choice
        if not choice:
            problems.append(RowError(result.row, "", _("Chưa chọn cách xử lý dòng trùng.")))
        elif choice not in result.allowed:
            # "For all: update" on a row that can only be skipped falls back to skipping.
            if job.choices.get(str(result.row)) is None and DuplicateChoice.SKIP in result.allowed:
                result.extra["choice"] = DuplicateChoice.SKIP
            else:
                problems.append(
                    RowError(
                        result.row,
                        "",
                        _("Không thể chọn «%s» cho dòng này.") % DuplicateChoice(choice).label,
                    )
                )
        else:
            result.extra["choice"] = choice
    return problems


def is_stale(job: ImportJob) -> bool:
    if job.status != ImportStatus.COMMITTING:
        return False
    at = read_progress(job.pk).get("at") or 0
    return bool(time.time() - at > STALE_SECONDS)


def is_interrupted(job: ImportJob) -> bool:
    """A job said to be running whose worker is gone: its process died (same machine) or it
    wrote no progress for ``STALE_SECONDS``."""
    if job.status not in (ImportStatus.ANALYSING, ImportStatus.COMMITTING):
        return False
    data = read_progress(job.pk)
    if writer_is_dead(data):
        return True
    at = data.get("at") or job.created_at.timestamp()
    return bool(time.time() - at > STALE_SECONDS)


def mark_interrupted(job: ImportJob) -> bool:
    """Give an interrupted job a truthful state: «Bị gián đoạn», with what happened and what
    to do, and fail its background task row. Nothing is half-written: the commit is one
    transaction, rolled back when its process died. Returns whether the job was marked."""
    if not is_interrupted(job):
        return False
    was = job.status
    if was == ImportStatus.COMMITTING:
        message = _(
            "Lần ghi bị gián đoạn (tiến trình nền đã dừng giữa chừng, ở bước «%(phase)s» "
            "%(done)s/%(total)s dòng). Không dòng nào được ghi; hãy bấm «Ghi vào hệ thống» lại."
        )
    else:
        message = _(
            "Lần kiểm tra tệp bị gián đoạn (tiến trình nền đã dừng giữa chừng, ở bước "
            "«%(phase)s» %(done)s/%(total)s dòng). Không dòng nào được ghi; hãy tải tệp lên lại."
        )
    data = read_progress(job.pk)
    message = message % {
        "phase": data.get("label") or _("Đọc tệp"),
        "done": format_number(data.get("done") or 0),
        "total": format_number(data.get("total") or 0),
    }
    with transaction.atomic():
        marked = ImportJob.objects.filter(pk=job.pk, status=was).update(
            status=ImportStatus.INTERRUPTED, message=message
        )
        if marked:
            _fail_task_rows(job.pk, message)
    job.refresh_from_db()
    return bool(marked)


def mark_interrupted_jobs() -> list[int]:
    """Every interrupted job marked (the ``mark_interrupted_imports`` command)."""
    busy = ImportJob.objects.filter(
        status__in=[ImportStatus.ANALYSING, ImportStatus.COMMITTING]
    ).order_by("pk")
    return [job.pk for job in busy if mark_interrupted(job)]


def _fail_task_rows(job_id: int, message: str) -> None:
    """The database backend's task rows of this job still RUNNING become FAILED."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path__startswith="dangvien.imports.tasks."
    )
    for row in running:
        args = (row.args_kwargs or {}).get("args") or []
        if args and args[0] == job_id:
            DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="dangvien.imports.Interrupted",
                traceback=message,
            )


def refuse_for_memory(job: ImportJob) -> ImportJob:
    """The task ran out of its memory cap: the file is refused, nothing was written."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.REFUSED,
        message=_(
            "Tệp cần hơn %(mb)s MB bộ nhớ để đọc, vượt giới hạn của máy chủ; không dòng nào "
            "được ghi. Hãy chia thành nhiều tệp nhỏ hơn."
        )
        % {"mb": format_number(settings.IMPORT_WORKER_MEMORY_MB)},
    )
    job.refresh_from_db()
    return job


def start_commit(job: ImportJob, *, actor: User) -> ImportJob:
    """Claim the job for committing; exactly one of two concurrent clicks gets it."""
    _check_may_run(job, actor)
    mark_interrupted(job)
    claimable = [ImportStatus.READY, ImportStatus.FAILED]
    if job.status == ImportStatus.INTERRUPTED and job.analysed_at is not None:
        claimable.append(ImportStatus.INTERRUPTED)
    if is_stale(job):
        claimable.append(ImportStatus.COMMITTING)
    with transaction.atomic():
        claimed = ImportJob.objects.filter(pk=job.pk, status__in=claimable).update(
            status=ImportStatus.COMMITTING, message=""
        )
    if not claimed:
        job.refresh_from_db()
        if job.status == ImportStatus.COMMITTED:
            raise DomainError(_("Tệp này đã được nhập rồi."), rule="already_committed")
        raise DomainError(
            _("Lượt nhập đang ở trạng thái «%s», chưa thể ghi.") % job.get_status_display(),
            rule="status",
        )
    ProgressWriter(job.pk)("read", 0, 1)  # the claim's heartbeat, for is_stale
    job.refresh_from_db()
    return job


def commit_import(
    job: ImportJob, *, actor: User, progress: ProgressCallback = no_progress
) -> ImportJob:
    """Write every row or none. The job must have been claimed with ``start_commit``."""
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportStatus.COMMITTING:
                raise DomainError(_("Lượt nhập chưa được xác nhận để ghi."), rule="status")
            importer, analysis, _sheet = load(locked, actor=actor, progress=progress)
            if analysis.errors:
                raise _Changed(
                    analysis,
                    _("Tệp còn %s lỗi; không dòng nào được ghi. Hãy sửa rồi tải lên lại.")
                    % format_number(len(analysis.errors)),
                )
            problems = resolve_choices(locked, analysis)
            if problems:
                raise _Changed(
                    analysis,
                    _("Còn %s dòng trùng chưa chọn được cách xử lý; không dòng nào được ghi.")
                    % format_number(len(problems)),
                )
            importer.source = {"import_job": locked.pk}
            counts = importer.write(analysis, actor=actor, progress=progress)
            locked.status = ImportStatus.COMMITTED
            locked.committed_at = timezone.now()
            locked.summary = {**analysis.counts, **counts}
            locked.save(update_fields=["status", "committed_at", "summary"])
            record(
                actor=actor,
                action="imports.import_job.committed",
                target=locked,
                organisation=locked.organisation,
                data={
                    "kind": locked.kind,
                    "file": locked.file.name,
                    "original_name": locked.original_name,
                    "rows": len(analysis.results),
                    **counts,
                },
            )
    except ImportRefused as exc:
        _fail(job, exc.message, status=ImportStatus.REFUSED)
    except _Changed as exc:
        fields = _store_analysis(job, exc.analysis)
        job.status = ImportStatus.READY
        job.message = exc.message
        job.save(update_fields=[*fields, "status", "message"])
    except DomainError as exc:
        _fail(job, exc.message)
    except Exception:
        _fail(job, _("Có lỗi khi ghi; không dòng nào được ghi. Hãy thử lại hoặc báo quản trị."))
        raise
    else:
        progress("done", 1, 1)
    job.refresh_from_db()
    return job


class _Changed(Exception):
    def __init__(self, analysis: Analysis, message: str) -> None:
        super().__init__(message)
        self.analysis = analysis
        self.message = message


def _fail(job: ImportJob, message: str, *, status: str = ImportStatus.FAILED) -> None:
    ImportJob.objects.filter(pk=job.pk).update(status=status, message=message)


def error_workbook(job: ImportJob, *, actor: User) -> bytes:
    """The uploaded rows as read, with a «Lỗi» column (the preview's errors)."""
    importer = importer_for(job.kind, user=actor)
    sheet = read_rows(Path(job.file.path), importer.columns_list, max_rows=settings.IMPORT_MAX_ROWS)
    errors = [RowError(e["row"], e["column"], e["message"]) for e in job.errors]
    return write_error_file(sheet, errors)


def template_workbook(kind: str, *, user: Any = None, params: Any = None) -> bytes:
    """The template of ``kind``; a kind with ``template_rows`` (grades) prefills the rows the
    ``params`` name (a cell, period and step), in the user's scope."""
    from dangvien.core.importing import write_template

    importer = IMPORTERS[kind]
    columns = importer(user=None).columns_list
    prefill = getattr(importer, "template_rows", None)
    rows = prefill(user, params or {}) if prefill is not None else []
    notes = [
        _("Điền dữ liệu vào trang «Dữ liệu», bắt đầu từ dòng 2; giữ nguyên dòng tiêu đề."),
        _("Không dùng công thức, không gộp ô. Ngày ghi dạng ngày/tháng/năm."),
        _("Cột tô đậm màu là bắt buộc. Mã tổ chức phải thuộc phạm vi bạn được phân quyền."),
    ]
    return write_template(columns, title=str(importer.title), notes=notes, rows=rows)


KIND_LABELS = dict(ImportKind.choices)


def record_export(*, actor: User, exporter: ListExport) -> None:
    """One audit row per list export: which list, which filters, how many rows."""
    record(
        actor=actor,
        action="imports.list.exported",
        target=None,
        organisation=_scope_root(actor, "export.run"),
        data={
            "list": exporter.filename,
            "filters": exporter.filter_description(),
            "rows": exporter.count,
        },
    )
