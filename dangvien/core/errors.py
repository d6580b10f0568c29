"""Domain errors: every refusal carries a Vietnamese message naming the rule and the values."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class DomainError(Exception):
    """A rule or input refused a change. ``message`` is Vietnamese and shown to the user as is.

    ``rule`` is the rule's code (e.g. ``age_min_months``), ``found`` and ``required`` the values
    compared; ``field`` names the input the error belongs to, when it belongs to one.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str = "",
        found: Any = None,
        required: Any = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.found = found
        self.required = required
        self.field = field

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"message": self.message}
        if self.rule:
            data["rule"] = self.rule
        if self.found is not None:
            data["found"] = str(self.found)
        if self.required is not None:
            data["required"] = str(self.required)
        if self.field:
            data["field"] = self.field
        return data


class Forbidden(PermissionDenied):
    """The role may not do this here (403). Like ``DomainError``, ``message`` is Vietnamese and
    shown as is (API body ``detail``, the 403 page), and names the rule, the role found and the
    roles required."""

    def __init__(
        self, message: str, *, rule: str = "", found: Any = None, required: Any = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.found = found
        self.required = required

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule or None, "found": None, "required": None}
        if self.found is not None:
            data["found"] = str(self.found)
        if self.required is not None:
            data["required"] = str(self.required)
        return data
