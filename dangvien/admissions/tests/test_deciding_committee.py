"""Authority as data (issue 11, item 5): who decides an admission or a recognition is the
committee of a kind the rule set in force names (``superior_committee_kinds``): the district
before 1/7/2025, the commune-level committee from then on (294-QĐ/TW). A dossier opened in 2024
under the district and decided after 1/7/2025 is decided, and reported, by the commune
committee; the district's board may no longer decide it, the commune's board may."""

import datetime as dt

import pytest
import time_machine

from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment, User
from dangvien.admissions import selectors, services
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import Step
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.core.errors import Forbidden
from dangvien.members import selectors as member_selectors
from dangvien.organisations.choices import AreaKind
from dangvien.organisations.choices import OrganisationKind as K
from dangvien.organisations.tests.factories import make_organisation
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = pytest.mark.django_db
REFORM = D(2025, 7, 1)


@pytest.fixture
def trees(db):
    """The old tree and the new one, as the factories build them: the province; under it the
    district (ended 30/06/2025); under that the commune-level committee holding the cell (a
    commune committee from 01/07/2025); and a second commune founded on 01/07/2025 directly
    under the province with its own cell (today's two-level shape)."""
    from tests.support.personas import ensure_reference_data

    ensure_reference_data()
    province = make_organisation(None, code="P1", name="Tỉnh ủy Thử", kind=K.PROVINCE)
    district = make_organisation(
        province,
        code="H1",
        name="Huyện ủy Cũ",
        kind=K.DISTRICT,
        valid_to=D(2025, 6, 30),
    )
    commune = make_organisation(
        district,
        code="X1",
        name="Đảng ủy xã Mới",
        kind=K.COMMUNE,
        valid_from=REFORM,
    )
    cell = make_organisation(
        commune, code="C1", name="Chi bộ thôn Một", kind=K.CELL, area_kind=AreaKind.VILLAGE
    )
    new_commune = make_organisation(
        province, code="X2", name="Đảng ủy phường Hai", kind=K.COMMUNE, valid_from=REFORM
    )
    new_cell = make_organisation(new_commune, code="C2", name="Chi bộ tổ dân phố Hai")

    def board(code, organisation):
        user = User.objects.create_user(username=code, password="mot-mat-khau-rat-dai-2026")
        RoleAssignment.objects.create(user=user, role=Role.ORG_BOARD, organisation=organisation)
        return user

    admin = User.objects.create_superuser(username="quantri", password="x-rat-dai-2026-abc")
    return {
        "province": province,
        "district": district,
        "commune": commune,
        "cell": cell,
        "new_commune": new_commune,
        "new_cell": new_cell,
        "district_board": board("bantochuc_huyen", district),
        "commune_board": board("bantochuc_xa", commune),
        "admin": admin,
    }


def test_the_deciding_committee_follows_the_rule_set_of_the_date(trees):
    cell, new_cell = trees["cell"], trees["new_cell"]
    assert selectors.deciding_committee(cell, on=D(2024, 11, 4)) == trees["district"]
    assert selectors.deciding_committee(cell, on=D(2025, 6, 30)) == trees["district"]
    assert selectors.deciding_committee(cell, on=D(2025, 7, 1)) == trees["commune"]
    assert selectors.deciding_committee(cell, on=D(2026, 3, 2)) == trees["commune"]
    # the commune founded on 1/7/2025 decides from that day; before it there is none to name
    assert selectors.deciding_committee(new_cell, on=D(2026, 3, 2)) == trees["new_commune"]
    assert selectors.deciding_committee(new_cell, on=D(2025, 6, 1)) is None
    # the worklists' acting levels follow, set-based (one query for all the cells)
    acting = member_selectors.acting_organisations({cell, new_cell}, on=D(2025, 6, 1))
    assert acting[cell.pk]["superior"] == trees["district"]
    acting = member_selectors.acting_organisations({cell, new_cell}, on=D(2026, 3, 2))
    assert acting[cell.pk]["superior"] == trees["commune"]
    assert acting[new_cell.pk]["superior"] == trees["new_commune"]


@time_machine.travel(dt.datetime(2025, 8, 25, 9, 0), tick=False)
def test_a_2024_dossier_is_decided_by_the_commune_committee_after_the_reform(trees):
    cell, admin = trees["cell"], trees["admin"]
    person = PersonFactory(organisation=cell, date_of_birth=D(1998, 3, 15))
    dossier = services.open_dossier(
        person=person, organisation=cell, date=D(2024, 11, 4), actor=admin
    )
    dossier = walk(
        dossier,
        to=Stage.GRASSROOTS_VOTE,
        actor=admin,
        start=D(2025, 6, 2),
        introducers=make_officials(cell, 3)[:2],
        certificate=make_certificate(person, cell, D(2024, 10, 20)),
    )
    # the district board could decide in June; after 1/7/2025 the district decides nothing
    services.check_step_authority(trees["district_board"], Stage.DECISION, cell, on=D(2025, 6, 20))
    with pytest.raises(Forbidden, match="Đảng ủy xã Mới"):
        services.check_step_authority(
            trees["district_board"], Stage.DECISION, cell, on=D(2025, 8, 20)
        )
    with pytest.raises(Forbidden, match="Huyện ủy Cũ"):
        services.check_step_authority(
            trees["commune_board"], Stage.DECISION, cell, on=D(2025, 6, 20)
        )
    # the waiting worklist names the commune committee as the one to decide, today
    waiting = selectors.list_dossier_next_actions(trees["commune_board"], D(2025, 8, 25))
    item = next(item for item, _due in waiting if item.subject == str(person))
    assert item.organisation == trees["commune"]
    with pytest.raises(Forbidden):
        services.record_step(
            dossier,
            stage=Stage.DECISION,
            date=D(2025, 8, 20),
            document_number="15-QĐ/ĐU",
            received_on=D(2025, 8, 22),
            actor=trees["district_board"],
        )
    step = services.record_step(
        dossier,
        stage=Stage.DECISION,
        date=D(2025, 8, 20),
        document_number="15-QĐ/ĐU",
        received_on=D(2025, 8, 22),
        actor=trees["commune_board"],
    )
    assert step.details["decided_by"]["code"] == "X1"
    assert Step.objects.get(pk=step.pk).details["decided_by"]["name"] == "Đảng ủy xã Mới"
