"""Account and role administration over JSON: the same services, scope and permissions as the
/accounts/users/ pages (``user.manage``; the accounts of the caller's subtree, a role granted
only when not above the caller's own and inside their subtree). The API itself authenticates
with accounts' tokens (``selectors.get_user_for_token``, used by ``dangvien/api/auth.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from dangvien.accounts import selectors, services
from dangvien.accounts.access import get_managed_assignment_for_user, get_managed_user_for_user
from dangvien.accounts.choices import Role
from dangvien.accounts.models import User
from dangvien.core.api import ERROR_RESPONSES
from dangvien.core.errors import DomainError
from dangvien.core.lookup import get_visible_or_404
from dangvien.core.pagination import paginated
from dangvien.core.scoping import can_anywhere
from dangvien.core.typing import AuthenticatedHttpRequest
from dangvien.organisations.models import Organisation

router = Router(tags=["Tài khoản"])


class RoleOut(Schema):
    id: int
    user_id: int
    role: str
    organisation_id: int
    organisation: str = Field(..., alias="organisation.name")
    created_at: dt.datetime
    ended_at: dt.datetime | None
    end_note: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    is_active: bool


class UserDetailOut(UserOut):
    has_second_factor: bool = False
    roles: list[RoleOut] = []

    @staticmethod
    def resolve_has_second_factor(obj: User) -> bool:
        return selectors.has_second_factor(obj)

    @staticmethod
    def resolve_roles(obj: User) -> list[Any]:
        return list(selectors.list_role_history(obj))


class RoleIn(Schema):
    role: Role
    organisation_id: int


class UserIn(RoleIn):
    username: str = Field(..., min_length=1, max_length=150)
    full_name: str = Field(..., min_length=1, max_length=150)
    email: str = Field("", max_length=254)
    password: str = Field(..., min_length=1, max_length=128)


class PasswordIn(Schema):
    password: str = Field(..., min_length=1, max_length=128)


class NoteIn(Schema):
    note: str = Field(..., max_length=500)


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not can_anywhere(request.user, "user.manage"):
        raise PermissionDenied("user.manage")


def _organisation(request: AuthenticatedHttpRequest, pk: int) -> Organisation:
    return get_visible_or_404(Organisation, request.user, pk)


def _detail(account: User) -> User:
    return User.objects.get(pk=account.pk)


@router.get("/users", response={200: list[UserOut], **ERROR_RESPONSES})
@paginated()
def list_users(request: AuthenticatedHttpRequest, q: str = "") -> Any:
    """The accounts the caller manages (their subtree), searchable by username or name."""
    _require_manager(request)
    return selectors.list_managed_users(user=request.user, q=q[:150])


@router.post("/users", response={200: UserDetailOut, 201: UserDetailOut, **ERROR_RESPONSES})
def create_user(request: AuthenticatedHttpRequest, payload: UserIn) -> tuple[int, Any]:
    """A new account with its first role: 201. The same request again (the account exists, in
    the caller's reach, and holds that role there) answers 200 with it; any other account of
    that username is refused."""
    _require_manager(request)
    organisation = _organisation(request, payload.organisation_id)
    username = payload.username.strip()
    try:
        UnicodeUsernameValidator()(username)
    except DjangoValidationError as exc:
        raise DomainError(" ".join(exc.messages), rule="username", field="username") from None
    existing = (
        User.objects.visible_to(request.user)
        .filter(
            username__iexact=username,
            role_assignments__role=payload.role.value,
            role_assignments__organisation=organisation,
            role_assignments__ended_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        return 200, existing
    account = services.create_user(
        username=username,
        full_name=payload.full_name,
        email=payload.email,
        password=payload.password,
        role=payload.role.value,
        organisation=organisation,
        actor=request.user,
    )
    return 201, _detail(account)


@router.get("/users/{int:user_id}", response={200: UserDetailOut, **ERROR_RESPONSES})
def get_user(request: AuthenticatedHttpRequest, user_id: int) -> User:
    return get_managed_user_for_user(request.user, user_id)


@router.post("/users/{int:user_id}/roles", response={200: RoleOut, 201: RoleOut, **ERROR_RESPONSES})
def assign_role(request: AuthenticatedHttpRequest, user_id: int, payload: RoleIn) -> Any:
    """Give the account a role on an organisation and its subtree: 201 with the assignment;
    200 with the one in force when the account holds that role there already."""
    account = get_managed_user_for_user(request.user, user_id)
    organisation = _organisation(request, payload.organisation_id)
    assignment = services.assign_role(
        account, role=payload.role.value, organisation=organisation, actor=request.user
    )
    return (201 if getattr(assignment, "newly_created", False) else 200), assignment


@router.post("/roles/{int:assignment_id}/end", response={200: RoleOut, **ERROR_RESPONSES})
def end_role(request: AuthenticatedHttpRequest, assignment_id: int, payload: NoteIn) -> Any:
    """End a role (the row stays, ended, with the reason). Sent again, it answers the ended
    assignment."""
    assignment = get_managed_assignment_for_user(request.user, assignment_id)
    if assignment.ended_at is not None:
        return assignment
    return services.end_role_assignment(assignment, actor=request.user, note=payload.note)


@router.post("/users/{int:user_id}/password", response={200: UserOut, **ERROR_RESPONSES})
def reset_password(request: AuthenticatedHttpRequest, user_id: int, payload: PasswordIn) -> Any:
    """A new password; the account is logged out of every session."""
    account = get_managed_user_for_user(request.user, user_id)
    return services.reset_password(account, password=payload.password, actor=request.user)


class ResetOut(Schema):
    removed: int
    detail: str


@router.post("/users/{int:user_id}/mfa-reset", response={200: ResetOut, **ERROR_RESPONSES})
def reset_second_factor(request: AuthenticatedHttpRequest, user_id: int) -> Any:
    """Remove the account's authenticators: it enrols again at its next login."""
    account = get_managed_user_for_user(request.user, user_id)
    removed = services.reset_second_factor(account, actor=request.user)
    return {
        "removed": removed,
        "detail": gettext(
            "Đã xóa xác thực hai lớp của «%s»: ở lần đăng nhập tới, người dùng phải đăng ký lại"
            " ứng dụng xác thực."
        )
        % account.username,
    }


@router.post("/users/{int:user_id}/deactivate", response={200: UserOut, **ERROR_RESPONSES})
def deactivate_user(request: AuthenticatedHttpRequest, user_id: int, payload: NoteIn) -> Any:
    account = get_managed_user_for_user(request.user, user_id)
    return services.deactivate_user(account, actor=request.user, note=payload.note)


@router.post("/users/{int:user_id}/reactivate", response={200: UserOut, **ERROR_RESPONSES})
def reactivate_user(request: AuthenticatedHttpRequest, user_id: int) -> Any:
    account = get_managed_user_for_user(request.user, user_id)
    return services.reactivate_user(account, actor=request.user)
