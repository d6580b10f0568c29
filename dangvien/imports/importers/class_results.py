"""Results of an awareness class (lớp bồi dưỡng nhận thức về Đảng) from Excel.

Rows name people already in the registry (by citizen ID, or by name and birth date) and a
class of the training app. The training app's classes have no code: «Mã lớp» is the class
number shown in the class page's address (``/training/classes/<number>/``), or the class's
exact name when it is unique in the user's scope. Writing goes through
``dangvien.training.services``: ``enrol_person`` when the person is not yet in the class,
then ``complete_enrolment`` (which issues the certificate and, for an open dossier, records
the class step) when «Hoàn thành» is yes — one call per row, inside the import's single
transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dangvien.core.errors import DomainError
from dangvien.core.importing import Column, ProgressCallback, RowError, no_progress
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.imports.importers.base import Analysis, Importer, RowResult, _chunks
from dangvien.imports.models import ImportKind
from dangvien.people.services import normalise_citizen_id

if TYPE_CHECKING:
    from dangvien.accounts.models import User


class ClassResultsImporter(Importer):
    kind = ImportKind.CLASS_RESULTS
    title = _lazy("Kết quả lớp bồi dưỡng nhận thức về Đảng")
    action = "training.change"

    def columns(self) -> list[Column]:
        return [
            Column(
                "training_class",
                _("Mã lớp"),
                _(
                    "Số của lớp bồi dưỡng nhận thức về Đảng, là con số trong địa chỉ trang của "
                    "lớp (…/training/classes/12/ → 12); hoặc tên lớp đúng như trên trang Lớp bồi "
                    "dưỡng. Lớp phải do tổ chức trong phạm vi của bạn mở."
                ),
                required=True,
                aliases=("Ma lop", gettext("Tên lớp"), gettext("Lớp")),
                example="12",
                max_length=200,
            ),
            Column(
                "full_name",
                _("Họ và tên"),
                _("Họ, chữ đệm và tên, như trong danh sách quần chúng."),
                required=True,
                example=gettext("Nguyễn Thị Hoa"),
                max_length=150,
            ),
            Column(
                "date_of_birth",
                _("Ngày sinh"),
                _("Ngày/tháng/năm (20/02/1998) hoặc ô ngày của Excel."),
                required=True,
                kind="date",
                example="20/02/1998",
            ),
            Column(
                "citizen_id",
                _("Số CCCD"),
                _(
                    "12 chữ số; nếu có, người được tìm theo số CCCD, nếu không theo họ tên và ngày "
                    "sinh. Người phải có sẵn trong danh sách quần chúng trong phạm vi của bạn."
                ),
                kind="citizen_id",
                aliases=("CCCD", gettext("Số căn cước"), gettext("Số căn cước công dân")),
                example="001198012345",
            ),
            Column(
                "completed",
                _("Hoàn thành"),
                _(
                    "«Có» nếu học viên hoàn thành lớp và được cấp giấy chứng nhận; «Không» nếu "
                    "chưa."
                ),
                required=True,
                kind="bool",
                choices=[_("Có"), _("Không")],
                example=gettext("Có"),
            ),
            Column(
                "certificate_number",
                _("Số giấy chứng nhận"),
                _("Bắt buộc khi Hoàn thành là «Có»."),
                example="125/GCN",
                max_length=64,
            ),
            Column(
                "certificate_date",
                _("Ngày cấp"),
                _(
                    "Ngày cấp giấy chứng nhận; bắt buộc khi Hoàn thành là «Có»; không trước ngày "
                    "bế giảng, không sau hôm nay."
                ),
                kind="date",
                example="30/05/2025",
            ),
        ]

    def preload(self, sheet: Any) -> None:
        from dangvien.training.models import TrainingClass

        self.today = timezone.localdate()
        self.classes_by_id: dict[str, Any] = {}
        self.classes_by_name: dict[str, list[Any]] = {}
        classes = TrainingClass.objects.visible_to(self.user).filter(
            kind=TrainingClass.Kind.AWARENESS
        )
        for training_class in classes.select_related("organiser"):
            if not can(self.user, self.action, training_class.organiser):
                continue
            self.classes_by_id[str(training_class.pk)] = training_class
            self.classes_by_name.setdefault(fold(training_class.name), []).append(training_class)

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        parsed = self.parse_cells(result, raw, errors)
        data, extra = result.data, result.extra
        data["full_name"] = parsed.get("full_name", "")
        data["full_name_folded"] = fold(data["full_name"])
        data["date_of_birth"] = parsed.get("date_of_birth")
        try:
            data["citizen_id"] = normalise_citizen_id(parsed.get("citizen_id") or None)
        except DomainError as exc:
            self.error(result, errors, "citizen_id", exc.message)
        value = parsed.get("training_class")
        if value:
            training_class = self._find_class(value, result, errors)
            if training_class is not None:
                extra["training_class"] = training_class
                data["organisation"] = training_class.organiser
        completed = bool(parsed.get("completed", False))
        extra["completed"] = completed
        number = parsed.get("certificate_number", "").strip()
        day: dt.date | None = parsed.get("certificate_date")
        extra["certificate_number"], extra["certificate_date"] = number, day
        if completed:
            if not number:
                self.error(
                    result,
                    errors,
                    "certificate_number",
                    _("Phải ghi số giấy chứng nhận khi Hoàn thành là «Có»."),
                )
            if day is None and raw.get("certificate_date") in (None, ""):
                self.error(
                    result,
                    errors,
                    "certificate_date",
                    _("Phải ghi ngày cấp khi Hoàn thành là «Có»."),
                )
        elif number or day:
            self.error(
                result,
                errors,
                "completed",
                _("Có số hoặc ngày cấp giấy chứng nhận nhưng Hoàn thành là «Không»."),
            )
        if day and day > self.today:
            self.error(
                result, errors, "certificate_date", _("Ngày %s chưa đến.") % f"{day:%d/%m/%Y}"
            )
        training_class = extra.get("training_class")
        if day and training_class is not None and day < training_class.end_date:
            self.error(
                result,
                errors,
                "certificate_date",
                _("Ngày cấp giấy chứng nhận (%(d)s) trước ngày bế giảng (%(e)s).")
                % {"d": f"{day:%d/%m/%Y}", "e": f"{training_class.end_date:%d/%m/%Y}"},
            )

    def _find_class(self, value: str, result: RowResult, errors: list[RowError]) -> Any:
        text = value.strip()
        if text.isdigit() and text in self.classes_by_id:
            return self.classes_by_id[text]
        candidates = self.classes_by_name.get(fold(text), [])
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            self.error(
                result,
                errors,
                "training_class",
                _("Có %(n)d lớp cùng tên «%(name)s»; hãy ghi số của lớp (%(ids)s).")
                % {
                    "n": len(candidates),
                    "name": text,
                    "ids": ", ".join(str(c.pk) for c in candidates),
                },
            )
            return None
        self.error(
            result,
            errors,
            "training_class",
            _(
                "Lớp bồi dưỡng nhận thức về Đảng «%s» không có hoặc nằm ngoài phạm vi bạn được "
                "nhập dữ liệu."
            )
            % text,
        )
        return None

    def find_duplicates(
        self,
        results: list[RowResult],
        errors: list[RowError],
        *,
        progress: ProgressCallback = no_progress,
    ) -> None:
        """Match every row to a person in scope, then to the class's enrolment if any."""
        from dangvien.people.models import Person
        from dangvien.training.models import Enrolment

        progress("duplicates", 0, len(results))
        ids = sorted({r.data["citizen_id"] for r in results if r.data.get("citizen_id")})
        names = sorted({r.data["full_name_folded"] for r in results if r.data.get("full_name")})
        people = Person.objects.visible_to(self.user)
        fields = ("pk", "full_name", "date_of_birth", "citizen_id")
        by_id: dict[str, dict[str, Any]] = {}
        by_name_birth: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
        for chunk in _chunks(ids):
            for row in people.filter(citizen_id__in=chunk).values(*fields):
                by_id[row["citizen_id"]] = row
        for chunk in _chunks(names):
            for row in people.filter(full_name_folded__in=chunk).values(
                *fields, "full_name_folded"
            ):
                key = (row["full_name_folded"], row["date_of_birth"])
                by_name_birth.setdefault(key, []).append(row)
        for result in results:
            if result.status == "error":
                continue
            data = result.data
            citizen_id = data.get("citizen_id")
            if citizen_id:
                match = by_id.get(citizen_id)
                if match is None:
                    self._row_error(
                        result,
                        errors,
                        "citizen_id",
                        _(
                            "Không có người có số CCCD %s trong danh sách quần chúng thuộc phạm vi "
                            "của bạn; hãy nhập người này trước."
                        )
                        % citizen_id,
                    )
                    continue
                if match["date_of_birth"] != data["date_of_birth"]:
                    self._row_error(
                        result,
                        errors,
                        "date_of_birth",
                        _("Người có số CCCD %(id)s sinh ngày %(d)s, không phải ngày ghi trong tệp.")
                        % {"id": citizen_id, "d": f"{match['date_of_birth']:%d/%m/%Y}"},
                    )
                    continue
            else:
                matches = by_name_birth.get((data["full_name_folded"], data["date_of_birth"]), [])
                if not matches:
                    self._row_error(
                        result,
                        errors,
                        "full_name",
                        _(
                            "Không có người tên %(name)s, sinh ngày %(d)s trong danh sách quần "
                            "chúng thuộc phạm vi của bạn; hãy nhập người này trước."
                        )
                        % {"name": data["full_name"], "d": f"{data['date_of_birth']:%d/%m/%Y}"},
                    )
                    continue
                if len(matches) > 1:
                    self._row_error(
                        result,
                        errors,
                        "citizen_id",
                        _(
                            "Có %d người cùng họ tên và ngày sinh trong phạm vi của bạn; hãy ghi "
                            "số CCCD."
                        )
                        % len(matches),
                    )
                    continue
                match = matches[0]
            result.extra["person_id"] = match["pk"]
            result.match_id = match["pk"]
            result.match_label = f"{match['full_name']} — {match['date_of_birth']:%d/%m/%Y}"
        pairs: dict[tuple[int, int], RowResult] = {}
        for result in results:
            if result.status == "error" or "person_id" not in result.extra:
                continue
            key = (result.extra["training_class"].pk, result.extra["person_id"])
            if key in pairs:
                self._row_error(
                    result,
                    errors,
                    "full_name",
                    _("Người này đã có ở dòng %d trong tệp, cùng lớp.") % pairs[key].row,
                )
                continue
            pairs[key] = result
        class_ids = sorted({key[0] for key in pairs})
        existing: dict[tuple[int, int], Any] = {}
        for chunk in _chunks(class_ids):
            # the rows in force (corrections supersede); a removed student is enrolled again
            for enrolment in Enrolment.objects.active().filter(
                training_class_id__in=chunk, person_id__in=[k[1] for k in pairs]
            ):
                existing[(enrolment.training_class_id, enrolment.person_id)] = enrolment
        for key, result in pairs.items():
            current = existing.get(key)
            result.extra["enrolment"] = current
            if current is not None and current.completed:
                self._row_error(
                    result,
                    errors,
                    "certificate_number",
                    _("%(name)s đã được cấp giấy chứng nhận số %(n)s của lớp này.")
                    % {"name": result.data["full_name"], "n": current.certificate_number},
                )
        progress("duplicates", len(results), len(results))

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        from dangvien.people.models import Person
        from dangvien.training.services import complete_enrolment, enrol_person

        results = analysis.results
        people = Person.objects.in_bulk([r.extra["person_id"] for r in results])
        counts = {"created": 0, "updated": 0, "skipped": 0}
        for done, result in enumerate(results, start=1):
            extra = result.extra
            enrolment = extra.get("enrolment")
            try:
                if enrolment is None:
                    enrolment = enrol_person(
                        extra["training_class"], person=people[extra["person_id"]], actor=actor
                    )
                    counts["created"] += 1
                elif extra["completed"]:
                    counts["updated"] += 1
                else:
                    counts["skipped"] += 1
                if extra["completed"]:
                    complete_enrolment(
                        enrolment,
                        certificate_number=extra["certificate_number"],
                        certificate_date=extra["certificate_date"],
                        actor=actor,
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
            progress("write", done, len(results))
        return counts
