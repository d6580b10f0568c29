"""Who may do what: one table of actions per role, checked against role-assignment subtrees.

Actions are ``<noun>.<verb>`` strings. ``view`` actions are implied for every role that holds
an assignment (scope alone decides reading); the table lists what each role may change.
Later capabilities add their actions here and nowhere else.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from dangvien.accounts.choices import Role
from dangvien.core.errors import Forbidden

READ_ACTIONS = frozenset(
    {
        "organisation.view",
        "person.view",
        "dossier.view",
        "member.view",
        "training.view",
        "target.view",
        "grading.view",
        "report.view",
        "audit.view",
    }
)

ALL_WRITE_ACTIONS = frozenset(
    {
        "organisation.change",
        # merge, split, move, rename, dissolve, reorganisation plans (issue 11)
        "organisation.reorganise",
        "person.change",
        "person.reveal_sensitive",
        "dossier.change",
        "dossier.committee",
        "dossier.decide",
        "member.change",
        "member.committee",
        "member.decide",
        "training.change",
        "training.propose",
        "target.change",
        "grading.change",
        "grading.approve",
        "import.run",
        "export.run",
        "rules.change",
        "calendar.change",
        "user.unlock",
        "user.manage",
    }
)

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: READ_ACTIONS | ALL_WRITE_ACTIONS,
    Role.ORG_BOARD: READ_ACTIONS
    | {
        "organisation.change",
        "organisation.reorganise",
        "person.change",
        "person.reveal_sensitive",
        "dossier.change",
        "dossier.committee",
        "dossier.decide",
        "member.change",
        "member.committee",
        "member.decide",
        "training.change",
        "training.propose",
        "target.change",
        "grading.change",
        "grading.approve",
        "import.run",
        "export.run",
        "user.manage",
    },
    Role.GRASSROOTS_OFFICE: READ_ACTIONS
    | {
        "person.change",
        "person.reveal_sensitive",
        "dossier.change",
        "dossier.committee",
        "member.change",
        "member.committee",
        "training.change",
        "training.propose",
        "grading.change",
        "grading.approve",
        "import.run",
        "export.run",
    },
    Role.CELL_SECRETARY: READ_ACTIONS
    | {
        "person.change",
        "dossier.change",
        "member.change",
        "training.propose",
        "grading.change",
        "import.run",
        "export.run",
    },
    Role.TRAINING_CENTRE: READ_ACTIONS | {"training.change", "person.change", "export.run"},
    Role.AREA_COMMITTEE: READ_ACTIONS | {"export.run"},
    Role.VIEWER: READ_ACTIONS,
}


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())


def grantable_roles(role: str) -> frozenset[str]:
    """The roles a holder of ``role`` may give (and end) on its subtree: those that allow
    nothing ``role`` does not (no one grants a role above their own). Empty unless ``role``
    holds ``user.manage``."""
    if not role_allows(role, "user.manage"):
        return frozenset()
    mine = ROLE_ACTIONS.get(role, frozenset())
    return frozenset(other for other in Role if ROLE_ACTIONS[other] <= mine)


def can_grant(user: Any, role: str, organisation: Any) -> bool:
    """True when one of the user's assignments covers ``organisation`` and may grant ``role``
    there (``grantable_roles``). Superusers may grant every role everywhere."""
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    if user.is_superuser:
        return True
    from dangvien.accounts.scope import assignments

    return any(
        organisation.path.startswith(path) and role in grantable_roles(own)
        for own, path in assignments(user)
    )


def roles_allowed(action: str) -> list[str]:
    """The roles whose table holds ``action``, in the order of ``Role`` (for refusals)."""
    return [role for role in Role if role_allows(role, action)]


def role_labels(roles: Any) -> str:
    return " / ".join(str(Role(role).label) for role in roles)


def roles_on(user: Any, organisation: Any) -> list[str]:
    """The roles the user holds on ``organisation`` (through an assignment above it)."""
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return []
    from dangvien.accounts.scope import assignments

    return sorted({role for role, path in assignments(user) if organisation.path.startswith(path)})


def can(user: Any, action: str, organisation: Any) -> bool:
    """True when one of the user's assignments covers ``organisation`` and allows ``action``."""
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    if user.is_superuser:
        return True
    from dangvien.accounts.scope import assignments

    path = organisation.path
    return any(
        path.startswith(assignment_path) and role_allows(role, action)
        for role, assignment_path in assignments(user)
    )


def can_anywhere(user: Any, action: str) -> bool:
    """True when some assignment of the user allows ``action`` (to show or hide a menu entry)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from dangvien.accounts.scope import assignments

    return any(role_allows(role, action) for role, _path in assignments(user))


def _held_on(user: Any, action: str, organisation: Any, on: Any) -> bool:
    """``can`` through an assignment on an organisation that existed on ``on``: the board of
    a district dissolved on 30/06/2025 decides nothing dated after it (its scope may still
    cover the cells it held, for reading their history)."""
    if user.is_superuser:
        return True
    from django.db.models import Q

    from dangvien.accounts.scope import assignments
    from dangvien.organisations.models import Organisation

    held = {
        path
        for role, path in assignments(user)
        if organisation.path.startswith(path) and role_allows(role, action)
    }
    return (
        Organisation.objects.filter(path__in=held)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .exists()
    )


def require_step_authority(
    user: Any, action: str, organisation: Any, *, step: str, on: Any = None
) -> None:
    """Step authority: refuse with a 403 (``Forbidden``) naming the step, the user's role on
    ``organisation`` and the roles that record it, unless the user may ``action`` there (and,
    given ``on``, through an assignment on an organisation that existed that day). The
    step → action tables are in the services that record the steps (admissions'
    ``STAGE_ACTIONS``, members' ``RECOGNITION_ACTIONS``)."""
    if can(user, action, organisation) and (on is None or _held_on(user, action, organisation, on)):
        return
    found = role_labels(roles_on(user, organisation)) or gettext("không có vai trò tại đây")
    required = role_labels(roles_allowed(action))
    raise Forbidden(
        gettext(
            "Bước «%(step)s» do %(required)s ghi; "
            "vai trò của bạn (%(found)s) không được ghi bước này."
        )
        % {"step": step, "required": required, "found": found},
        rule="step_authority",
        found=found,
        required=required,
    )
