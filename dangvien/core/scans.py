"""Scanned signed copies of printed forms: what every app that keeps them checks.

A scan is accepted when it is a PDF, JPEG or PNG by its first bytes (the name and the browser's
content type are not trusted), not empty and not over ``SCAN_MAX_FILE_BYTES`` (10 MB,
overridable in settings). The owning app keeps the row (``admissions.StepAttachment``,
``members.RecognitionAttachment``) and audits it; this module only reads the upload.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.core.errors import DomainError
from dangvien.core.formatting import format_number

SCAN_MAX_FILE_BYTES = 10 * 1024 * 1024
# the signature of each accepted kind at the start of the file
SCAN_KINDS = (
    (b"%PDF-", "application/pdf", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
)


@dataclass(frozen=True)
class CheckedScan:
    name: str
    size: int
    content_type: str
    kind: str
    sha256: str


class ScanFile(models.Model):
    """The columns every kept scan has; the owning model adds ``file`` (its own folder), its
    owner and step, and the unique (owner, sha256) constraint."""

    name = models.CharField(gettext_lazy("tên tệp"), max_length=255)
    size = models.PositiveIntegerField(gettext_lazy("dung lượng (byte)"))
    content_type = models.CharField(gettext_lazy("loại tệp"), max_length=64)
    sha256 = models.CharField(max_length=64)
    reference = models.CharField(gettext_lazy("mã tra cứu trên bản in"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


def scan_limit() -> int:
    return int(getattr(settings, "SCAN_MAX_FILE_BYTES", SCAN_MAX_FILE_BYTES))


def check_scan(upload: Any) -> CheckedScan:
    """The upload's name, size, type and SHA-256, or a DomainError in Vietnamese with the rule,
    the value found and the value required (size, empty file, type by content)."""
    size = upload.size or 0
    limit = scan_limit()
    if size > limit:
        raise DomainError(
            _("Tệp nặng %(size)s MB, vượt giới hạn %(max)s MB cho một bản scan.")
            % {
                "size": format_number(size / 1024 / 1024, 1),
                "max": format_number(limit / 1024 / 1024, 0),
            },
            rule="scan_max_file_bytes",
            found=size,
            required=limit,
            field="file",
        )
    if size == 0:
        raise DomainError(_("Tệp rỗng (0 byte)."), rule="scan_empty", field="file")
    upload.seek(0)
    head = upload.read(8)
    kind = next((k for k in SCAN_KINDS if head.startswith(k[0])), None)
    if kind is None:
        raise DomainError(
            _(
                "Tệp «%(name)s» không phải PDF, JPEG hoặc PNG; hãy scan bản đã ký thành một "
                "trong các loại đó."
            )
            % {"name": Path(upload.name or "").name},
            rule="scan_file_type",
            found=Path(upload.name or "").suffix or _("không rõ"),
            required="PDF, JPEG, PNG",
            field="file",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedScan(
        name=Path(upload.name or "scan").name[:255],
        size=size,
        content_type=kind[1],
        kind=kind[2],
        sha256=digest.hexdigest(),
    )


def store_scan(
    model: Any, upload: Any, scan: CheckedScan, *, owner: dict[str, Any], **fields: Any
) -> tuple[Any, bool]:
    """Save ``upload`` as a new ``model`` row for ``owner`` (e.g. ``{"dossier": dossier}``),
    unless the same file (by SHA-256) is already kept for that owner: then that row and False.
    Call it inside the caller's transaction, after locking the owner; the caller audits."""
    from django.db import IntegrityError, transaction

    existing = model.objects.filter(**owner, sha256=scan.sha256).first()
    if existing is not None:
        return existing, False
    row = model(
        **owner,
        **fields,
        name=scan.name,
        size=scan.size,
        content_type=scan.content_type,
        sha256=scan.sha256,
    )
    row.file.save(row.name, upload, save=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        row.file.delete(save=False)
        return model.objects.get(**owner, sha256=scan.sha256), False
    return row, True


def attach_from_form(
    request: HttpRequest,
    form: Any,
    attach: Callable[..., tuple[Any, bool]],
    *,
    url: str,
    anchor: Callable[[Any], str],
) -> HttpResponse:
    """The attach views' common end: the form's errors, or ``attach(upload=…, step=…,
    reference=…)`` (the owning app's service) with its refusal or result as a message, then
    back to ``url``, at ``anchor(step)`` when a step was chosen."""
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, _("Chưa đính kèm được: %s") % errors)
        return redirect(url)
    step = form.cleaned_data["step"]
    try:
        attachment, created = attach(
            upload=form.cleaned_data["file"],
            step=step,
            reference=form.cleaned_data["reference"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if created:
            messages.success(request, _("Đã đính kèm «%s».") % attachment.name)
        else:
            messages.info(request, _("Tệp này đã được đính kèm trước đó («%s»).") % attachment.name)
    return redirect(f"{url}#{anchor(step)}" if step is not None else url)


def scan_download(attachment: ScanFile) -> FileResponse:
    """A kept scan as a download under its own name and type (the caller has scoped it)."""
    return FileResponse(
        attachment.file.open("rb"),  # type: ignore[attr-defined]
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
