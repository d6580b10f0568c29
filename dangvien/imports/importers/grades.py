"""A cell's grading sheet from Excel (đánh giá, xếp loại đảng viên, 366-QĐ/TW).

The template is the sheet of one cell, period and step, prefilled with the cell's members
(``/imports/templates/grades.xlsx?org=CB01&year=2025&quarter=0&step=cell_proposal``): the
secretary types the scores down the «Điểm» column, as on paper. A row whose score is empty is
skipped. Rows may name several cells, periods and steps; each group is written by
``dangvien.grading.services.record_member_grades`` (the service of the page, with its checks),
all inside the import's single transaction: one refused row and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.core.errors import DomainError
from dangvien.core.importing import Column, ProgressCallback, RowError, Sheet, no_progress
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.grading.choices import MemberStep, Quarter
from dangvien.grading.services import (
    MEMBER_STEP_ACTIONS,
    Entry,
    bands_for_period,
    check_period,
    parse_score,
)
from dangvien.imports.importers.base import Analysis, Importer, RowResult
from dangvien.imports.models import ImportKind
from dangvien.organisations.models import Organisation

if TYPE_CHECKING:
    from dangvien.accounts.models import User

QUARTER_ALIASES = {"": 0, "0": 0, "ca nam": 0, "nam": 0, "1": 1, "i": 1, "quy i": 1, "2": 2,
                   "ii": 2, "quy ii": 2, "3": 3, "iii": 3, "quy iii": 3, "4": 4, "iv": 4,
                   "quy iv": 4}  # fmt: skip


class GradesImporter(Importer):
    kind = ImportKind.GRADES
    title = _lazy("Bảng đánh giá, xếp loại đảng viên")
    action = "grading.change"
    cells_only = True

    def columns(self) -> list[Column]:
        return [
            Column(
                "organisation",
                _("Mã chi bộ"),
                _("Mã của chi bộ (xem trang Tổ chức), phải thuộc phạm vi của bạn."),
                required=True,
                aliases=("Ma chi bo", gettext("Mã tổ chức")),
                example="CB01",
            ),
            Column(
                "year",
                _("Năm"),
                _("Năm đánh giá, xếp loại."),
                required=True,
                example="2025",
                max_length=4,
            ),
            Column(
                "quarter",
                _("Quý"),
                _("Để trống (hoặc 0) nếu xếp loại cả năm; I, II, III, IV (hoặc 1–4) nếu theo quý."),
                example="",
                max_length=8,
            ),
            Column(
                "step",
                _("Bước"),
                _(
                    "Đảng viên tự đánh giá, Chi bộ đề xuất, hoặc Cấp ủy cơ sở quyết định (cần"
                    " quyền của cấp ủy cơ sở và đề xuất của chi bộ trước)."
                ),
                required=True,
                kind="choice",
                choices=[str(label) for label in MemberStep.labels],
                example=gettext("Chi bộ đề xuất"),
            ),
            Column(
                "membership",
                _("Mã đảng viên"),
                _(
                    "Số in sẵn trong mẫu tải từ trang bảng xếp loại của chi bộ (không sửa); là số"
                    " trong địa chỉ trang xếp loại của đảng viên."
                ),
                required=True,
                example="125",
                max_length=20,
            ),
            Column(
                "full_name",
                _("Họ và tên"),
                _("In sẵn trong mẫu; phải khớp với đảng viên có mã ở cột trước."),
                required=True,
                example=gettext("Nguyễn Thị Hoa"),
                max_length=150,
            ),
            Column(
                "score",
                _("Điểm"),
                _("Từ 0 đến 100, tối đa một chữ số thập phân (85 hoặc 85,5). Để trống: bỏ qua."),
                example="85,5",
                max_length=8,
            ),
            Column(
                "disciplined",
                _("Bị kỷ luật trong kỳ"),
                _(
                    "«Có» (hoặc x) nếu đảng viên bị kỷ luật trong kỳ; xếp loại bị giới hạn"
                    " theo quy định."
                ),
                kind="bool",
                choices=[_("Có"), _("Không")],
                example="",
            ),
        ]

    def preload(self, sheet: Sheet) -> None:
        self.organisations = {
            fold(o.code): o
            for o in Organisation.objects.visible_to(self.user).cells()
            if can(self.user, self.action, o)
        }
        self.step_by_label = {fold(str(label)): value for value, label in MemberStep.choices}
        self.step_by_label.update({fold(value): value for value in MemberStep.values})

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        parsed = self.parse_cells(result, raw, errors)
        extra = result.extra
        code = parsed.get("organisation", "")
        cell = self.organisations.get(fold(code)) if code else None
        if code and cell is None:
            self.error(
                result,
                errors,
                "organisation",
                _("Chi bộ «%s» không có hoặc nằm ngoài phạm vi bạn được ghi xếp loại.") % code,
            )
        result.data["organisation"] = cell
        step = self.step_by_label.get(fold(parsed.get("step", "")))
        if parsed.get("step") and step is None:
            self.error(
                result,
                errors,
                "step",
                _("Bước «%(value)s» không hợp lệ; một trong: %(steps)s.")
                % {"value": parsed["step"], "steps": "; ".join(map(str, MemberStep.labels))},
            )
        quarter = QUARTER_ALIASES.get(fold(parsed.get("quarter", "")))
        if quarter is None:
            self.error(
                result,
                errors,
                "quarter",
                _("Quý «%s» không hợp lệ; để trống, hoặc I–IV.") % parsed["quarter"],
            )
        year_text = parsed.get("year", "")
        year = int(year_text) if year_text.isdigit() else None
        if year_text and year is None:
            self.error(result, errors, "year", _("Năm «%s» không phải là số.") % year_text)
        member_text = parsed.get("membership", "")
        if member_text and not member_text.isdigit():
            self.error(
                result, errors, "membership", _("Mã đảng viên «%s» không phải là số.") % member_text
            )
        score_text = str(parsed.get("score", "")).strip()
        extra["skip"] = not score_text
        if score_text:
            try:
                extra["score"] = parse_score(score_text)
            except DomainError as exc:
                self.error(result, errors, "score", exc.message)
        extra["disciplined"] = bool(parsed.get("disciplined", False))
        if cell is not None and step is not None and year is not None and quarter is not None:
            if not can(self.user, MEMBER_STEP_ACTIONS[step], cell):
                self.error(
                    result,
                    errors,
                    "step",
                    _("Bạn không được ghi bước «%(step)s» của chi bộ «%(cell)s».")
                    % {"step": MemberStep(step).label, "cell": cell.name},
                )
            try:
                check_period(year, quarter)
                bands_for_period(year, quarter)
            except DomainError as exc:
                self.error(result, errors, "year", exc.message)
        extra["group"] = (cell.pk if cell else None, year, quarter, step)
        extra["membership_id"] = int(member_text) if member_text.isdigit() else None
        result.data["full_name"] = parsed.get("full_name", "")

    def find_duplicates(
        self,
        results: list[RowResult],
        errors: list[RowError],
        *,
        progress: ProgressCallback = no_progress,
    ) -> None:
        """Each member must be on the sheet of its cell for the period (and named as there),
        once per group; an approval needs the cell's proposal."""
        from dangvien.grading.models import MemberGrade
        from dangvien.grading.selectors import sheet_memberships

        progress("duplicates", 0, len(results))
        groups: dict[tuple[Any, ...], list[RowResult]] = {}
        for result in results:
            if result.status != "error" and not result.extra["skip"]:
                groups.setdefault(result.extra["group"], []).append(result)
        for (_cell_pk, year, quarter, step), rows in groups.items():
            cell = rows[0].data["organisation"]
            members = {m.pk: m for m in sheet_memberships(cell, year=year, quarter=quarter)}
            proposed: set[int] = set()
            if step == MemberStep.APPROVAL:
                proposed = set(
                    MemberGrade.objects.filter(
                        membership_id__in=list(members),
                        year=year,
                        quarter=quarter,
                        step=MemberStep.CELL_PROPOSAL,
                    ).values_list("membership_id", flat=True)
                )
            seen: dict[int, int] = {}
            for result in rows:
                key = result.extra["membership_id"]
                member = members.get(key)
                if member is None:
                    self._row_error(
                        result,
                        errors,
                        "membership",
                        _("Đảng viên mã %(id)s không thuộc bảng xếp loại của chi bộ «%(cell)s».")
                        % {"id": key, "cell": cell.name},
                    )
                elif fold(member.person.full_name) != fold(result.data["full_name"]):
                    self._row_error(
                        result,
                        errors,
                        "full_name",
                        _("Mã %(id)s là đảng viên «%(name)s», không phải «%(typed)s».")
                        % {
                            "id": key,
                            "name": member.person.full_name,
                            "typed": result.data["full_name"],
                        },
                    )
                elif key in seen:
                    self._row_error(
                        result,
                        errors,
                        "membership",
                        _("Đảng viên này đã có ở dòng %d, cùng chi bộ, kỳ và bước.") % seen[key],
                    )
                elif step == MemberStep.APPROVAL and key not in proposed:
                    self._row_error(
                        result,
                        errors,
                        "step",
                        _(
                            "Chưa có bước «Chi bộ đề xuất» của đảng viên này; cấp ủy chỉ quyết"
                            " định sau khi chi bộ đề xuất."
                        ),
                    )
                else:
                    seen[key] = result.row
        progress("duplicates", len(results), len(results))

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        from dangvien.grading.services import SheetError, record_member_grades

        counts = {"created": 0, "updated": 0, "skipped": 0}
        groups: dict[tuple[Any, ...], list[RowResult]] = {}
        for result in analysis.results:
            if result.extra["skip"]:
                counts["skipped"] += 1
                continue
            groups.setdefault(result.extra["group"], []).append(result)
        done = 0
        for (_cell_pk, year, quarter, step), rows in groups.items():
            by_member = {r.extra["membership_id"]: r for r in rows}
            try:
                written = record_member_grades(
                    rows[0].data["organisation"],
                    year=year,
                    quarter=quarter,
                    step=step,
                    entries=[
                        Entry(r.extra["membership_id"], r.extra["score"], r.extra["disciplined"])
                        for r in rows
                    ],
                    actor=actor,
                    note=_("Nhập từ Excel (lần nhập số %s)") % self.source.get("import_job", ""),
                )
            except SheetError as exc:
                first = min(by_member[k].row for k in exc.row_errors if k in by_member)
                raise DomainError(
                    _("Dòng %(row)d: %(message)s") % {"row": first, "message": exc.message},
                    rule=exc.rule,
                ) from exc
            except DomainError as exc:
                raise DomainError(
                    _("Dòng %(row)d: %(message)s Không dòng nào được ghi.")
                    % {"row": rows[0].row, "message": exc.message},
                    rule=exc.rule,
                    found=exc.found,
                    required=exc.required,
                ) from exc
            counts["created"] += len(written)
            counts["skipped"] += len(rows) - len(written)
            done += len(rows)
            progress("write", done, len(analysis.results))
        return counts

    @classmethod
    def template_rows(cls, user: Any, params: Any) -> list[list[str]]:
        """The rows of a prefilled template: one per member on the cell's sheet, with the
        score already recorded for the step (if any). Empty without ``org``."""
        from django.http import Http404

        from dangvien.grading.access import get_cell_for_user
        from dangvien.grading.periods import parse_period
        from dangvien.grading.selectors import get_member_sheet

        code = params.get("org")
        if not code:
            return []
        cell = get_cell_for_user(user, code)
        period = parse_period(params.get("year", ""), params.get("quarter") or 0)
        step = params.get("step") or MemberStep.CELL_PROPOSAL
        if period is None or step not in MemberStep.values:
            raise Http404("period")
        year, quarter = period
        quarter_text = "" if quarter == 0 else str(Quarter(quarter).label).split()[-1]
        rows = []
        for line in get_member_sheet(cell, year=year, quarter=quarter):
            current = line.steps.get(step)
            rows.append(
                [
                    cell.code,
                    str(year),
                    quarter_text,
                    str(MemberStep(step).label),
                    str(line.key),
                    line.name,
                    current.score_text if current else "",
                    gettext("Có") if current and current.disciplined else "",
                ]
            )
        return rows
