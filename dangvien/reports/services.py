"""The reports app never writes domain rows; its only write is the audit of an export."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from dangvien.audit.services import record
from dangvien.reports.selectors import AdmissionReport

if TYPE_CHECKING:
    from dangvien.accounts.models import User


@transaction.atomic
def export_report(
    report: AdmissionReport, *, actor: User | None, file_format: str, signer: str = "committee"
) -> tuple[bytes, dt.datetime]:
    """Render ``report`` as ``file_format`` (xlsx, docx, pdf, json, text) stamped with the actor
    and time, and write the audit event ``reports.report.exported``. ``signer`` chooses the
    Word/PDF signature block: "committee" (T/M … / BÍ THƯ) or "preparer" (NGƯỜI LẬP)."""
    import json

    from dangvien.reports.exporters import build_docx, build_pdf, build_xlsx
    from dangvien.reports.serializers import report_to_dict
    from dangvien.reports.summary import build_summary

    when = timezone.now()
    if file_format == "xlsx":
        content = build_xlsx(report, user=actor, when=when)
    elif file_format == "docx":
        content = build_docx(report, user=actor, when=when, signer=signer)
    elif file_format == "pdf":
        content = build_pdf(report, user=actor, when=when, signer=signer)
    elif file_format == "json":
        data = report_to_dict(report)
        data["generated_by"] = str(actor) if actor is not None else gettext("hệ thống")
        data["generated_at"] = when.isoformat()
        content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    elif file_format == "text":
        content = (build_summary(report) + "\n").encode()
    else:
        from dangvien.core.errors import DomainError

        raise DomainError(
            gettext("Định dạng «%(file_format)s» không được hỗ trợ.")
            % {"file_format": file_format},
            rule="export_format",
            found=file_format,
            required="xlsx, docx, pdf, json, text",
            field="format",
        )
    record(
        actor=actor,
        action="reports.report.exported",
        target=report.organisation,
        organisation=report.organisation,
        data={
            "format": file_format,
            "from": report.period.start,
            "to": report.period.end,
            "admitted": report.admitted,
        },
    )
    return content, when


@transaction.atomic
def export_statistics_forms(report: AdmissionReport, *, actor: User | None) -> bytes:
    """Biểu 1, 2 and 3-BTCTW as xlsx, stamped with the actor and time; audited as
    ``reports.forms.exported``."""
    from dangvien.reports.statistics_forms import build_forms_xlsx

    when = timezone.now()
    content = build_forms_xlsx(report, user=actor, when=when)
    record(
        actor=actor,
        action="reports.forms.exported",
        target=report.organisation,
        organisation=report.organisation,
        data={
            "format": "xlsx",
            "from": report.period.start,
            "to": report.period.end,
            "structure": report.structure_on.isoformat() if report.structure_on else "today",
        },
    )
    return content
