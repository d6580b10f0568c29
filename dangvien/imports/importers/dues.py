"""Dues status and attendance per member and month from Excel (the cell's own sheet, or a list
the public-service portal provides). No money: only whether the month's dues were paid.

Rows name members of cells in the user's scope (where the role may ``member.change``): by card
number, or by name and birth date inside the cell. Writing goes through
``dangvien.screening.services.record_months`` (one call for the whole file, inside the
import's single transaction), which checks the months again (not in the future, not before the
admission) and keeps the old value of every month it changes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.core.errors import DomainError
from dangvien.core.importing import Column, ProgressCallback, RowError, no_progress
from dangvien.core.text import fold
from dangvien.imports.importers.base import Analysis, Importer, RowResult, _chunks
from dangvien.imports.models import ImportKind
from dangvien.screening.choices import ActivityStatus, DuesStatus

if TYPE_CHECKING:
    from dangvien.accounts.models import User

DUES_VALUES = {
    fold(str(DuesStatus.PAID.label)): DuesStatus.PAID,
    "da nop": DuesStatus.PAID,
    "x": DuesStatus.PAID,
    "co": DuesStatus.PAID,
    fold(str(DuesStatus.UNPAID.label)): DuesStatus.UNPAID,
    "chua nop": DuesStatus.UNPAID,
    "khong": DuesStatus.UNPAID,
    fold(str(DuesStatus.EXCUSED.label)): DuesStatus.EXCUSED,
    "co ly do": DuesStatus.EXCUSED,
}
ACTIVITY_VALUES = {
    fold(str(ActivityStatus.ATTENDED.label)): ActivityStatus.ATTENDED,
    "co": ActivityStatus.ATTENDED,
    "x": ActivityStatus.ATTENDED,
    fold(str(ActivityStatus.ABSENT.label)): ActivityStatus.ABSENT,
    "vang": ActivityStatus.ABSENT,
    fold(str(ActivityStatus.EXCUSED.label)): ActivityStatus.EXCUSED,
    "vang co ly do": ActivityStatus.EXCUSED,
}


def parse_month(value: Any) -> dt.date | None:
    """An Excel date (any day of the month) or text ``mm/yyyy`` → the first day of the month."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value).strip().replace("-", "/").replace(".", "/")
    parts = text.split("/")
    try:
        if len(parts) == 2:
            return dt.date(int(parts[1]), int(parts[0]), 1)
        if len(parts) == 3:
            return dt.date(int(parts[2]), int(parts[1]), 1)
    except ValueError:
        return None
    return None


class DuesImporter(Importer):
    kind = ImportKind.DUES
    title = _lazy("Đảng phí, sinh hoạt hằng tháng")
    action = "member.change"
    cells_only = True

    def columns(self) -> list[Column]:
        return [
            Column(
                "organisation",
                _("Mã chi bộ"),
                _("Mã của chi bộ nơi đảng viên sinh hoạt, phải thuộc phạm vi của bạn."),
                required=True,
                aliases=("Ma chi bo", gettext("Mã tổ chức")),
                example="CB01",
                max_length=32,
            ),
            Column(
                "full_name",
                _("Họ và tên"),
                _("Họ, chữ đệm và tên của đảng viên."),
                required=True,
                example=gettext("Nguyễn Thị Hoa"),
                max_length=150,
            ),
            Column(
                "card_number",
                _("Số thẻ đảng"),
                _("Nếu có, đảng viên được tìm theo số thẻ; nếu không, theo họ tên và ngày sinh."),
                example="01012345",
                max_length=32,
            ),
            Column(
                "date_of_birth",
                _("Ngày sinh"),
                _("Bắt buộc khi không ghi số thẻ đảng."),
                kind="date",
                example="20/02/1980",
            ),
            Column(
                "month",
                _("Tháng"),
                _("Tháng/năm (10/2026), hoặc một ngày bất kỳ trong tháng; không sau tháng này."),
                required=True,
                example="10/2026",
                max_length=10,
            ),
            Column(
                "dues",
                _("Đảng phí"),
                _("Đã nộp; Chưa nộp (không có lý do); Chưa nộp, có lý do."),
                required=True,
                kind="choice",
                choices=[str(label) for label in DuesStatus.labels],
                example=str(DuesStatus.PAID.label),
            ),
            Column(
                "activity",
                _("Sinh hoạt chi bộ"),
                _("Không bắt buộc: Có sinh hoạt; Vắng, không có lý do; Vắng, có lý do."),
                kind="choice",
                choices=[str(label) for label in ActivityStatus.labels],
                example=str(ActivityStatus.ATTENDED.label),
            ),
        ]

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        parsed = self.parse_cells(result, raw, errors)
        data, extra = result.data, result.extra
        data["full_name"] = parsed.get("full_name", "")
        data["date_of_birth"] = parsed.get("date_of_birth")
        extra["card_number"] = parsed.get("card_number", "").strip()
        code = parsed.get("organisation")
        if code:
            organisation = self.organisations.get(fold(code))
            if organisation is None:
                self.error(
                    result,
                    errors,
                    "organisation",
                    _("Mã chi bộ «%s» không có hoặc nằm ngoài phạm vi bạn được nhập dữ liệu.")
                    % code,
                )
            else:
                data["organisation"] = organisation
        if not extra["card_number"] and data["date_of_birth"] is None:
            self.error(
                result,
                errors,
                "date_of_birth",
                _("Cần số thẻ đảng hoặc ngày sinh để tìm đảng viên."),
            )
        raw_month = raw.get("month")
        if raw_month not in (None, ""):
            month = parse_month(raw_month)
            if month is None:
                self.error(
                    result, errors, "month", _("Tháng «%s» không hợp lệ; ghi mm/yyyy.") % raw_month
                )
            extra["month"] = month
        for key, values in (("dues", DUES_VALUES), ("activity", ACTIVITY_VALUES)):
            value = parsed.get(key, "")
            if not value:
                extra[key] = ""
                continue
            found = values.get(fold(value))
            if found is None:
                self.error(result, errors, key, _("Giá trị «%s» không có trong danh sách.") % value)
            extra[key] = found or ""

    def find_duplicates(
        self,
        results: list[RowResult],
        errors: list[RowError],
        *,
        progress: ProgressCallback = no_progress,
    ) -> None:
        """Match every row to a member of its cell (no duplicates to choose: a month already
        recorded is updated, and its old value kept)."""
        from dangvien.members.models import Membership
        from dangvien.screening.selectors import SCREENED_STATUSES

        progress("duplicates", 0, len(results))
        cells = sorted({r.data["organisation"].pk for r in results if "organisation" in r.data})
        by_card: dict[tuple[int, str], Any] = {}
        by_name: dict[tuple[int, str, dt.date], list[Any]] = {}
        for chunk in _chunks(cells):
            members = Membership.objects.filter(
                organisation_id__in=chunk, status__in=SCREENED_STATUSES
            ).select_related("person", "organisation")
            for member in members:
                if member.card_number:
                    by_card[(member.organisation_id, member.card_number)] = member
                key = (
                    member.organisation_id,
                    member.person.full_name_folded,
                    member.person.date_of_birth,
                )
                by_name.setdefault(key, []).append(member)
        seen: dict[tuple[int, dt.date], int] = {}
        for result in results:
            if result.status == "error" or "organisation" not in result.data:
                continue
            cell = result.data["organisation"]
            card = result.extra["card_number"]
            found: Any = None
            if card:
                found = by_card.get((cell.pk, card))
                if found is None:
                    self._row_error(
                        result,
                        errors,
                        "card_number",
                        _("Chi bộ %(cell)s không có đảng viên có số thẻ %(card)s.")
                        % {"cell": cell.code, "card": card},
                    )
                    continue
            else:
                key = (cell.pk, fold(result.data["full_name"]), result.data["date_of_birth"])
                matches = by_name.get(key, [])
                if len(matches) != 1:
                    self._row_error(
                        result,
                        errors,
                        "full_name",
                        (
                            _("Chi bộ %(cell)s không có đảng viên %(name)s sinh ngày %(d)s.")
                            if not matches
                            else _(
                                "Chi bộ %(cell)s có %(n)d đảng viên %(name)s sinh ngày %(d)s; "
                                "hãy ghi số thẻ."
                            )
                        )
                        % {
                            "cell": cell.code,
                            "name": result.data["full_name"],
                            "d": f"{result.data['date_of_birth']:%d/%m/%Y}",
                            "n": len(matches),
                        },
                    )
                    continue
                found = matches[0]
            member = found
            month = result.extra.get("month")
            if month is None:
                continue
            pair = (member.pk, month)
            if pair in seen:
                self._row_error(
                    result,
                    errors,
                    "month",
                    _("Đảng viên này đã có ở dòng %(row)d trong tệp, cùng tháng %(month)s.")
                    % {"row": seen[pair], "month": f"{month:%m/%Y}"},
                )
                continue
            seen[pair] = result.row
            result.extra["membership"] = member
            result.match_label = f"{member.person.full_name} — {month:%m/%Y}"
        progress("duplicates", len(results), len(results))

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        from dangvien.screening.services import MonthEntry, record_months

        entries = [
            MonthEntry(
                r.extra["membership"], r.extra["month"], r.extra["dues"], r.extra["activity"]
            )
            for r in analysis.results
        ]
        try:
            counts = record_months(entries, actor=actor, source="import")
        except DomainError as exc:
            raise DomainError(
                _("%(message)s Không dòng nào được ghi.") % {"message": exc.message},
                rule=exc.rule,
                found=exc.found,
                required=exc.required,
                field=exc.field,
            ) from exc
        progress("write", len(entries), len(entries))
        return {
            "created": counts["created"],
            "updated": counts["changed"],
            "skipped": counts["unchanged"],
        }
