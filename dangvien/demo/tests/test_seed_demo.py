"""seed_demo: deterministic, idempotent, one account per role."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dangvien.accounts.choices import Role
from dangvien.accounts.models import RoleAssignment, User
from dangvien.audit.models import AuditEvent
from dangvien.demo.context import BEFORE_2025, DEMO_ACCOUNTS, DemoContext, app_seeders
from dangvien.members.models import Membership
from dangvien.organisations.models import Organisation
from dangvien.people.models import Person

pytestmark = pytest.mark.django_db(transaction=False)


def _counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "members": Membership.objects.count(),
        "users": User.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_seed_demo_twice_does_not_duplicate_and_creates_every_role():
    first = io.StringIO()
    call_command("seed_demo", "--small", stdout=first)
    after_first = _counts()

    second = io.StringIO()
    call_command("seed_demo", "--small", stdout=second)

    assert _counts() == after_first
    assert "Dữ liệu mẫu đã có" in second.getvalue()
    assert {a.role for a in RoleAssignment.objects.all()} == set(Role.values)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert account.password in second.getvalue()
    assert Organisation.find_problems() == ([], [], [], [], [])
    secretary_cell = RoleAssignment.objects.get(role=Role.CELL_SECRETARY).organisation
    assert secretary_cell.name == "Chi bộ bản Co Kham"
    assert Membership.objects.filter(organisation=secretary_cell).exists()
    assert AuditEvent.objects.filter(action="core.demo.seeded").count() == 1


def test_people_have_vietnamese_names_and_citizen_ids_are_unique():
    call_command("seed_demo", "--small", stdout=io.StringIO())

    names = list(Person.objects.values_list("full_name", flat=True))
    assert all(len(name.split()) >= 3 for name in names)
    ids = [i for i in Person.objects.values_list("citizen_id", flat=True) if i]
    assert len(ids) == len(set(ids))
    assert all(len(i) == 12 and i.isdigit() for i in ids)


def test_app_seeders_run_the_domain_builders_in_layer_order():
    seeders = [name for name, _seed in app_seeders()]
    # the base data (tree, accounts, people) is built by the command itself, before these
    # the history before 1/7/2025 first (old tree), then the plan, then the rest (new tree)
    assert seeders == [
        "history",
        "targets",
        "admissions",
        "members",
        "grading",
        "screening",
        "badges",
    ]
    assert BEFORE_2025 == ("history",)
    assert all(callable(seed) for _name, seed in app_seeders())
    assert DemoContext().rng.random() == DemoContext().rng.random()


def test_readme_lists_the_demo_logins():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    for account in DEMO_ACCOUNTS:
        assert f"`{account.username}` | `{account.password}`" in readme
