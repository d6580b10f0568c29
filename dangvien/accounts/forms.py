"""The second-factor forms: allauth's, with a throttle counted in the database.

Login, password and enrolment forms are allauth's (customised in ``adapters.py`` and
``mfa.py``, translated in ``locale/vi``); roles are assigned by the system administrator in the
admin site through ``services.assign_role``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dangvien.accounts import services
from dangvien.core.client_ip import client_ip


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
