"""manage.py report --org CODE --from YYYY-MM-DD --to YYYY-MM-DD
    --format json|xlsx|text|docx|pdf [--signer committee|preparer]
    [--structure YYYY-MM-DD|today]

Prints json/text to stdout (or writes --output); xlsx/docx/pdf need --output (or go to stdout
as bytes when --output is "-"). A period that has not ended is reported to date; one that has
not begun is refused. Scope: ``--user USERNAME`` reports as that user (404 outside their
subtrees); without it the command runs as the system operator. Every run is audited.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils.translation import gettext

from dangvien.core.errors import DomainError
from dangvien.core.replica import replica_reads

FORMATS = ("json", "xlsx", "text", "docx", "pdf")


class Command(BaseCommand):
    help = "Báo cáo kết quả kết nạp đảng viên của một tổ chức trong một kỳ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="mã tổ chức (ví dụ T01)")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", dest="file_format", choices=FORMATS, default="json")
        parser.add_argument("--output", "-o", default="", help="tệp ghi kết quả ('-' = stdout)")
        parser.add_argument("--user", default="", help="báo cáo với phạm vi của người dùng này")
        parser.add_argument(
            "--signer",
            choices=("committee", "preparer"),
            default="committee",
            help="khối chữ ký của bản Word/PDF: T/M cấp ủy (committee) hoặc người lập (preparer)",
        )
        parser.add_argument(
            "--structure",
            default="",
            help="cơ cấu tổ chức: YYYY-MM-DD (như ngày đó), 'today' (hiện nay); "
            "mặc định: hiện nay cho kỳ chưa kết thúc, cơ cấu cuối kỳ cho kỳ đã qua",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with replica_reads():  # on the read replica when DATABASE_REPLICA_URL is set
            self._report(**options)

    def _report(self, **options: Any) -> None:
        from dangvien.organisations.models import Organisation
        from dangvien.reports.access import period_from_params, structure_from_params
        from dangvien.reports.selectors import get_admission_report
        from dangvien.reports.services import export_report

        actor = None
        try:
            period = period_from_params({"from": options["start"], "to": options["end"]})
            structure = structure_from_params({"structure": options["structure"]})
            if options["user"]:
                from dangvien.accounts.models import User
                from dangvien.reports.access import get_report_organisation

                actor = User.objects.filter(username=options["user"]).first()
                if actor is None:
                    raise CommandError(
                        gettext("Không có người dùng «%(user)s».") % {"user": options["user"]}
                    )
                organisation = get_report_organisation(actor, options["org"])
            else:
                organisation = Organisation.objects.filter(code=options["org"]).first()
                if organisation is None:
                    raise CommandError(
                        gettext("Không có tổ chức mã «%(org)s».") % {"org": options["org"]}
                    )
            report = get_admission_report(
                organisation=organisation, period=period, structure=structure
            )
            content, _when = export_report(
                report, actor=actor, file_format=options["file_format"], signer=options["signer"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except Http404 as exc:
            raise CommandError(
                gettext("Không tìm thấy tổ chức «%(org)s» trong phạm vi của bạn.")
                % {"org": options["org"]}
            ) from exc
        output = options["output"]
        if output and output != "-":
            Path(output).write_bytes(content)
            self.stderr.write(gettext("Đã ghi %(output)s") % {"output": output})
        elif options["file_format"] in ("json", "text"):
            self.stdout.write(content.decode(), ending="")
        elif output == "-":
            sys.stdout.buffer.write(content)
        else:
            raise CommandError(
                gettext("Định dạng xlsx/docx/pdf cần --output TỆP (hoặc --output - ).")
            )
