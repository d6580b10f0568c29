"""Two saves of the same step at the same moment leave one row (history stays linear)."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from dangvien.core.errors import DomainError
from dangvien.grading import services
from dangvien.grading.bands import bands_from
from dangvien.grading.choices import MemberStep
from dangvien.grading.models import MemberGrade
from dangvien.grading.services import Entry
from dangvien.members.tests.factories import make_member
from dangvien.rules.selectors import get_rule_set

TODAY = dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_the_constraints_allow_one_first_row_and_one_correction_per_row(persona_tree):
    member = make_member(persona_tree.branch)
    actor = persona_tree.users["branch_secretary"]
    rule_set = bands_from(get_rule_set(on=dt.date(2025, 12, 31))).rule_set
    fields = {
        "membership": member,
        "organisation": persona_tree.branch,
        "year": 2025,
        "step": MemberStep.CELL_PROPOSAL,
        "score": 80,
        "grade": "htt",
        "rule_set": rule_set,
        "actor": actor,
    }
    first = MemberGrade.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberGrade.objects.create(**fields)  # a second first row
    MemberGrade.objects.create(**fields, supersedes=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberGrade.objects.create(**fields, supersedes=first)  # a second correction of it
    assert MemberGrade.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_leave_one_row(persona_tree):
    if connection.vendor == "sqlite":
        pytest.skip("real concurrency is tested on PostgreSQL (shared-cache SQLite locks)")
    member = make_member(persona_tree.branch)
    actor = persona_tree.users["branch_secretary"]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(score: str) -> None:
        try:
            barrier.wait()
            services.record_member_grades(
                persona_tree.branch,
                year=2025,
                step=MemberStep.CELL_PROPOSAL,
                entries=[Entry(member.pk, score)],
                actor=actor,
                today=TODAY,
            )
            outcomes.append("saved")
        except DomainError as exc:
            outcomes.append(exc.rule)
        except Exception as exc:  # a lock timeout would show here
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(score,)) for score in ("80", "81")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    rows = list(MemberGrade.objects.filter(membership=member).order_by("pk"))
    if sorted(outcomes) == ["grading_concurrent", "saved"]:  # the two saves overlapped
        assert len(rows) == 1
    else:
        # on a loaded machine the second thread may only start after the first committed:
        # then it is an ordinary correction of the first row, never a second first row
        assert outcomes == ["saved", "saved"], outcomes
        assert len(rows) == 2 and rows[1].supersedes_id == rows[0].pk
