from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangvien.accounts import selectors, services
from dangvien.accounts.access import (
    get_locked_user_for_user,
    get_managed_assignment_for_user,
    get_managed_user_for_user,
)
from dangvien.accounts.choices import Role
from dangvien.accounts.forms import (
    NoteForm,
    PasswordResetForm,
    RoleAssignForm,
    UserCreateForm,
    UserSearchForm,
)
from dangvien.accounts.models import User
from dangvien.accounts.rules import can_anywhere
from dangvien.audit.models import AuditEvent
from dangvien.core.errors import DomainError
from dangvien.core.forms import add_domain_error
from dangvien.core.typing import AuthenticatedHttpRequest


@login_required
def lockout_list(request: HttpRequest) -> HttpResponse:
    """Accounts locked after repeated failed logins, which the reader may unlock."""
    if not can_anywhere(request.user, "user.unlock"):
        raise PermissionDenied("user.unlock")
    lockouts = selectors.list_lockouts(user=request.user)
    return render(request, "accounts/lockout_list.html", {"lockouts": lockouts})


@login_required
@require_POST
def user_unlock(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    target = get_locked_user_for_user(request.user, user_id)
    try:
        services.unlock_user(target, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã mở khóa tài khoản «%s».") % target.username)
    return redirect("accounts:lockout-list")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """What a locked-out login attempt sees (django-axes ``AXES_LOCKOUT_CALLABLE``)."""
    from django.conf import settings

    hours = settings.AXES_COOLOFF_TIME
    minutes = round(float(hours) * 60) if hours else 0
    return render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# --- Account administration: the system administrator and the organisation boards ---


def _require_manager(request: HttpRequest) -> None:
    if not can_anywhere(request.user, "user.manage"):
        raise PermissionDenied("user.manage")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """The accounts of the reader's subtree (``user.manage``), searchable by name."""
    _require_manager(request)
    search = UserSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    paginator = Paginator(selectors.list_managed_users(user=request.user, q=q), 50)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "search": search,
        "page": page,
        "q": q,
        "can_unlock": can_anywhere(request.user, "user.unlock"),
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.create_user(
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"],
                role=data["role"],
                organisation=data["organisation"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Đã tạo tài khoản «%(username)s» với vai trò %(role)s tại %(organisation)s.")
                % {
                    "username": account.username,
                    "role": Role(data["role"]).label,
                    "organisation": data["organisation"].name,
                },
            )
            return redirect("accounts:user-detail", account.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _detail_context(
    request: AuthenticatedHttpRequest, account: User, **forms: Any
) -> dict[str, Any]:
    return {
        "account": account,
        "roles": selectors.list_role_history(account),
        "has_second_factor": selectors.has_second_factor(account),
        "is_self": account.pk == request.user.pk,
        "role_form": forms.get("role_form") or RoleAssignForm(actor=request.user),
        "end_form": forms.get("end_form") or NoteForm(),
        "deactivate_form": forms.get("deactivate_form") or NoteForm(),
        "events": AuditEvent.objects.about(account)[:20],
    }


@login_required
def user_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    return render(request, "accounts/user_detail.html", _detail_context(request, account))


def _done(request: HttpRequest, account: User, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("accounts:user-detail", account.pk)


@login_required
@require_POST
def user_role_add(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    form = RoleAssignForm(request.POST, actor=request.user)
    if form.is_valid():
        role, organisation = form.cleaned_data["role"], form.cleaned_data["organisation"]
        try:
            services.assign_role(account, role=role, organisation=organisation, actor=request.user)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(
                request,
                account,
                _("Đã giao vai trò %(role)s tại %(organisation)s.")
                % {"role": Role(role).label, "organisation": organisation.name},
            )
    context = _detail_context(request, account, role_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
@require_POST
def role_end(request: AuthenticatedHttpRequest, assignment_id: int) -> HttpResponse:
    assignment = get_managed_assignment_for_user(request.user, assignment_id)
    account = assignment.user
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.end_role_assignment(
                assignment, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:user-detail", account.pk)
        return _done(
            request,
            account,
            _("Đã kết thúc vai trò %(role)s tại %(organisation)s.")
            % {"role": assignment.get_role_display(), "organisation": assignment.organisation.name},
        )
    context = _detail_context(request, account, end_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
def user_password(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(
                account, password=form.cleaned_data["password1"], actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return _done(
                request,
                account,
                _(
                    "Đã đặt mật khẩu mới cho «%s»; tài khoản đã được đăng xuất khỏi mọi phiên "
                    "làm việc."
                )
                % account.username,
            )
    return render(request, "accounts/user_password.html", {"account": account, "form": form})


@login_required
@require_POST
def user_mfa_reset(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    try:
        services.reset_second_factor(account, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user-detail", account.pk)
    return _done(
        request,
        account,
        _(
            "Đã xóa xác thực hai lớp của «%s»: ở lần đăng nhập tới, người dùng phải đăng ký lại "
            "ứng dụng xác thực."
        )
        % account.username,
    )


@login_required
@require_POST
def user_deactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.deactivate_user(account, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:user-detail", account.pk)
        return _done(request, account, _("Đã khóa tài khoản «%s».") % account.username)
    context = _detail_context(request, account, deactivate_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@login_required
@require_POST
def user_reactivate(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    account = get_managed_user_for_user(request.user, user_id)
    try:
        services.reactivate_user(account, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:user-detail", account.pk)
    return _done(request, account, _("Đã mở lại tài khoản «%s».") % account.username)
