"""Writes of grading: a sheet of member grades for a cell, a sheet of organisation grades.

A sheet is saved whole or not at all: every entry is checked first (scope, step order, score,
rule set), and one error anywhere refuses the sheet with the errors of every line. A changed
line is a new row superseding the current one (history is never rewritten); an unchanged line
writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dangvien.accounts.rules import require_step_authority
from dangvien.audit.services import record
from dangvien.core.errors import DomainError
from dangvien.core.scoping import can
from dangvien.grading.bands import MEMBER, ORGANISATION, Bands, bands_from
from dangvien.grading.choices import GRADE_SHORT, MemberStep, OrganisationStep
from dangvien.grading.models import MemberGrade, OrganisationGrade
from dangvien.grading.periods import parse_period, period_bounds, period_label
from dangvien.grading.selectors import gradable_organisations, sheet_memberships
from dangvien.organisations.choices import CELL_KINDS
from dangvien.organisations.models import Organisation
from dangvien.rules.selectors import get_rule_set

if TYPE_CHECKING:
    from dangvien.accounts.models import User

MEMBER_STEP_ACTIONS: dict[str, str] = {
    MemberStep.SELF_REVIEW: "grading.change",
    MemberStep.CELL_PROPOSAL: "grading.change",
    MemberStep.APPROVAL: "grading.approve",
}
"""Who records each step of a member's grading (roles: accounts/rules.py)."""

MEMBER_STEP_NEEDS: dict[str, str] = {MemberStep.APPROVAL: MemberStep.CELL_PROPOSAL}
"""A step that needs another one first: the committee approves what the cell proposed."""

SCORE_MAX = Decimal(100)


@dataclass(frozen=True)
class Entry:
    """One line of a sheet: the member (or organisation) id, the score and the discipline flag."""

    key: int
    score: Any
    disciplined: bool = False


class SheetError(DomainError):
    """A sheet refused: ``row_errors`` maps each refused line's key to its Vietnamese message."""

    def __init__(self, message: str, *, row_errors: dict[int, str], rule: str = "") -> None:
        super().__init__(message, rule=rule or "grading_sheet")
        self.row_errors = row_errors

    def as_dict(self) -> dict[str, Any]:
        data = super().as_dict()
        data["errors"] = [
            {"field": f"entries.{key}", "message": message}
            for key, message in self.row_errors.items()
        ]
        return data


def parse_score(value: Any) -> Decimal:
    """A score from a typed value: "92", "92,5", "92.5" → Decimal; a DomainError (in
    Vietnamese) when it is not a number from 0 to 100 with at most one decimal."""
    text = str(value).strip().replace(",", ".")
    try:
        score = Decimal(text)
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite():
        raise DomainError(
            _("Điểm «%(value)s» không phải là số.") % {"value": value},
            rule="grading_score",
            found=value,
            required="0–100",
        )
    if not 0 <= score <= SCORE_MAX:
        raise DomainError(
            _("Điểm %(value)s nằm ngoài thang điểm; cần từ 0 đến 100.") % {"value": value},
            rule="grading_score",
            found=value,
            required="0–100",
        )
    if score != score.quantize(Decimal("0.1")):
        raise DomainError(
            _("Điểm %(value)s có quá một chữ số thập phân; cần dạng 85 hoặc 85,5.")
            % {"value": value},
            rule="grading_score",
            found=value,
            required=_("tối đa một chữ số thập phân"),
        )
    return score.quantize(Decimal("0.1"))


def check_period(year: int, quarter: int, *, today: dt.date | None = None) -> tuple[int, int]:
    """The period, refused when invalid or not yet started (a year may be graded in December
    before it ends: grading meetings are held then)."""
    parsed = parse_period(year, quarter)
    if parsed is None:
        raise DomainError(
            _("Kỳ đánh giá %(year)s/%(quarter)s không hợp lệ.")
            % {"year": year, "quarter": quarter},
            rule="grading_period",
            found=f"{year}/{quarter}",
            required=_("năm 1930–2100, quý 0–4"),
        )
    start, _end = period_bounds(*parsed)
    today = today or dt.date.today()
    if start > today:
        raise DomainError(
            _("%(period)s chưa bắt đầu (từ %(start)s); chưa thể đánh giá, xếp loại.")
            % {"period": period_label(*parsed), "start": f"{start:%d/%m/%Y}"},
            rule="grading_period_started",
            found=f"{today:%d/%m/%Y}",
            required=_("từ %s trở đi") % f"{start:%d/%m/%Y}",
        )
    return parsed


def bands_for_period(year: int, quarter: int, *, prefix: str = MEMBER) -> Bands:
    """The bands of the rule set in force on the last day of the period."""
    _start, end = period_bounds(year, quarter)
    return bands_from(get_rule_set(on=end), prefix=prefix)


def _score_errors(entries: Sequence[Entry]) -> tuple[dict[int, Decimal], dict[int, str]]:
    scores: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    seen: set[int] = set()
    for entry in entries:
        if entry.key in seen:
            errors[entry.key] = _("Dòng này có hai lần trong bảng.")
            continue
        seen.add(entry.key)
        try:
            scores[entry.key] = parse_score(entry.score)
        except DomainError as exc:
            errors[entry.key] = exc.message
    return scores, errors


def _refuse(errors: dict[int, str], names: dict[int, str]) -> SheetError:
    lines = "; ".join(f"{names.get(key, key)}: {message}" for key, message in errors.items())
    return SheetError(
        _("Chưa lưu bảng xếp loại: %(n)d dòng có lỗi (%(lines)s). Không dòng nào được ghi.")
        % {"n": len(errors), "lines": lines},
        row_errors=errors,
    )


@transaction.atomic
def record_member_grades(
    cell: Organisation,
    *,
    year: int,
    quarter: int = 0,
    step: str,
    entries: Sequence[Entry],
    actor: User,
    note: str = "",
    today: dt.date | None = None,
) -> list[MemberGrade]:
    """Record one step of grading for members of ``cell`` (a sheet), all or nothing.

    ``step``: self-review and the cell's proposal need ``grading.change`` on the cell, the
    grassroots committee's approval ``grading.approve``; the approval of a member needs the
    cell's proposal. The grade comes from the score under the rule set in force at the end of
    the period (bands and the cap for a disciplined member). Returns the rows written.
    """
    if step not in MEMBER_STEP_ACTIONS:
        raise DomainError(
            _("Bước «%(step)s» không hợp lệ.") % {"step": step},
            rule="grading_step",
            found=step,
            required=", ".join(MemberStep.values),
        )
    step_label = str(MemberStep(step).label)
    require_step_authority(actor, MEMBER_STEP_ACTIONS[step], cell, step=step_label)
    if cell.kind not in CELL_KINDS:
        raise DomainError(
            _("«%(name)s» không phải là chi bộ; bảng xếp loại đảng viên lập theo chi bộ.")
            % {"name": cell.name},
            rule="grading_sheet_cell",
            found=cell.get_kind_display(),
            required=_("chi bộ"),
        )
    year, quarter = check_period(year, quarter, today=today)
    bands = bands_for_period(year, quarter, prefix=MEMBER)
    members = {m.pk: m for m in sheet_memberships(cell, year=year, quarter=quarter)}
    names = {key: m.person.full_name for key, m in members.items()}
    scores, errors = _score_errors(entries)
    for entry in entries:
        if entry.key not in members:
            errors[entry.key] = _("Đảng viên này không thuộc danh sách xếp loại của chi bộ.")
    keys = [e.key for e in entries if e.key in members]
    # lock every row of these steps (the current one is the row nobody supersedes; a filter
    # on the reverse one-to-one would be an outer join, which PostgreSQL cannot lock)
    locked = list(
        MemberGrade.objects.select_for_update().filter(
            membership_id__in=keys, year=year, quarter=quarter, step=step
        )
    )
    replaced = {g.supersedes_id for g in locked}
    current = {g.membership_id: g for g in locked if g.pk not in replaced}
    needed = MEMBER_STEP_NEEDS.get(step)
    if needed:
        have = set(
            MemberGrade.objects.filter(
                membership_id__in=keys, year=year, quarter=quarter, step=needed
            ).values_list("membership_id", flat=True)
        )
        for key in keys:
            if key not in have and key not in errors:
                errors[key] = _(
                    "Chưa có bước «%(needed)s»; cấp ủy chỉ quyết định sau khi chi bộ đề xuất."
                ) % {"needed": MemberStep(needed).label}
    if errors:
        raise _refuse(errors, names)
    written: list[MemberGrade] = []
    changes: list[dict[str, Any]] = []
    for entry in entries:
        score = scores[entry.key]
        grade = bands.grade(score, disciplined=entry.disciplined)
        before = current.get(entry.key)
        if before is not None and (before.score, before.disciplined) == (
            score,
            entry.disciplined,
        ):
            continue
        try:
            with transaction.atomic():
                row = MemberGrade.objects.create(
                    membership_id=entry.key,
                    organisation=cell,
                    year=year,
                    quarter=quarter,
                    step=step,
                    score=score,
                    disciplined=entry.disciplined,
                    grade=grade,
                    rule_set=bands.rule_set,
                    supersedes=before,
                    note=note[:255],
                    actor=actor,
                    actor_name=str(actor)[:150],
                )
        except IntegrityError as exc:
            raise _concurrent() from exc
        written.append(row)
        changes.append(
            {
                "member": names[entry.key],
                "membership_id": entry.key,
                "from": None if before is None else f"{before.score} {GRADE_SHORT[before.grade]}",
                "to": f"{score} {GRADE_SHORT[grade]}",
                "disciplined": entry.disciplined,
            }
        )
    if written:
        record(
            actor=actor,
            action="grading.member_grade.recorded",
            target=cell,
            organisation=cell,
            data={
                "period": period_label(year, quarter),
                "step": step,
                "rule_set": bands.rule_set.name,
                "count": len(written),
                "changes": changes,
                "note": note,
            },
        )
    return written


def _concurrent() -> DomainError:
    return DomainError(
        _(
            "Bảng xếp loại vừa được người khác ghi cùng lúc; hãy tải lại trang và nhập lại."
            " Không dòng nào được ghi."
        ),
        rule="grading_concurrent",
    )


@transaction.atomic
def record_organisation_grades(
    parent: Organisation,
    *,
    year: int,
    quarter: int = 0,
    step: str,
    entries: Sequence[Entry],
    actor: User,
    note: str = "",
    today: dt.date | None = None,
) -> list[OrganisationGrade]:
    """Record one step of grading for the organisations under ``parent``, all or nothing.

    Self-review: ``grading.change`` on each graded organisation. Approval (the committee
    above): ``grading.approve`` on ``parent``. Bands: the ``grading_org_*`` keys."""
    if step not in OrganisationStep.values:
        raise DomainError(
            _("Bước «%(step)s» không hợp lệ.") % {"step": step},
            rule="grading_step",
            found=step,
            required=", ".join(OrganisationStep.values),
        )
    step_label = str(OrganisationStep(step).label)
    if step == OrganisationStep.APPROVAL:
        require_step_authority(actor, "grading.approve", parent, step=step_label)
    year, quarter = check_period(year, quarter, today=today)
    bands = bands_for_period(year, quarter, prefix=ORGANISATION)
    children = {o.pk: o for o in gradable_organisations(parent, year=year, quarter=quarter)}
    names = {key: o.name for key, o in children.items()}
    scores, errors = _score_errors(entries)
    for entry in entries:
        organisation = children.get(entry.key)
        if organisation is None:
            errors[entry.key] = _("Tổ chức này không thuộc danh sách xếp loại của cấp này.")
        elif step == OrganisationStep.SELF_REVIEW and not can(
            actor, "grading.change", organisation
        ):
            require_step_authority(actor, "grading.change", organisation, step=step_label)
    keys = [e.key for e in entries if e.key in children]
    locked = list(
        OrganisationGrade.objects.select_for_update().filter(
            organisation_id__in=keys, year=year, quarter=quarter, step=step
        )
    )
    replaced = {g.supersedes_id for g in locked}
    current = {g.organisation_id: g for g in locked if g.pk not in replaced}
    if errors:
        raise _refuse(errors, names)
    written: list[OrganisationGrade] = []
    changes: list[dict[str, Any]] = []
    for entry in entries:
        score = scores[entry.key]
        grade = bands.grade(score, disciplined=entry.disciplined)
        before = current.get(entry.key)
        if before is not None and (before.score, before.disciplined) == (
            score,
            entry.disciplined,
        ):
            continue
        try:
            with transaction.atomic():
                row = OrganisationGrade.objects.create(
                    organisation=children[entry.key],
                    year=year,
                    quarter=quarter,
                    step=step,
                    score=score,
                    disciplined=entry.disciplined,
                    grade=grade,
                    rule_set=bands.rule_set,
                    supersedes=before,
                    note=note[:255],
                    actor=actor,
                    actor_name=str(actor)[:150],
                )
        except IntegrityError as exc:
            raise _concurrent() from exc
        written.append(row)
        changes.append(
            {
                "organisation": names[entry.key],
                "organisation_id": entry.key,
                "from": None if before is None else f"{before.score} {GRADE_SHORT[before.grade]}",
                "to": f"{score} {GRADE_SHORT[grade]}",
                "disciplined": entry.disciplined,
            }
        )
    if written:
        record(
            actor=actor,
            action="grading.organisation_grade.recorded",
            target=parent,
            organisation=parent,
            data={
                "period": period_label(year, quarter),
                "step": step,
                "rule_set": bands.rule_set.name,
                "count": len(written),
                "changes": changes,
                "note": note,
            },
        )
    return written
