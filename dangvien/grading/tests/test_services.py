"""Grading services: bands and caps at their boundaries (from the rule set), the recorded
steps, corrections as new rows, all-or-nothing sheets, and the final-grades read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError, Forbidden
from dangvien.grading import selectors, services
from dangvien.grading.bands import bands_from
from dangvien.grading.choices import Grade, MemberStep, OrganisationStep
from dangvien.grading.models import MemberGrade, OrganisationGrade
from dangvien.grading.services import Entry, SheetError
from dangvien.members.tests.factories import make_member
from dangvien.rules.models import RuleSet
from dangvien.rules.selectors import get_rule_set

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def members(persona_tree):
    return [
        make_member(persona_tree.branch, full_name=name)
        for name in ("Lò Văn An", "Quàng Thị Bình", "Vì Văn Cường")
    ]


def _sheet(cell, step, entries, actor, *, year=2025, quarter=0):
    return services.record_member_grades(
        cell,
        year=year,
        quarter=quarter,
        step=step,
        entries=entries,
        actor=actor,
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("score", "disciplined", "grade"),
    [
        ("100", False, Grade.HTXS),
        ("90", False, Grade.HTXS),
        ("89.9", False, Grade.HTT),
        ("70", False, Grade.HTT),
        ("69.9", False, Grade.HT),
        ("50", False, Grade.HT),
        ("49.9", False, Grade.KHT),
        ("0", False, Grade.KHT),
        # a member disciplined in the period cannot be HTXS (cap from the rule set: HTT)
        ("95", True, Grade.HTT),
        ("90", True, Grade.HTT),
        ("75", True, Grade.HTT),
        ("60", True, Grade.HT),
        ("30", True, Grade.KHT),
    ],
)
def test_bands_and_cap_at_their_boundaries(db, score, disciplined, grade):
    bands = bands_from(get_rule_set(on=dt.date(2025, 12, 31)))
    assert bands.grade(Decimal(score), disciplined=disciplined) == grade


def test_bands_come_from_the_rule_set_in_force_at_the_period_end(db, persona_tree):
    # given a later rule set with other bands and a harsher cap
    base = get_rule_set(on=dt.date(2025, 12, 31))
    RuleSet.objects.create(
        name="Bộ quy định thử",
        effective_from=dt.date(2026, 1, 1),
        source="thử",
        values={
            **base.values,
            "grading_htxs_min_score": 95,
            "grading_disciplined_max_grade": "ht",
        },
    )
    later = services.bands_for_period(2026, 1)
    earlier = services.bands_for_period(2025, 4)
    assert later.grade(Decimal("94.9")) == Grade.HTT
    assert later.grade(Decimal("95")) == Grade.HTXS
    assert later.grade(Decimal("80"), disciplined=True) == Grade.HT
    assert earlier.grade(Decimal("94.9")) == Grade.HTXS


def test_a_period_under_a_rule_set_without_points_is_refused(db):
    with pytest.raises(DomainError) as info:
        services.bands_for_period(2025, 2)  # ends 30/06/2025: 24-QĐ/TW rule set
    assert "chưa có thang điểm 100" in info.value.message
    assert info.value.rule == "grading_htxs_min_score"


def test_three_steps_are_recorded_and_the_final_grade_is_the_approval(
    persona_tree, members, branch_secretary
):
    office = persona_tree.users["grassroots_office"]
    a, b, c = members
    _sheet(persona_tree.branch, MemberStep.SELF_REVIEW, [Entry(a.pk, "92")], branch_secretary)
    _sheet(
        persona_tree.branch,
        MemberStep.CELL_PROPOSAL,
        [Entry(a.pk, "88"), Entry(b.pk, "91,5"), Entry(c.pk, "45")],
        branch_secretary,
    )
    rows = _sheet(
        persona_tree.branch,
        MemberStep.APPROVAL,
        [Entry(a.pk, "88"), Entry(b.pk, "91.5", disciplined=True), Entry(c.pk, "45")],
        office,
    )

    assert [r.grade for r in rows] == [Grade.HTT, Grade.HTT, Grade.KHT]
    assert MemberGrade.objects.count() == 7
    assert selectors.final_grades([a, b, c.pk], [2024, 2025]) == {
        (a.pk, 2025): Grade.HTT,
        (b.pk, 2025): Grade.HTT,
        (c.pk, 2025): Grade.KHT,
    }
    event = AuditEvent.objects.filter(action="grading.member_grade.recorded").order_by("pk").last()
    assert event.data["step"] == "approval" and event.data["count"] == 3


def test_a_correction_is_a_new_row_and_the_old_one_stays(persona_tree, members, branch_secretary):
    office = persona_tree.users["grassroots_office"]
    a = members[0]
    _sheet(persona_tree.branch, MemberStep.CELL_PROPOSAL, [Entry(a.pk, "80")], branch_secretary)
    first = _sheet(persona_tree.branch, MemberStep.APPROVAL, [Entry(a.pk, "80")], office)[0]

    # the same value again writes nothing
    assert _sheet(persona_tree.branch, MemberStep.APPROVAL, [Entry(a.pk, "80,0")], office) == []
    second = _sheet(persona_tree.branch, MemberStep.APPROVAL, [Entry(a.pk, "90")], office)[0]

    first.refresh_from_db()
    assert first.score == Decimal("80.0") and first.grade == Grade.HTT
    assert second.supersedes == first and second.grade == Grade.HTXS
    assert selectors.final_grades([a], [2025]) == {(a.pk, 2025): Grade.HTXS}
    assert MemberGrade.objects.current().filter(step=MemberStep.APPROVAL).count() == 1


def test_approval_needs_the_cells_proposal(persona_tree, members, branch_secretary):
    office = persona_tree.users["grassroots_office"]
    a, b, _c = members
    _sheet(persona_tree.branch, MemberStep.CELL_PROPOSAL, [Entry(a.pk, "80")], branch_secretary)
    with pytest.raises(SheetError) as info:
        _sheet(
            persona_tree.branch,
            MemberStep.APPROVAL,
            [Entry(a.pk, "80"), Entry(b.pk, "75")],
            office,
        )
    assert set(info.value.row_errors) == {b.pk}
    assert "Chưa có bước «Chi bộ đề xuất»" in info.value.row_errors[b.pk]
    assert not MemberGrade.objects.filter(step=MemberStep.APPROVAL).exists()


def test_one_bad_line_refuses_the_whole_sheet(persona_tree, members, branch_secretary):
    a, b, c = members
    with pytest.raises(SheetError) as info:
        _sheet(
            persona_tree.branch,
            MemberStep.CELL_PROPOSAL,
            [Entry(a.pk, "80"), Entry(b.pk, "101"), Entry(c.pk, "tám mươi")],
            branch_secretary,
        )
    errors = info.value.row_errors
    assert set(errors) == {b.pk, c.pk}
    assert "cần từ 0 đến 100" in errors[b.pk]
    assert "không phải là số" in errors[c.pk]
    assert "Không dòng nào được ghi" in info.value.message
    assert not MemberGrade.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="grading.").exists()


def test_a_member_of_another_cell_is_refused(persona_tree, members, branch_secretary):
    stranger = make_member(persona_tree.branch_two)
    with pytest.raises(SheetError) as info:
        _sheet(
            persona_tree.branch,
            MemberStep.CELL_PROPOSAL,
            [Entry(stranger.pk, "80")],
            branch_secretary,
        )
    assert stranger.pk in info.value.row_errors
    assert not MemberGrade.objects.exists()


def test_the_cell_secretary_cannot_approve(persona_tree, members, branch_secretary):
    a = members[0]
    _sheet(persona_tree.branch, MemberStep.CELL_PROPOSAL, [Entry(a.pk, "80")], branch_secretary)
    with pytest.raises(Forbidden):
        _sheet(persona_tree.branch, MemberStep.APPROVAL, [Entry(a.pk, "80")], branch_secretary)
    assert not MemberGrade.objects.filter(step=MemberStep.APPROVAL).exists()


def test_a_quarter_not_yet_started_is_refused(persona_tree, members, branch_secretary):
    with pytest.raises(DomainError) as info:
        _sheet(
            persona_tree.branch,
            MemberStep.CELL_PROPOSAL,
            [Entry(members[0].pk, "80")],
            branch_secretary,
            year=2026,
            quarter=2,
        )
    assert info.value.rule == "grading_period_started"


def test_quarter_and_year_are_separate_periods(persona_tree, members, branch_secretary):
    a = members[0]
    _sheet(
        persona_tree.branch,
        MemberStep.CELL_PROPOSAL,
        [Entry(a.pk, "60")],
        branch_secretary,
        quarter=4,
    )
    _sheet(persona_tree.branch, MemberStep.CELL_PROPOSAL, [Entry(a.pk, "95")], branch_secretary)
    sheet = selectors.get_member_sheet(persona_tree.branch, year=2025, quarter=4)
    row = next(r for r in sheet if r.key == a.pk)
    assert row.score(MemberStep.CELL_PROPOSAL) == Decimal("60.0")
    assert row.steps[MemberStep.CELL_PROPOSAL].grade == Grade.HT


def test_organisation_grades_self_review_and_approval(persona_tree, branch_secretary):
    office = persona_tree.users["grassroots_office"]
    region = persona_tree.users["region_officer"]
    commune = persona_tree.commune_north
    # the cell secretary records the self-review of their own cell only
    services.record_organisation_grades(
        commune,
        year=2025,
        step=OrganisationStep.SELF_REVIEW,
        entries=[Entry(persona_tree.branch.pk, "91")],
        actor=branch_secretary,
        today=TODAY,
    )
    with pytest.raises(Forbidden):
        services.record_organisation_grades(
            commune,
            year=2025,
            step=OrganisationStep.SELF_REVIEW,
            entries=[Entry(persona_tree.branch_two.pk, "91")],
            actor=branch_secretary,
            today=TODAY,
        )
    rows = services.record_organisation_grades(
        commune,
        year=2025,
        step=OrganisationStep.APPROVAL,
        entries=[
            Entry(persona_tree.branch.pk, "91", disciplined=True),
            Entry(persona_tree.branch_two.pk, "49.9"),
        ],
        actor=office,
        today=TODAY,
    )
    assert [r.grade for r in rows] == [Grade.HTT, Grade.KHT]
    # the commune itself is graded by the province above it, not on its own sheet
    with pytest.raises(SheetError):
        services.record_organisation_grades(
            commune,
            year=2025,
            step=OrganisationStep.APPROVAL,
            entries=[Entry(commune.pk, "91")],
            actor=region,
            today=TODAY,
        )
    assert OrganisationGrade.objects.count() == 3
