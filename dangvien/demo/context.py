"""Demo data: the context every domain builder receives, and the driver that builds it.

``manage.py seed_demo`` builds the base data (the organisation tree, people, members and one
account per role), then calls the ``seed(ctx)`` of each module listed in ``SEEDERS``
(``dangvien/demo/<app>.py``), in layer order. Production code never imports this app.

Rules for a builder's ``seed(ctx)``:

- deterministic: draw every random choice from ``ctx.rng`` (never ``random`` itself, never
  ``date.today()``: use ``ctx.today``);
- fast: the whole ``make run`` seeding stays under about a minute on two cores, so prefer
  ``bulk_create`` for thousands of rows (and write one audit event saying so) and services for
  the handful of rows whose events matter;
- it runs once: the driver skips everything when the demo province already exists.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEMO_SEED = 20251
DEMO_TODAY = dt.date(2026, 11, 20)
PROVINCE_CODE = "DB"


@dataclass
class DemoContext:
    """What the base demo data built, handed to every app's ``demo.seed(ctx)``.

    ``organisations`` maps codes to nodes (the province is ``ctx.organisations["DB"]``);
    ``cells`` lists every cell (village cells first, then the bloc's); ``people`` everyone,
    members or not; ``members`` the memberships; ``users`` the demo accounts by username.
    """

    rng: random.Random = field(default_factory=lambda: random.Random(DEMO_SEED))
    actor: Any = None
    today: dt.date = DEMO_TODAY
    organisations: dict[str, Any] = field(default_factory=dict)
    cells: list[Any] = field(default_factory=list)
    people: list[Any] = field(default_factory=list)
    members: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    small: bool = False
    before_2025: bool = False  # seed_demo --before-2025: the tree before 1/7/2025 kept
    passwords: dict[str, str] = field(default_factory=dict)
    log: Callable[[str], None] = print

    @property
    def province(self) -> Any:
        return self.organisations[PROVINCE_CODE]


SEEDERS = ("history", "targets", "admissions", "members", "grading", "screening", "badges")
"""The demo builders run after the base data, in this order (each is ``dangvien.demo.<name>``)."""

BEFORE_2025 = ("history",)
"""The builders of the history before 1/7/2025 (seed 000's 2015–2016, seed 001's 2021, seed
004's 2023): they run on the old tree, then ``seed_demo`` applies the plan of 1/7/2025
(``organisations.reorganise_2025``) and the others build the facts of 2025–2026 on the new
tree. With ``seed_demo --before-2025`` the plan is not applied."""


def app_seeders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """``(name, seed)`` for each builder of ``SEEDERS``, in order."""
    return [(name, importlib.import_module(f"dangvien.demo.{name}").seed) for name in SEEDERS]


def is_seeded() -> bool:
    from dangvien.organisations.models import Organisation

    return Organisation.objects.filter(code=PROVINCE_CODE).exists()


# --- demo accounts: one per role, on sensible nodes -------------------------------------------

ADMIN_USERNAME = "quantri"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    organisation_code: str
    password: str


# Long passphrases, fixed so the printed table stays true on every run (demo only).
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        ADMIN_USERNAME, "Lò Văn Quản", "system_admin", "DB", "quan-tri-he-thong-dien-bien-2026"
    ),
    DemoAccount("bantochuc", "Trần Huy Mạnh", "org_board", "DB", "ban-to-chuc-tinh-uy-hoa-ban-no"),
    DemoAccount(
        "vanphong", "Lường Thị Hoa", "grassroots_office", "DBD-ML", "van-phong-dang-uy-muong-luan"
    ),
    DemoAccount(
        "bithu", "Quàng Văn Pánh", "cell_secretary", "DBD-ML-01", "bi-thu-chi-bo-ban-co-kham"
    ),
    DemoAccount(
        "trungtam", "Vì Thị Thu", "training_centre", "DBD", "trung-tam-chinh-tri-huyen-dbd"
    ),
    DemoAccount("capuy", "Giàng A Sử", "area_committee", "DBD-PN", "cap-uy-phu-trach-xa-pu-nhi"),
    DemoAccount("nguoixem", "Phạm Thị Lan", "viewer", "DB", "nguoi-xem-bao-cao-tinh-dien-bien"),
)


def create_admin(ctx: DemoContext) -> Any:
    """The system administrator, created first: it is the actor of every seeded event."""
    from dangvien.accounts.models import User

    account = DEMO_ACCOUNTS[0]
    user = User(username=account.username, full_name=account.full_name)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(account.password)
    user.save()
    ctx.actor = user
    ctx.users[user.username] = user
    return user


def create_role_accounts(ctx: DemoContext) -> None:
    """One account per role, each assigned on its node (needs the tree built)."""
    from dangvien.accounts.models import User
    from dangvien.accounts.services import assign_role

    for account in DEMO_ACCOUNTS:
        user = ctx.users.get(account.username)
        if user is None:
            user = User(username=account.username, full_name=account.full_name)
            user.set_password(account.password)
            user.save()
            ctx.users[user.username] = user
        ctx.passwords[account.username] = account.password
        assign_role(
            user,
            role=account.role,
            organisation=ctx.organisations[account.organisation_code],
            actor=ctx.actor,
        )


def print_logins(out: Any) -> None:
    """A table of the demo logins, read back from the database."""
    from dangvien.accounts.choices import Role
    from dangvien.accounts.models import RoleAssignment

    assignments = {
        (a.user.username, a.role): a.organisation.name
        for a in RoleAssignment.objects.select_related("user", "organisation").filter(
            user__username__in=[account.username for account in DEMO_ACCOUNTS],
            ended_at__isnull=True,
        )
    }
    rows = [
        (
            account.username,
            account.password,
            str(Role(account.role).label),
            assignments.get((account.username, account.role), "—"),
        )
        for account in DEMO_ACCOUNTS
        if (account.username, account.role) in assignments
    ]
    if not rows:
        return
    headers = ("Tài khoản", "Mật khẩu", "Vai trò", "Phạm vi")
    widths = [max(len(str(row[i])) for row in (headers, *rows)) for i in range(4)]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    out.write("\nTài khoản mẫu (mật khẩu chỉ dùng cho bản trình diễn):")
    out.write(line)
    for row in (headers, *rows):
        cells = " | ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True))
        out.write(f"| {cells} |")
        if row is headers:
            out.write(line)
    out.write(line)
