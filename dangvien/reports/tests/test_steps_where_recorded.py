"""A dossier handed over by a reorganisation: its steps count where they were recorded
(issue 11, item 3: facts stay attached to where and when they happened).

Communes X01 and X05 merge into Đảng bộ xã Mới (XM) on 1/7/2025 and their cells CB01 and
CB05 into the new Chi bộ thôn Mới (CBN) under it. An open dossier of CB01, voted by the cell
in May 2025, is decided in August 2025 by CBN's committee: on the tree of 30/06/2025 the May
vote counts under X01; on today's tree under XM; the August decision under XM (its cell CBN).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dangvien.admissions import services as admissions
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Step
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.organisations import reorganisation as reorg
from dangvien.organisations.choices import AreaKind
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.models import Organisation
from dangvien.organisations.reorganisation import OrganisationSpec
from dangvien.organisations.tests.factories import make_organisation
from dangvien.people.tests.factories import PersonFactory
from dangvien.reports.drilldown import get_drilldown
from dangvien.reports.periods import Period
from dangvien.reports.selectors import get_admission_report

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)
JUNE_30 = dt.date(2025, 6, 30)
JULY_1 = dt.date(2025, 7, 1)
YEAR_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
HALF_2025 = Period(dt.date(2025, 1, 1), JUNE_30)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _reached(organisation, period, *, structure):
    report = get_admission_report(organisation=organisation, period=period, structure=structure)
    return {row["stage"]: row["reached_in_period"] for row in report.pipeline["stages"]}


def _all_steps(organisation, period, *, structure):
    return sum(_reached(organisation, period, structure=structure).values())


def test_a_handed_over_dossier_keeps_its_steps_where_they_were_recorded(
    persona_tree, national_admin, client_for
):
    tree = persona_tree
    province, cell = tree.region_north, tree.branch
    other = make_organisation(
        province,
        code="X05",
        name="Đảng bộ xã Bắc Năm",
        kind=K.COMMUNE,
        area_kind=AreaKind.RURAL_COMMUNE,
    )
    Organisation.objects.filter(pk=other.pk).update(valid_from=dt.date(2010, 1, 1))
    other_cell = make_organisation(
        other, code="CB05", name="Chi bộ thôn 5", kind=K.CELL, area_kind=AreaKind.VILLAGE
    )
    introducers = make_officials(cell, 3)
    person = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))
    opened = dt.date(2025, 4, 1)
    dossier = admissions.open_dossier(
        person=person, organisation=cell, date=opened, actor=national_admin
    )
    certificate = make_certificate(person, cell, dt.date(2025, 4, 20))
    walk(
        dossier,
        to=Stage.CELL_VOTE,
        actor=national_admin,
        start=dt.date(2025, 5, 20),
        introducers=introducers[:2],
        certificate=certificate,
    )
    vote = Step.objects.get(dossier=dossier, stage=Stage.CELL_VOTE)
    assert vote.date.month == 5 and vote.organisation_id == cell.pk
    half_before = _all_steps(province, HALF_2025, structure=None)
    assert half_before == Step.objects.count() == 7

    commune = reorg.merge(
        [tree.commune_north, other],
        into=OrganisationSpec(code="XM", name="Đảng bộ xã Mới", kind=K.COMMUNE, parent=province),
        effective_date=JULY_1,
        decision_number="1234-QĐ/TU",
        actor=national_admin,
    ).targets.get()
    reorg.merge(
        [Organisation.objects.get(pk=cell.pk), Organisation.objects.get(pk=other_cell.pk)],
        into=OrganisationSpec(code="CBN", name="Chi bộ thôn Mới", kind=K.CELL, parent=commune),
        effective_date=JULY_1,
        decision_number="1235-QĐ/TU",
        actor=national_admin,
    )
    new_cell = Organisation.objects.get(code="CBN")
    dossier.refresh_from_db()
    assert dossier.organisation == new_cell
    walk(dossier, to=Stage.DECISION, actor=national_admin, start=dt.date(2025, 8, 4))
    decision = Step.objects.get(dossier=dossier, stage=Stage.DECISION)
    assert decision.date.month == 8 and decision.organisation_id == new_cell.pk
    # the dossier's page says where the earlier steps were recorded
    from dangvien.admissions.selectors import get_timeline

    where = {
        entry["item"].stage: entry["item"].organisation.name
        for entry in get_timeline(dossier)
        if entry["kind"] == "step"
    }
    assert (where[Stage.CELL_VOTE], where[Stage.DECISION]) == ("Chi bộ thôn 1", "Chi bộ thôn Mới")
    page = client_for("national_admin").get(reverse("admissions:dossier-detail", args=[dossier.pk]))
    assert page.status_code == 200
    assert "Ghi tại: Chi bộ thôn 1 (trước khi hồ sơ được bàn giao)" in page.content.decode()
    # the steps before the handover stay at CB01
    assert set(
        Step.objects.filter(dossier=dossier, date__lt=JULY_1).values_list(
            "organisation_id", flat=True
        )
    ) == {cell.pk}

    old_commune = Organisation.objects.get(pk=tree.commune_north.pk)
    # the tree of 30/06/2025: the May vote under the old commune, nothing under the new one
    assert _reached(old_commune, YEAR_2025, structure=JUNE_30)[Stage.CELL_VOTE] == 1
    assert _all_steps(old_commune, YEAR_2025, structure=JUNE_30) == 7
    assert _all_steps(commune, YEAR_2025, structure=JUNE_30) == 0
    # today's tree: CB01 sits under XM, so the vote and the decision count there
    today = _reached(commune, YEAR_2025, structure=None)
    assert today[Stage.CELL_VOTE] == 1 and today[Stage.DECISION] == 1
    assert _reached(old_commune, YEAR_2025, structure=None)[Stage.CELL_VOTE] == 0
    # totals: the first half is the same before and after the reorganisation, on both trees
    assert _all_steps(province, HALF_2025, structure=None) == half_before
    assert _all_steps(province, HALF_2025, structure=JUNE_30) == half_before
    assert _all_steps(province, YEAR_2025, structure=None) == Step.objects.count()
    # the drill-down names the cell where each step was recorded
    vote_rows = get_drilldown(commune, YEAR_2025, f"reached:{Stage.CELL_VOTE}", structure=None).rows
    assert [row["cell"] for row in vote_rows] == ["Chi bộ thôn 1 — Đảng bộ xã Mới"]
    decision_rows = get_drilldown(
        commune, YEAR_2025, f"reached:{Stage.DECISION}", structure=None
    ).rows
    assert [row["cell"] for row in decision_rows] == ["Chi bộ thôn Mới — Đảng bộ xã Mới"]
    # on the tree of 30/06/2025 the May vote is the old commune's, named with its parent then
    old_rows = get_drilldown(
        old_commune, YEAR_2025, f"reached:{Stage.CELL_VOTE}", structure=JUNE_30
    ).rows
    assert len(old_rows) == 1 and old_rows[0]["cell"].startswith("Chi bộ thôn 1 — ")


def test_the_migration_puts_the_steps_before_a_handover_back_at_the_cell_that_handed_over(
    persona_tree, national_admin
):
    import importlib

    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    migration = importlib.import_module("dangvien.admissions.migrations.0007_step_organisation")
    cell = persona_tree.branch
    person = PersonFactory(organisation=cell, date_of_birth=dt.date(1998, 3, 15))
    dossier = admissions.open_dossier(
        person=person, organisation=cell, date=dt.date(2025, 2, 3), actor=national_admin
    )
    reorg.merge(
        [cell, persona_tree.branch_two],
        into=OrganisationSpec(code="CBN", name="Chi bộ thôn Mới", kind=K.CELL),
        effective_date=JULY_1,
        decision_number="1235-QĐ/TU",
        actor=national_admin,
    )
    dossier.refresh_from_db()
    walk(
        dossier,
        to=Stage.CLASS,
        actor=national_admin,
        start=dt.date(2025, 7, 10),
        certificate=make_certificate(person, dossier.organisation, dt.date(2025, 7, 8)),
    )
    expected = dict(Step.history.values_list("stage", "organisation_id"))
    assert expected == {Stage.OUTSTANDING: cell.pk, Stage.CLASS: dossier.organisation_id}
    # before the column: every step read as the dossier's current cell
    Step.history.update(organisation_id=dossier.organisation_id)
    # the models as the migration sees them (plain managers, the column still nullable)
    state = MigrationLoader(connection).project_state(("admissions", "0007_step_organisation"))
    migration.backfill(state.apps, None)
    assert dict(Step.history.values_list("stage", "organisation_id")) == expected
