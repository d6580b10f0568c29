"""The numbers typed on the admission path have the bounds of their meaning (issue 14): the
months an introducer spent with the candidate, the size of the committee that votes, and the
absurd values that used to overflow the database (99999999999999999999999)."""

import datetime as dt

import pytest

from dangvien.admissions import services
from dangvien.admissions.choices import Stage
from dangvien.admissions.models import FailedVote, Participant, Step
from dangvien.admissions.tests.factories import make_certificate, make_officials, walk
from dangvien.core.errors import DomainError
from dangvien.people.tests.factories import PersonFactory

D = dt.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


BORN = D(1998, 3, 15)


def dossier_at(cell, admin, stage, *, born=BORN):
    person = PersonFactory(organisation=cell, date_of_birth=born)
    dossier = services.open_dossier(
        person=person, organisation=cell, date=D(2026, 1, 5), actor=admin
    )
    certificate = make_certificate(person, cell, D(2026, 1, 10))
    return walk(
        dossier,
        to=stage,
        actor=admin,
        start=D(2026, 1, 12),
        introducers=make_officials(cell, 2),
        certificate=certificate,
    )


def introduce(dossier, admin, introducers, months):
    return services.record_step(
        dossier,
        stage=Stage.INTRODUCTION,
        date=D(2026, 2, 2),
        actor=admin,
        introducers=[
            {"person": person, "months_together": m}
            for person, m in zip(introducers, months, strict=True)
        ],
    )


def test_months_together_cannot_exceed_the_time_since_the_candidate_was_16(cell, admin):
    # born 15/3/2008: 16 on 15/3/2024, so 22 full months on 2/2/2026
    dossier = dossier_at(cell, admin, Stage.VERIFICATION, born=D(2008, 3, 15))
    first, second = make_officials(cell, 2)
    with pytest.raises(DomainError) as err:
        introduce(dossier, admin, [first, second], [300, 12])
    assert err.value.rule == "introducer_together_from_age_months"
    assert err.value.found == "300 tháng"
    assert err.value.required == "≤ 22 tháng"
    assert "đủ 16 tuổi đến ngày 02/02/2026 (22 tháng)" in err.value.message
    assert not Participant.objects.filter(dossier=dossier).exists()
    assert isinstance(introduce(dossier, admin, [first, second], [22, 12]), Step)


def test_months_together_cannot_exceed_the_time_since_the_introducer_was_16(cell, admin):
    dossier = dossier_at(cell, admin, Stage.VERIFICATION)
    young, other = make_officials(cell, 2)
    young.date_of_birth = D(2007, 1, 2)  # 16 on 2/1/2023: 37 full months on 2/2/2026
    young.save(update_fields=["date_of_birth"])
    with pytest.raises(DomainError) as err:
        introduce(dossier, admin, [young, other], [38, 12])
    assert err.value.required == "≤ 37 tháng"
    assert f"khi {young} đủ 16 tuổi" in err.value.message
    assert isinstance(introduce(dossier, admin, [young, other], [37, 12]), Step)


def test_the_committee_that_votes_has_at_most_the_rule_sets_members(cell, admin):
    dossier = dossier_at(cell, admin, Stage.CELL_VOTE)

    def vote(eligible, votes_for):
        return services.record_step(
            dossier,
            stage=Stage.GRASSROOTS_VOTE,
            date=D(2026, 3, 2),
            actor=admin,
            votes_eligible=eligible,
            votes_for=votes_for,
            votes_against=0,
        )

    for absurd in (99_999, 99999999999999999999999):
        with pytest.raises(DomainError) as err:
            vote(absurd, 1)
        assert err.value.rule == "committee_max_members"
        assert err.value.required == "≤ 55"
        assert err.value.field == "votes_eligible"
    assert not FailedVote.objects.filter(dossier=dossier).exists()
    assert isinstance(vote(55, 40), Step)


def test_the_step_form_refuses_an_overflowing_number_in_vietnamese(client_for, persona_tree):
    admin = persona_tree.users["national_admin"]
    dossier = dossier_at(persona_tree.branch, admin, Stage.CELL_VOTE)
    response = client_for("national_admin").post(
        f"/admissions/{dossier.pk}/step/",
        {
            "stage": Stage.GRASSROOTS_VOTE,
            "date": "02/03/2026",
            "votes_eligible": "99999999999999999999999",
            "votes_for": "8",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Giá trị phải nhỏ hơn hoặc bằng 10000." in response.content.decode()
    assert not FailedVote.objects.filter(dossier=dossier).exists()
