"""Existing party members from Excel: the person columns plus the admission facts.

The rules are those of ``dangvien.members.services.register_existing_member`` (ceremony not
before the decision, official date not before the ceremony, one membership per person, card
numbers unique, probation ``probation_months`` of the rule set after the ceremony), checked in
memory for the whole file for the preview, then again by ``bulk_register_members``, which
writes. Members admitted before the first rule set in the database get the 12 months that the
Party Statute has fixed throughout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.core.importing import Column, ProgressCallback, RowError, no_progress
from dangvien.imports.importers.base import Analysis, Importer, RowResult, person_columns
from dangvien.imports.importers.people import _counts, write_people
from dangvien.imports.models import DuplicateChoice, ImportKind
from dangvien.members.models import Membership
from dangvien.members.services import bulk_register_members

if TYPE_CHECKING:
    from dangvien.accounts.models import User


class MembersImporter(Importer):
    kind = ImportKind.MEMBERS
    title = _lazy("Danh sách đảng viên hiện có")
    action = "member.change"
    cells_only = True

    def columns(self) -> list[Column]:
        columns = person_columns()
        columns[0].header = _("Mã tổ chức")
        columns[0].help = _(
            "Mã của chi bộ nơi đảng viên sinh hoạt (xem trang Tổ chức), phải thuộc phạm vi của bạn."
        )
        return [
            *columns,
            Column(
                "decision_number",
                _("Số quyết định kết nạp"),
                _("Không bắt buộc."),
                example=gettext("125-QĐ/ĐU"),
                max_length=64,
            ),
            Column(
                "decision_date",
                _("Ngày quyết định kết nạp"),
                _("Ngày/tháng/năm; bắt buộc."),
                required=True,
                kind="date",
                example="15/03/2019",
            ),
            Column(
                "ceremony_date",
                _("Ngày kết nạp"),
                _(
                    "Ngày tổ chức lễ kết nạp; không trước ngày quyết định. Thời gian dự bị tính "
                    "từ ngày này."
                ),
                kind="date",
                example="01/04/2019",
            ),
            Column(
                "official_date",
                _("Ngày công nhận chính thức"),
                _("Để trống nếu còn là đảng viên dự bị; không trước ngày kết nạp."),
                kind="date",
                example="01/04/2020",
            ),
            Column(
                "card_number",
                _("Số thẻ đảng"),
                _("Không bắt buộc; không trùng với thẻ đã cấp."),
                example="01012345",
                max_length=32,
            ),
        ]

    def preload(self, sheet: Any) -> None:
        super().preload(sheet)
        self.cards: set[str] = set()
        self.today = timezone.localdate()

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        self.validate_person(result, raw, errors)
        data = result.data
        extra = result.extra
        parsed = extra.pop("parsed")
        for key in ("decision_number", "card_number"):
            extra[key] = parsed.get(key, "")
        for key in ("decision_date", "ceremony_date", "official_date"):
            extra[key] = parsed.get(key)
        decision, ceremony, official = (
            extra["decision_date"],
            extra["ceremony_date"],
            extra["official_date"],
        )
        born = data.get("date_of_birth")
        if decision and born and decision <= born:
            self.error(
                result, errors, "decision_date", _("Ngày quyết định kết nạp phải sau ngày sinh.")
            )
        for key, day in (("decision_date", decision), ("official_date", official)):
            if day and day > self.today:
                self.error(
                    result,
                    errors,
                    key,
                    _("Ngày %(day)s ở tương lai (hôm nay là %(today)s).")
                    % {"day": f"{day:%d/%m/%Y}", "today": f"{self.today:%d/%m/%Y}"},
                )
        if decision and ceremony and ceremony < decision:
            self.error(
                result,
                errors,
                "ceremony_date",
                _("Ngày kết nạp (%(c)s) không được trước ngày quyết định kết nạp (%(d)s).")
                % {"c": f"{ceremony:%d/%m/%Y}", "d": f"{decision:%d/%m/%Y}"},
            )
        if official and decision and official < (ceremony or decision):
            self.error(
                result,
                errors,
                "official_date",
                _("Ngày công nhận chính thức (%s) không được trước ngày kết nạp.")
                % f"{official:%d/%m/%Y}",
            )
        card = extra["card_number"]
        if card:
            if card in self.cards:
                self.error(
                    result,
                    errors,
                    "card_number",
                    _("Số thẻ đảng %s trùng với một dòng khác trong tệp.") % card,
                )
            self.cards.add(card)

    def find_duplicates(
        self, results: list[RowResult], errors: list[RowError], **kwargs: Any
    ) -> None:
        cards = sorted(self.cards)
        taken: set[str] = set()
        for start in range(0, len(cards), 500):
            taken.update(
                str(card)
                for card in Membership.objects.filter(
                    card_number__in=cards[start : start + 500]
                ).values_list("card_number", flat=True)
            )
        for result in results:
            card = result.extra.get("card_number")
            if card and card in taken:
                self._row_error(
                    result,
                    errors,
                    "card_number",
                    _("Số thẻ đảng %s đã được cấp cho đảng viên khác.") % card,
                )
        super().find_duplicates(results, errors, **kwargs)

    def mark_duplicate(
        self, result: RowResult, errors: list[RowError], match: dict[str, Any], reason: str
    ) -> None:
        super().mark_duplicate(result, errors, match, reason)
        if result.status == "duplicate" and match["pk"] in self.member_ids:
            # Already a member: the only safe choice is to leave the existing record alone.
            result.match_label = f"{result.match_label} — {_('đã là đảng viên')}"
            allowed = [DuplicateChoice.SKIP]
            if reason == "name_birth":
                allowed.append(DuplicateChoice.CREATE)
            result.allowed = tuple(str(choice) for choice in allowed)
            result.extra["already_member"] = True

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        results = analysis.results
        total = len(results) * 2
        row_person = write_people(
            results, actor=actor, source=self.source, progress=progress, total=total
        )
        rows: list[dict[str, Any]] = []
        row_numbers: list[int] = []
        for result in results:
            if result.extra.get("choice") == DuplicateChoice.SKIP:
                continue
            person_id = row_person.get(result.row)
            if person_id is None:
                continue
            extra = result.extra
            rows.append(
                {
                    "person_id": person_id,
                    "organisation": result.data["organisation"],
                    "decision_date": extra["decision_date"],
                    "decision_number": extra["decision_number"],
                    "ceremony_date": extra["ceremony_date"],
                    "official_date": extra["official_date"],
                    "card_number": extra["card_number"] or None,
                }
            )
            row_numbers.append(result.row)
        done = len(results)

        def registered(phase: str, count: int, _total: int) -> None:
            progress(phase, done + count, total)

        bulk_register_members(
            rows, actor=actor, source=self.source, row_numbers=row_numbers, progress=registered
        )
        return _counts(results, row_person)
