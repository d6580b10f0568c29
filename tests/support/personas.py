"""The one set of personas every test uses: the persona tree, its users, and the scope matrix.

The tree (codes in brackets)::

    Trung ương [TW]
    ├── Tỉnh ủy miền Bắc [T01]                ← region_officer (org board)
    │   └── Đảng bộ xã Bắc Một [X01]
    │       ├── Chi bộ thôn 1 [CB01]           ← branch_secretary (cell secretary)
    │       └── Chi bộ thôn 2 [CB02]
    └── Tỉnh ủy miền Nam [T02]                 ← outsider (org board of another region)
        └── Đảng bộ xã Nam Một [X02]
            └── Chi bộ thôn 3 [CB03]

``national_admin`` is a system administrator on TW. ``viewer`` reads T01 only.
``grassroots_office`` and ``area_committee`` hold their roles on X01, ``training_centre`` on T01.

``PERSONAS`` (all nine) is what the permission matrix walks (``tests/support/matrix.py``);
``SCOPE_PERSONAS`` is the subset a per-app scope-matrix test covers: one persona per reach
(nobody, everything, a region, one cell, read-only, the sibling region).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

PERSONAS = (
    "anonymous",
    "national_admin",  # system administrator on TW (whole tree)
    "region_officer",  # org board on T01
    "grassroots_office",  # grassroots party office on X01 (under T01)
    "branch_secretary",  # cell secretary on CB01 (under X01)
    "training_centre",  # political training centre on T01
    "area_committee",  # committee member in charge of X01
    "viewer",  # viewer on T01
    "outsider",  # org board on T02: the sibling subtree
)

SCOPE_PERSONAS = (
    "anonymous",
    "national_admin",
    "region_officer",
    "branch_secretary",
    "viewer",
    "outsider",
)


@dataclass
class PersonaTree:
    root: Any
    region_north: Any
    commune_north: Any
    branch: Any
    branch_two: Any
    region_south: Any
    commune_south: Any
    branch_south: Any
    users: dict[str, Any] = field(default_factory=dict)


def ensure_reference_data() -> None:
    """Reload the rows data migrations load (reference tables, rule sets) when a transactional
    test (browser tests, thread tests) flushed them: Django's flush empties every table."""
    import importlib

    from django.apps import apps

    from dangvien.people.models import EthnicGroup

    if EthnicGroup.objects.exists():
        return
    for app in ("people", "rules", "grading", "screening", "badges"):
        folder = Path(importlib.import_module(f"dangvien.{app}.migrations").__path__[0])
        # every data migration of these apps, in order (``NNNN_fill_<what>.py``)
        for path in sorted(folder.glob("[0-9][0-9][0-9][0-9]_fill_*.py")):
            importlib.import_module(f"dangvien.{app}.migrations.{path.stem}").fill(apps, None)


def build_persona_tree() -> PersonaTree:
    from dangvien.accounts.choices import Role
    from dangvien.accounts.models import RoleAssignment, User
    from dangvien.organisations.choices import AreaKind
    from dangvien.organisations.choices import OrganisationKind as K
    from dangvien.organisations.tests.factories import make_organisation

    ensure_reference_data()
    root = make_organisation(
        None, code="TW", name="Trung ương", kind=K.CENTRAL, area_kind=AreaKind.OTHER
    )
    north = make_organisation(
        root, code="T01", name="Tỉnh ủy miền Bắc", kind=K.PROVINCE, area_kind=AreaKind.OTHER
    )
    commune_n = make_organisation(
        north,
        code="X01",
        name="Đảng bộ xã Bắc Một",
        kind=K.COMMUNE,
        area_kind=AreaKind.RURAL_COMMUNE,
        disadvantaged_area=True,
    )
    branch = make_organisation(
        commune_n, code="CB01", name="Chi bộ thôn 1", kind=K.CELL, area_kind=AreaKind.VILLAGE
    )
    branch_two = make_organisation(
        commune_n, code="CB02", name="Chi bộ thôn 2", kind=K.CELL, area_kind=AreaKind.VILLAGE
    )
    south = make_organisation(
        root, code="T02", name="Tỉnh ủy miền Nam", kind=K.PROVINCE, area_kind=AreaKind.OTHER
    )
    commune_s = make_organisation(
        south,
        code="X02",
        name="Đảng bộ xã Nam Một",
        kind=K.COMMUNE,
        area_kind=AreaKind.RURAL_COMMUNE,
    )
    branch_s = make_organisation(
        commune_s, code="CB03", name="Chi bộ thôn 3", kind=K.CELL, area_kind=AreaKind.VILLAGE
    )
    tree = PersonaTree(root, north, commune_n, branch, branch_two, south, commune_s, branch_s)
    grants = {
        "national_admin": (Role.SYSTEM_ADMIN, root),
        "region_officer": (Role.ORG_BOARD, north),
        "branch_secretary": (Role.CELL_SECRETARY, branch),
        "viewer": (Role.VIEWER, north),
        "outsider": (Role.ORG_BOARD, south),
        "grassroots_office": (Role.GRASSROOTS_OFFICE, commune_n),
        "training_centre": (Role.TRAINING_CENTRE, north),
        "area_committee": (Role.AREA_COMMITTEE, commune_n),
    }
    for name, (role, organisation) in grants.items():
        user = User.objects.create_user(
            username=name, password="mat-khau-thu-nghiem-1", full_name=name
        )
        RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
        tree.users[name] = user
    return tree


def scope_matrix(expected: dict[str, Any]) -> Any:
    """Parametrize a test over ``SCOPE_PERSONAS``; ``expected`` must name each exactly once.

    >>> @scope_matrix({"anonymous": 302, "national_admin": 200, ..., "outsider": 404})
    ... def test_detail(persona, expected, client_for, persona_tree): ...
    """
    missing = set(SCOPE_PERSONAS) - set(expected)
    extra = set(expected) - set(SCOPE_PERSONAS)
    if missing or extra:
        raise ValueError(f"scope_matrix must cover every persona; missing={missing} extra={extra}")
    return pytest.mark.parametrize(
        ("persona", "expected"), [(p, expected[p]) for p in SCOPE_PERSONAS]
    )
