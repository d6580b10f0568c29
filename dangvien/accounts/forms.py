"""The second-factor forms: allauth's, with a throttle counted in the database.

Login, password and enrolment forms are allauth's (customised in ``adapters.py`` and
``mfa.py``, translated in ``locale/vi``). The account administration forms (create an account,
give or end a role, reset a password) come after them; the services check who may do what.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from django import forms
from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dangvien.accounts import services
from dangvien.core.client_ip import client_ip
from dangvien.core.forms import ScopedModelChoiceField, set_queryset
from dangvien.organisations.models import Organisation


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Đã nhập sai mã xác thực %(limit)s lần trong %(minutes)s phút (giới hạn %(limit)s "
        "lần): bước xác thực hai lớp của tài khoản này bị tạm khóa đến %(until)s. Hãy thử lại "
        "sau thời điểm đó hoặc nhờ quản trị viên mở khóa."
    ) % {
        "limit": settings.MFA_FAILURE_LIMIT,
        "minutes": settings.MFA_LOCKOUT_MINUTES,
        "until": formats.date_format(timezone.localtime(until), "H:i d/m/Y"),
    }


class ThrottledCodeMixin:
    """Count the attempt before allauth checks the code; refuse without checking when locked."""

    user: Any

    def clean_code(self) -> str:
        address = client_ip(context.request)
        locked_until = services.start_second_factor_attempt(self.user, address=address)
        if locked_until is not None:
            raise forms.ValidationError(_locked_message(locked_until), code="mfa_locked")
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            locked_until = services.record_second_factor_failure(self.user, address=address)
            if locked_until is not None:
                raise forms.ValidationError(
                    _locked_message(locked_until), code="mfa_locked"
                ) from None
            raise
        services.clear_second_factor_attempts(self.user)
        return code


class AuthenticateForm(ThrottledCodeMixin, AllauthAuthenticateForm):
    """The code asked after the password at login (``/accounts/2fa/authenticate/``)."""


class ReauthenticateForm(ThrottledCodeMixin, AllauthReauthenticateForm):
    """The code asked again before a security change (``/accounts/2fa/reauthenticate/``)."""


# --- Account administration (``/accounts/users/``): input only; the services decide ---


class OrganisationChoiceField(ScopedModelChoiceField):
    """An organisation of the administrator's subtree, shown in tree order and indented by
    depth (the label needs no query)."""

    def label_from_instance(self, obj: Any) -> str:
        return "\u2003" * max(obj.depth - 1, 0) + str(obj.name)


def _role_choices(actor: Any) -> list[tuple[str, str]]:
    from dangvien.accounts.choices import Role
    from dangvien.accounts.rules import grantable_roles
    from dangvien.accounts.scope import assignments

    if actor.is_superuser:
        allowed = set(Role.values)
    else:
        allowed = set().union(*[grantable_roles(role) for role, _path in assignments(actor)])
    return [("", _("— Chọn —"))] + [
        (role.value, str(role.label)) for role in Role if role in allowed
    ]


def _managed_organisations(actor: Any) -> Any:
    from dangvien.accounts.rules import role_allows
    from dangvien.accounts.scope import assignments
    from dangvien.core.scoping import path_prefix_q

    visible = Organisation.objects.visible_to(actor)
    if not actor.is_superuser:
        roots = [path for role, path in assignments(actor) if role_allows(role, "user.manage")]
        visible = visible.filter(path_prefix_q(roots, field="path"))
    return visible.filter(valid_to__isnull=True).order_by("path")


class RoleFieldsMixin(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"))
    organisation = OrganisationChoiceField(
        label=_("Trên tổ chức (và toàn bộ cấp dưới)"),
        queryset=Organisation.objects.none(),
        empty_label=_("— Chọn —"),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = _role_choices(actor)
        set_queryset(self.fields["organisation"], _managed_organisations(actor), user=actor)


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Đủ dài, không chứa tên đăng nhập, không quá phổ biến. Hãy báo riêng cho người "
            "dùng và nhắc họ đổi mật khẩu sau lần đăng nhập đầu tiên."
        ),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("Hai lần nhập mật khẩu không giống nhau."))
        return data


class UserCreateForm(RoleFieldsMixin, NewPasswordMixin):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Chữ, số và các ký tự @ . + - _; không phân biệt chữ hoa, chữ thường."),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), max_length=254, required=False)

    field_order = ["username", "full_name", "email", "role", "organisation"]


class RoleAssignForm(RoleFieldsMixin):
    pass


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Lý do"), max_length=500)


class PasswordResetForm(NewPasswordMixin):
    pass


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Tên đăng nhập hoặc họ tên"), max_length=150, required=False)
