"""What the apps above ``training`` do when a class result is recorded, without ``training``
importing them: ``admissions`` moves an outstanding person's dossier to the class stage when
their awareness certificate is issued. Hooks run inside the service's transaction; register in
``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dangvien.accounts.models import User
    from dangvien.training.models import Enrolment

CertificateHook = Callable[..., Any]  # (enrolment, *, actor) -> anything
_AWARENESS_ISSUED: dict[str, CertificateHook] = {}


def register_awareness_certificate_issued(name: str, hook: CertificateHook) -> None:
    _AWARENESS_ISSUED[name] = hook


def awareness_certificate_issued(enrolment: Enrolment, *, actor: User) -> None:
    for hook in _AWARENESS_ISSUED.values():
        hook(enrolment, actor=actor)
