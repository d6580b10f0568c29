"""A cell's outstanding list (danh sách quần chúng ưu tú) from Excel.

Each row creates or matches the person (the same columns and duplicate rules as the people
import) and opens an admission dossier at the outstanding stage through
``dangvien.admissions.services.open_dossier`` — which also assigns the helper and records
its own audit event — one call per row, inside the import's single transaction. The rules
the service enforces (a cell, not in the future, not a member, no open dossier, the helper
an official member on the date) are checked in memory first so the preview lists them per
row; the service checks them again when writing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.core.errors import DomainError
from dangvien.core.importing import Column, ProgressCallback, RowError, no_progress
from dangvien.imports.importers.base import Analysis, Importer, RowResult, person_columns
from dangvien.imports.importers.people import _counts, write_people
from dangvien.imports.models import DuplicateChoice, ImportKind

if TYPE_CHECKING:
    from dangvien.accounts.models import User


class OutstandingImporter(Importer):
    kind = ImportKind.OUTSTANDING
    title = _lazy("Danh sách quần chúng ưu tú")
    action = "dossier.change"
    cells_only = True

    def columns(self) -> list[Column]:
        columns = person_columns()
        columns[0].help = _(
            "Mã của chi bộ lập danh sách quần chúng ưu tú (xem trang Tổ chức), phải thuộc phạm "
            "vi của bạn."
        )
        return [
            *columns,
            Column(
                "outstanding_date",
                _("Ngày chi bộ đưa vào danh sách"),
                _("Ngày/tháng/năm chi bộ đưa quần chúng vào danh sách ưu tú; không sau hôm nay."),
                required=True,
                kind="date",
                example="10/01/2025",
            ),
            Column(
                "helper",
                _("Đảng viên giúp đỡ"),
                _(
                    "Số thẻ đảng hoặc số CCCD của đảng viên chính thức được phân công giúp đỡ; "
                    "không bắt buộc."
                ),
                aliases=(gettext("Người giúp đỡ"),),
                example="01012345",
                max_length=32,
            ),
            Column(
                "document_number",
                _("Số nghị quyết/biên bản"),
                _("Số nghị quyết hoặc biên bản họp chi bộ; không bắt buộc."),
                aliases=(gettext("Số nghị quyết"), gettext("Số biên bản")),
                example="05-NQ/CB",
                max_length=64,
            ),
        ]

    def preload(self, sheet: Any) -> None:
        super().preload(sheet)
        self.today = timezone.localdate()

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        self.validate_person(result, raw, errors)
        parsed = result.extra.pop("parsed")
        extra = result.extra
        extra["outstanding_date"] = parsed.get("outstanding_date")
        extra["helper"] = parsed.get("helper", "").strip()
        extra["document_number"] = parsed.get("document_number", "")
        day = extra["outstanding_date"]
        if day and day > self.today:
            self.error(
                result,
                errors,
                "outstanding_date",
                _("Ngày %s chưa đến.") % f"{day:%d/%m/%Y}",
            )
        born = result.data.get("date_of_birth")
        if day and born and day <= born:
            self.error(
                result,
                errors,
                "outstanding_date",
                _("Ngày đưa vào danh sách phải sau ngày sinh."),
            )

    def find_duplicates(
        self, results: list[RowResult], errors: list[RowError], **kwargs: Any
    ) -> None:
        self._check_helpers(results, errors)
        super().find_duplicates(results, errors, **kwargs)

    def _check_helpers(self, results: list[RowResult], errors: list[RowError]) -> None:
        """The helper is an official member (by card number or citizen ID) on the date."""
        from django.db.models import Q

        from dangvien.members.models import Membership

        keys = sorted({r.extra["helper"] for r in results if r.extra.get("helper")})
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            for membership in Membership.objects.filter(
                Q(card_number__in=chunk) | Q(person__citizen_id__in=chunk)
            ).select_related("person"):
                if membership.card_number:
                    found[membership.card_number] = membership
                if membership.person.citizen_id:
                    found[membership.person.citizen_id] = membership
        for result in results:
            key = result.extra.get("helper")
            if not key:
                continue
            helper = found.get(key)
            day = result.extra.get("outstanding_date")
            if helper is None:
                self._row_error(
                    result,
                    errors,
                    "helper",
                    _("Không tìm thấy đảng viên có số thẻ hoặc số CCCD «%s».") % key,
                )
                continue
            official = helper.status == "official" and (
                helper.official_date is None or day is None or helper.official_date <= day
            )
            if not official:
                self._row_error(
                    result,
                    errors,
                    "helper",
                    _(
                        "Đảng viên giúp đỡ %(name)s phải là đảng viên chính thức vào ngày "
                        "%(day)s; hiện tại: %(found)s."
                    )
                    % {
                        "name": helper.person.full_name,
                        "day": f"{day:%d/%m/%Y}" if day else "",
                        "found": str(helper.get_status_display()).lower(),
                    },
                )
                continue
            if result.data.get("citizen_id") and (
                result.data["citizen_id"] == helper.person.citizen_id
            ):
                self._row_error(
                    result,
                    errors,
                    "helper",
                    _("Đảng viên giúp đỡ không thể là chính người được đưa vào danh sách."),
                )
                continue
            result.extra["helper_id"] = helper.person_id

    def mark_duplicate(
        self, result: RowResult, errors: list[RowError], match: dict[str, Any], reason: str
    ) -> None:
        super().mark_duplicate(result, errors, match, reason)
        if result.status != "duplicate":
            return
        from dangvien.admissions.choices import DossierStatus
        from dangvien.admissions.models import Dossier

        if match["pk"] in self.member_ids:
            blocker = _("đã là đảng viên")
        elif Dossier.objects.filter(person_id=match["pk"], status=DossierStatus.OPEN).exists():
            blocker = _("đang có hồ sơ kết nạp chưa kết thúc")
        else:
            return
        if reason == "citizen_id":
            # The same person for sure: no dossier can be opened for this row.
            self._row_error(
                result,
                errors,
                "citizen_id",
                _("%(name)s (số CCCD %(id)s) %(blocker)s; không thể đưa vào danh sách.")
                % {"name": match["full_name"], "id": result.data["citizen_id"], "blocker": blocker},
            )
            return
        result.match_label = f"{result.match_label} — {blocker}"
        allowed = [DuplicateChoice.SKIP, DuplicateChoice.CREATE]
        result.allowed = tuple(str(choice) for choice in allowed)

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        from dangvien.admissions.services import open_dossier
        from dangvien.people.models import Person

        results = analysis.results
        total = len(results) * 2
        row_person = write_people(
            results, actor=actor, source=self.source, progress=progress, total=total
        )
        helper_ids = {r.extra["helper_id"] for r in results if r.extra.get("helper_id")}
        helpers = Person.objects.in_bulk(list(helper_ids))
        people = Person.objects.in_bulk(list(row_person.values()))
        done = len(results)
        for result in results:
            done += 1
            if result.extra.get("choice") == DuplicateChoice.SKIP:
                continue
            person_id = row_person.get(result.row)
            if person_id is None:
                continue
            helper_id = result.extra.get("helper_id")
            try:
                open_dossier(
                    person=people[person_id],
                    organisation=result.data["organisation"],
                    date=result.extra["outstanding_date"],
                    actor=actor,
                    document_number=result.extra["document_number"],
                    helpers=[helpers[helper_id]] if helper_id else [],
                )
            except DomainError as exc:
                raise DomainError(
                    _("Dòng %(row)d: %(message)s Không dòng nào được ghi.")
                    % {"row": result.row, "message": exc.message},
                    rule=exc.rule,
                    found=exc.found,
                    required=exc.required,
                    field=exc.field,
                ) from exc
            progress("write", done, total)
        return _counts(results, row_person)
