"""What every kind of import shares: organisations by code within scope, person columns,
duplicate detection, and the analysis result.

Validation runs in memory with lookups preloaded once per file (organisations, reference
tables, existing citizen IDs, same-name-and-birth-date people), calling the people app's own
validators (``validate_person_data``, ``normalise_citizen_id``) on every row, so a row the
form would refuse is refused here with the same message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext
from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.core.importing import (
    CellError,
    Column,
    Lookup,
    ProgressCallback,
    RowError,
    Sheet,
    no_progress,
)
from dangvien.core.scoping import can
from dangvien.core.text import fold
from dangvien.imports.models import DuplicateChoice
from dangvien.organisations.choices import GRASSROOTS_KINDS, OrganisationKind
from dangvien.organisations.models import Organisation
from dangvien.people.choices import (
    GeneralEducation,
    PoliticalTheory,
    ProfessionalLevel,
    ResidenceArea,
    Sex,
)
from dangvien.people.models import EthnicGroup, Occupation, Person, Religion
from dangvien.people.reference_data import ETHNIC_ALIASES, OCCUPATION_ALIASES, RELIGION_ALIASES
from dangvien.people.services import PERSON_FIELDS, normalise_citizen_id, validate_person_data

if TYPE_CHECKING:
    from dangvien.accounts.models import User

COMMUNE_KINDS = frozenset({OrganisationKind.COMMUNE, *GRASSROOTS_KINDS})
PREVIEW_ROWS = 20
CHUNK = 500

SEX_ALIASES = {"m": Sex.MALE, "f": Sex.FEMALE, "trai": Sex.MALE, "gai": Sex.FEMALE}
EDUCATION_ALIASES = {
    "12/12": GeneralEducation.UPPER_SECONDARY,
    "thpt": GeneralEducation.UPPER_SECONDARY,
    "cap 3": GeneralEducation.UPPER_SECONDARY,
    "9/12": GeneralEducation.LOWER_SECONDARY,
    "thcs": GeneralEducation.LOWER_SECONDARY,
    "cap 2": GeneralEducation.LOWER_SECONDARY,
    "5/12": GeneralEducation.PRIMARY,
    "cap 1": GeneralEducation.PRIMARY,
    "biet doc biet viet": GeneralEducation.LITERATE,
}
PROFESSIONAL_ALIASES = {
    "dh": ProfessionalLevel.UNIVERSITY,
    "cu nhan": ProfessionalLevel.UNIVERSITY,
    "ky su": ProfessionalLevel.UNIVERSITY,
    "cd": ProfessionalLevel.COLLEGE,
    "tc": ProfessionalLevel.INTERMEDIATE,
    "so cap": ProfessionalLevel.ELEMENTARY,
    "cong nhan ky thuat": ProfessionalLevel.ELEMENTARY,
    "ths": ProfessionalLevel.MASTER,
    "ts": ProfessionalLevel.DOCTOR,
    "khong": ProfessionalLevel.NONE,
    "": ProfessionalLevel.NONE,
}
THEORY_ALIASES = {"cao cap": PoliticalTheory.ADVANCED, "cu nhan": PoliticalTheory.ADVANCED}


def _labels(choices: Any) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in choices.choices]


def person_columns() -> list[Column]:
    """The person columns shared by people and members files (headers in Vietnamese)."""
    return [
        Column(
            "organisation",
            _("Mã tổ chức"),
            _("Mã của tổ chức đảng quản lý (xem trang Tổ chức), phải thuộc phạm vi của bạn."),
            required=True,
            aliases=("Ma to chuc", gettext("Mã chi bộ")),
            example="CB01",
        ),
        Column(
            "full_name",
            _("Họ và tên"),
            _("Họ, chữ đệm và tên, có dấu."),
            required=True,
            example=gettext("Nguyễn Thị Hoa"),
            max_length=150,
        ),
        Column(
            "date_of_birth",
            _("Ngày sinh"),
            _("Ngày/tháng/năm (20/02/1998) hoặc ô ngày của Excel; không sau hôm nay."),
            required=True,
            kind="date",
            example="20/02/1998",
        ),
        Column(
            "sex",
            _("Giới tính"),
            _("Nam hoặc Nữ."),
            required=True,
            kind="choice",
            choices=[label for _v, label in _labels(Sex)],
            example=gettext("Nữ"),
        ),
        Column(
            "ethnic_group",
            _("Dân tộc"),
            _(
                "Tên dân tộc (54 dân tộc theo danh mục của Tổng cục Thống kê), không phân biệt hoa "
                "thường, có dấu hay không dấu; cách viết phổ biến như «Hmong», «Khmer» được chấp "
                "nhận."
            ),
            required=True,
            kind="choice",
            choices=[name for _c, name in EthnicGroup.objects.values_list("code", "name")],
            example="Kinh",
        ),
        Column(
            "religion",
            _("Tôn giáo"),
            _("Để trống nếu không theo tôn giáo."),
            kind="choice",
            choices=[name for _c, name in Religion.objects.values_list("code", "name")],
            example=gettext("Không"),
        ),
        Column(
            "citizen_id",
            _("Số CCCD"),
            _(
                "12 chữ số, nên định dạng ô là Văn bản để giữ số 0 đầu; nếu ô là Số, hệ thống "
                "bổ sung số 0 đầu cho đủ 12 chữ số. Không bắt buộc nhưng nên có để tránh trùng."
            ),
            kind="citizen_id",
            aliases=("CCCD", gettext("Số căn cước"), gettext("Số căn cước công dân")),
            example="001098012345",
        ),
        Column(
            "phone",
            _("Số điện thoại"),
            _("Không bắt buộc."),
            example="0912345678",
            max_length=20,
        ),
        Column("hometown", _("Quê quán"), _("Không bắt buộc."), max_length=255),
        Column("residence", _("Nơi cư trú"), _("Không bắt buộc."), max_length=255),
        Column(
            "residence_area",
            _("Nông thôn/Thành thị"),
            _("Để trống là Nông thôn."),
            kind="choice",
            choices=[label for _v, label in _labels(ResidenceArea)],
            example=gettext("Nông thôn"),
        ),
        Column(
            "general_education",
            _("Trình độ giáo dục phổ thông"),
            _("Cũng nhận 12/12, 9/12, 5/12, THPT, THCS. Để trống là Trung học phổ thông."),
            kind="choice",
            choices=[label for _v, label in _labels(GeneralEducation)],
            example=gettext("Trung học phổ thông"),
        ),
        Column(
            "professional_level",
            _("Trình độ chuyên môn"),
            _("Cũng nhận ĐH, CĐ, TC, ThS, TS. Để trống là Chưa qua đào tạo."),
            kind="choice",
            choices=[label for _v, label in _labels(ProfessionalLevel)],
            example=gettext("Đại học"),
        ),
        Column(
            "political_theory",
            _("Lý luận chính trị"),
            _("Để trống là Chưa qua đào tạo."),
            kind="choice",
            choices=[label for _v, label in _labels(PoliticalTheory)],
            example=gettext("Sơ cấp"),
        ),
        Column(
            "occupation",
            _("Nghề nghiệp"),
            _(
                "Nhóm nghề nghiệp theo Biểu 2-BTCTW; cũng nhận cách ghi ngắn như «Nông dân», "
                "«Công nhân», «Giáo viên», «Sinh viên»."
            ),
            required=True,
            kind="choice",
            choices=[name for _c, name in Occupation.objects.values_list("code", "name")],
            example=gettext("Nông dân, lâm nghiệp, ngư nghiệp"),
        ),
        Column(
            "youth_union_member",
            _("Đoàn viên"),
            _("«Có» (hoặc x) nếu là đoàn viên Đoàn TNCS Hồ Chí Minh; để trống nếu không."),
            kind="bool",
            choices=[_("Có"), _("Không")],
            example=gettext("Có"),
        ),
        Column(
            "trade_union_member",
            _("Công đoàn viên"),
            _("«Có» (hoặc x) nếu là đoàn viên công đoàn; để trống nếu không."),
            kind="bool",
            choices=[_("Có"), _("Không")],
        ),
        *(
            Column(
                key,
                header,
                _(
                    "«Có» (hoặc x) hoặc «Không». Không bắt buộc; khi cập nhật người đã có, ô "
                    "trống (hoặc tệp không có cột này) giữ nguyên giá trị đang lưu."
                ),
                kind="bool",
                choices=[_("Có"), _("Không")],
            )
            for key, header in flag_columns()
        ),
    ]


FLAG_KEYS = ("is_village_head", "is_front_group_head", "is_mass_org_head")


def flag_columns() -> list[tuple[str, str]]:
    """The person's roles in the village (``PERSON_FIELDS``), counted by the statistics."""
    headers = (
        _("Trưởng thôn, bản, tổ dân phố"),
        _("Trưởng ban công tác Mặt trận"),
        _("Người đứng đầu đoàn thể ở thôn"),
    )
    return list(zip(FLAG_KEYS, headers, strict=True))


@dataclass
class RowResult:
    """One data row after validation."""

    row: int
    data: dict[str, Any] = field(default_factory=dict)
    status: str = "new"  # new | duplicate | error
    match_id: int | None = None
    match_reason: str = ""  # citizen_id | name_birth
    match_label: str = ""
    allowed: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Analysis:
    results: list[RowResult]
    errors: list[RowError]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"total": len(self.results), "new": 0, "duplicate": 0, "error": 0}
        for result in self.results:
            counts[result.status] += 1
        counts["errors"] = len(self.errors)
        return counts

    def duplicates(self) -> list[dict[str, Any]]:
        return [
            {
                "row": r.row,
                "name": r.data.get("full_name", ""),
                "date_of_birth": r.data["date_of_birth"].strftime("%d/%m/%Y")
                if r.data.get("date_of_birth")
                else "",
                "match_id": r.match_id,
                "reason": r.match_reason,
                "match": r.match_label,
                "allowed": list(r.allowed),
            }
            for r in self.results
            if r.status == "duplicate"
        ]

    def preview(self) -> list[dict[str, Any]]:
        rows = []
        for r in self.results[:PREVIEW_ROWS]:
            rows.append(
                {
                    "row": r.row,
                    "status": r.status,
                    "name": r.data.get("full_name", ""),
                    "date_of_birth": r.data["date_of_birth"].strftime("%d/%m/%Y")
                    if isinstance(r.data.get("date_of_birth"), dt.date)
                    else "",
                    "organisation": getattr(r.data.get("organisation"), "code", ""),
                    "match": r.match_label,
                }
            )
        return rows


class Importer:
    """Base of every kind: subclasses give ``columns()``, ``action`` and ``write``."""

    kind = ""
    title: Any = ""
    action = "person.change"
    cells_only = False

    def __init__(self, *, user: Any) -> None:
        self.user = user
        # Added to the audit rows of the services that write (e.g. {"import_job": 12}).
        self.source: dict[str, Any] = {}
        self.columns_list = self.columns()
        self.headers = {column.key: column.header for column in self.columns_list}

    def columns(self) -> list[Column]:
        return person_columns()

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        raise NotImplementedError

    # --- preloading ------------------------------------------------------------------------
    def preload(self, sheet: Sheet) -> None:
        self.organisations: dict[str, Organisation] = {}
        for organisation in Organisation.objects.visible_to(self.user):
            if can(self.user, self.action, organisation) and (
                not self.cells_only or organisation.is_cell
            ):
                self.organisations[fold(organisation.code)] = organisation
        self.commune_of: dict[int, str] = {}
        ancestors: dict[str, str] = {}
        prefixes = {
            organisation.path[: step * Organisation.steplen]
            for organisation in self.organisations.values()
            for step in range(1, organisation.depth + 1)
        }
        for path, kind in Organisation.objects.filter(path__in=prefixes).values_list(
            "path", "kind"
        ):
            ancestors[path] = kind
        for organisation in self.organisations.values():
            commune = organisation.path
            for depth in range(organisation.depth, 0, -1):
                prefix = organisation.path[: depth * Organisation.steplen]
                if ancestors.get(prefix) in COMMUNE_KINDS:
                    commune = prefix
                    break
            self.commune_of[organisation.pk] = commune
        self.lookups = {
            "sex": Lookup(_labels(Sex), SEX_ALIASES, label=_("giới tính")),
            "ethnic_group": Lookup(
                list(EthnicGroup.objects.values_list("code", "name")),
                ETHNIC_ALIASES,
                label=_("dân tộc"),
            ),
            "religion": Lookup(
                list(Religion.objects.values_list("code", "name")),
                RELIGION_ALIASES,
                label=_("tôn giáo"),
            ),
            "occupation": Lookup(
                list(Occupation.objects.values_list("code", "name")),
                OCCUPATION_ALIASES,
                label=_("nghề nghiệp"),
            ),
            "residence_area": Lookup(_labels(ResidenceArea), label=_("khu vực cư trú")),
            "general_education": Lookup(
                _labels(GeneralEducation), EDUCATION_ALIASES, label=_("giáo dục phổ thông")
            ),
            "professional_level": Lookup(
                _labels(ProfessionalLevel), PROFESSIONAL_ALIASES, label=_("trình độ chuyên môn")
            ),
            "political_theory": Lookup(
                _labels(PoliticalTheory), THEORY_ALIASES, label=_("lý luận chính trị")
            ),
        }
        self.reference_objects: dict[str, dict[str, Any]] = {
            "ethnic_group": {e.code: e for e in EthnicGroup.objects.all()},
            "religion": {r.code: r for r in Religion.objects.all()},
            "occupation": {o.code: o for o in Occupation.objects.all()},
        }
        self.defaults: dict[str, Any] = {
            "religion": self.reference_objects["religion"].get("none"),
            "residence_area": ResidenceArea.RURAL,
            "general_education": GeneralEducation.UPPER_SECONDARY,
            "professional_level": ProfessionalLevel.NONE,
            "political_theory": PoliticalTheory.NONE,
        }

    def preload_people(self, results: Sequence[RowResult]) -> None:
        """Existing people sharing a citizen ID or a (name, birth date) with the file."""
        ids = sorted({r.data["citizen_id"] for r in results if r.data.get("citizen_id")})
        names = sorted(
            {r.data["full_name_folded"] for r in results if "full_name_folded" in r.data}
        )
        fields = (
            "pk",
            "full_name",
            "full_name_folded",
            "date_of_birth",
            "citizen_id",
            "organisation_id",
            "organisation__path",
            "organisation__code",
        )
        self.by_citizen_id: dict[str, dict[str, Any]] = {}
        self.by_name_birth: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
        for chunk in _chunks(ids):
            for row in Person.objects.filter(citizen_id__in=chunk).values(*fields):
                self.by_citizen_id[row["citizen_id"]] = row
        for chunk in _chunks(names):
            for row in Person.objects.filter(full_name_folded__in=chunk).values(*fields):
                key = (row["full_name_folded"], row["date_of_birth"])
                self.by_name_birth.setdefault(key, []).append(row)
        self.member_ids: set[int] = set()
        found = {row["pk"] for row in self.by_citizen_id.values()} | {
            row["pk"] for rows in self.by_name_birth.values() for row in rows
        }
        if found:
            from dangvien.members.models import Membership

            for chunk in _chunks(sorted(found)):
                self.member_ids.update(
                    Membership.objects.filter(person_id__in=chunk).values_list(
                        "person_id", flat=True
                    )
                )

    # --- validation ------------------------------------------------------------------------
    def analyse(self, sheet: Sheet, *, progress: ProgressCallback = no_progress) -> Analysis:
        self.preload(sheet)
        results: list[RowResult] = []
        errors: list[RowError] = []
        total = len(sheet.rows)
        step = max(total // 50, 500)
        positions = [(column, sheet.positions.get(column.key)) for column in self.columns_list]
        for offset, values in enumerate(sheet.rows):
            result = RowResult(row=offset + 2)
            row_errors: list[RowError] = []
            if all(value in ("", None) for value in values):
                continue
            raw = {
                column.key: (values[index] if index is not None and index < len(values) else None)
                for column, index in positions
            }
            self.validate_row(result, raw, row_errors)
            if row_errors:
                result.status = "error"
                errors.extend(row_errors)
            results.append(result)
            if offset % step == 0:
                progress("validate", offset, total)
        progress("validate", total, total)
        self.find_duplicates(results, errors, progress=progress)
        return Analysis(results=results, errors=errors)

    def error(self, result: RowResult, errors: list[RowError], key: str, message: str) -> None:
        errors.append(RowError(result.row, self.headers.get(key, ""), message))

    def validate_row(self, result: RowResult, raw: dict[str, Any], errors: list[RowError]) -> None:
        self.validate_person(result, raw, errors)
        result.extra.pop("parsed", None)

    def parse_cells(
        self, result: RowResult, raw: dict[str, Any], errors: list[RowError]
    ) -> dict[str, Any]:
        parsed: dict[str, Any] = {}
        for column in self.columns_list:
            value = raw.get(column.key)
            if column.is_empty(value):
                if column.required:
                    self.error(result, errors, column.key, _("Không được để trống."))
                continue
            try:
                parsed[column.key] = column.parse(value)
            except CellError as exc:
                self.error(result, errors, column.key, str(exc))
        return parsed

    def validate_person(
        self, result: RowResult, raw: dict[str, Any], errors: list[RowError]
    ) -> None:
        parsed = self.parse_cells(result, raw, errors)
        result.extra["parsed"] = parsed
        data = result.data
        code = parsed.get("organisation")
        if code:
            organisation = self.organisations.get(fold(code))
            if organisation is None:
                self.error(
                    result,
                    errors,
                    "organisation",
                    (
                        _("Mã chi bộ «%s» không có hoặc nằm ngoài phạm vi bạn được nhập dữ liệu.")
                        if self.cells_only
                        else _(
                            "Mã tổ chức «%s» không có hoặc nằm ngoài phạm vi bạn được nhập dữ liệu."
                        )
                    )
                    % code,
                )
            else:
                data["organisation"] = organisation
        for key, lookup in self.lookups.items():
            if key in parsed:
                try:
                    code_value = lookup.match(parsed[key])
                except CellError as exc:
                    self.error(result, errors, key, str(exc))
                    continue
                objects = self.reference_objects.get(key)
                data[key] = objects[code_value] if objects is not None else code_value
            elif key in self.defaults:
                data[key] = self.defaults[key]
        for key in ("phone", "hometown", "residence"):
            data[key] = parsed.get(key, "")
        for key in ("youth_union_member", "trade_union_member"):
            data[key] = bool(parsed.get(key, False))
        for key in FLAG_KEYS:  # (not the headers: no translation looked up per row)
            # Only when filled in: a file without these columns keeps what the form recorded.
            if key in parsed:
                data[key] = bool(parsed[key])
        try:
            data["citizen_id"] = normalise_citizen_id(parsed.get("citizen_id") or None)
        except DomainError as exc:
            self.error(result, errors, "citizen_id", exc.message)
        shared: dict[str, Any] = {
            key: parsed[key] for key in ("full_name", "date_of_birth") if key in parsed
        }
        shared["phone"] = data["phone"]
        try:
            # The people app's own checks (name, birth date not in the future, phone). The
            # citizen ID's uniqueness is checked against the preloaded set in find_duplicates.
            data.update(validate_person_data(shared))
        except DomainError as exc:
            self.error(result, errors, exc.field or "", exc.message)
        if "full_name" in data:
            data["full_name_folded"] = fold(data["full_name"])

    # --- duplicates ------------------------------------------------------------------------
    def find_duplicates(
        self,
        results: list[RowResult],
        errors: list[RowError],
        *,
        progress: ProgressCallback = no_progress,
    ) -> None:
        progress("duplicates", 0, len(results))
        self.preload_people(results)
        seen_ids: dict[str, int] = {}
        seen_names: dict[tuple[str, dt.date, str], RowResult] = {}
        for result in results:
            data = result.data
            citizen_id = data.get("citizen_id")
            if citizen_id:
                if citizen_id in seen_ids:
                    self._row_error(
                        result,
                        errors,
                        "citizen_id",
                        _("Số CCCD %(id)s trùng với dòng %(row)d trong tệp.")
                        % {"id": citizen_id, "row": seen_ids[citizen_id]},
                    )
                    continue
                seen_ids[citizen_id] = result.row
            if result.status == "error" or "organisation" not in data:
                continue
            commune = self.commune_of[data["organisation"].pk]
            key = (data["full_name_folded"], data["date_of_birth"], commune)
            earlier = seen_names.get(key)
            if earlier is not None and not _different_ids(earlier.data, data):
                self._row_error(
                    result,
                    errors,
                    "full_name",
                    _(
                        "Trùng họ tên và ngày sinh với dòng %d trong tệp, cùng xã. Nếu là hai "
                        "người khác nhau, hãy ghi số CCCD của cả hai."
                    )
                    % earlier.row,
                )
                continue
            seen_names[key] = result
            match, reason = None, ""
            if citizen_id and citizen_id in self.by_citizen_id:
                match, reason = self.by_citizen_id[citizen_id], "citizen_id"
            else:
                for row in self.by_name_birth.get((key[0], key[1]), []):
                    if row["organisation__path"].startswith(commune) and not _different_ids(
                        row, data
                    ):
                        match, reason = row, "name_birth"
                        break
            if match is not None:
                self.mark_duplicate(result, errors, match, reason)

    def _row_error(self, result: RowResult, errors: list[RowError], key: str, message: str) -> None:
        result.status = "error"
        self.error(result, errors, key, message)

    def mark_duplicate(
        self, result: RowResult, errors: list[RowError], match: dict[str, Any], reason: str
    ) -> None:
        in_scope = any(
            match["organisation__path"].startswith(organisation.path)
            for organisation in self.organisations.values()
        )
        if reason == "citizen_id" and not in_scope:
            self._row_error(
                result,
                errors,
                "citizen_id",
                _(
                    "Số CCCD %s đã có trong danh sách của một tổ chức ngoài phạm vi của bạn; "
                    "hãy liên hệ cấp ủy cấp trên."
                )
                % result.data["citizen_id"],
            )
            return
        result.status = "duplicate"
        result.match_id = match["pk"]
        result.match_reason = reason
        result.match_label = (
            f"{match['full_name']} — {match['date_of_birth']:%d/%m/%Y} — "
            f"{match['organisation__code']}"
            if in_scope
            else _("một người cùng họ tên, ngày sinh ở tổ chức khác trong cùng xã")
        )
        allowed = [DuplicateChoice.SKIP]
        if in_scope:
            allowed.append(DuplicateChoice.UPDATE)
        if reason == "name_birth":
            allowed.append(DuplicateChoice.CREATE)
        result.allowed = tuple(str(choice) for choice in allowed)


def _different_ids(first: dict[str, Any], second: dict[str, Any]) -> bool:
    a, b = first.get("citizen_id"), second.get("citizen_id")
    return bool(a and b and a != b)


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def person_values(data: dict[str, Any]) -> dict[str, Any]:
    """The row's values for the people services: ``PERSON_FIELDS`` only, as in the form."""
    return {key: data[key] for key in PERSON_FIELDS if key in data}
