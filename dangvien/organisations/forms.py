from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from dangvien.core.forms import DateField
from dangvien.organisations.choices import AreaKind, OrganisationKind


class OrganisationForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=32)
    name = forms.CharField(label=_("Tên"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại tổ chức"), choices=OrganisationKind.choices)
    area_kind = forms.ChoiceField(label=_("Loại hình"), choices=AreaKind.choices)
    disadvantaged_area = forms.BooleanField(
        label=_("Vùng cao, biên giới, hải đảo, dân tộc thiểu số, đặc biệt khó khăn"),
        required=False,
    )
    valid_from = DateField(label=_("Hiệu lực từ"), required=False)
    valid_to = DateField(label=_("Hiệu lực đến"), required=False)


def _codes(value: str) -> list[str]:
    return [code for code in value.replace(";", ",").replace("\n", ",").split(",") if code.strip()]


def _pairs(value: str) -> dict[str, str]:
    """Lines ``CODE = PART`` → ``{"CODE": "PART"}``."""
    pairs = {}
    for line in value.splitlines():
        if "=" in line:
            left, right = line.split("=", 1)
            if left.strip() and right.strip():
                pairs[left.strip()] = right.strip()
    return pairs


def _parts(value: str) -> list[Any]:
    """Lines ``CODE | Tên | loại`` (a new organisation) or ``CODE`` (an existing one)."""
    parts: list[Any] = []
    for line in value.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if not cells[0]:
            continue
        if len(cells) == 1:
            parts.append(cells[0])
        else:
            parts.append(
                {
                    "code": cells[0],
                    "name": cells[1],
                    "kind": cells[2] if len(cells) > 2 and cells[2] else "cell",
                }
            )
    return parts


class ReorganiseForm(forms.Form):
    """One reorganisation operation (the wizard's first step). Organisations are named by code,
    as in the decision and the xlsx plan; ``FIELDS`` says which fields each kind shows."""

    FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "merge": ("sources", "into_code", "new_code", "new_name", "new_kind", "new_parent"),
        "split": ("source", "parts", "children", "default_part", "reason"),
        "move": ("node", "new_parent"),
        "rename": ("organisation", "new_code", "new_name"),
        "dissolve": ("organisation", "successor"),
    }
    ENDS_ROLES: ClassVar[set[str]] = {"merge", "split", "dissolve"}

    effective_date = DateField(label=_("Ngày hiệu lực"))
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=64)
    handover_reference = forms.CharField(
        label=_("Biên bản bàn giao"), max_length=128, required=False
    )
    sources = forms.CharField(
        label=_("Mã các tổ chức hợp nhất"),
        help_text=_("Cách nhau bởi dấu phẩy, ví dụ: X01, X02, X03"),
        required=False,
    )
    source = forms.CharField(label=_("Mã tổ chức chia tách"), max_length=32, required=False)
    node = forms.CharField(label=_("Mã tổ chức chuyển"), max_length=32, required=False)
    organisation = forms.CharField(label=_("Mã tổ chức"), max_length=32, required=False)
    into_code = forms.CharField(
        label=_("Hợp nhất vào tổ chức có sẵn (mã)"),
        help_text=_("Để trống để thành lập tổ chức mới theo các ô dưới."),
        max_length=32,
        required=False,
    )
    new_code = forms.CharField(label=_("Mã mới"), max_length=32, required=False)
    new_name = forms.CharField(label=_("Tên mới"), max_length=255, required=False)
    new_kind = forms.ChoiceField(
        label=_("Loại tổ chức mới"),
        choices=[("", "—"), *OrganisationKind.choices],
        required=False,
    )
    new_parent = forms.CharField(label=_("Mã tổ chức cấp trên mới"), max_length=32, required=False)
    parts = forms.CharField(
        label=_("Các tổ chức sau chia tách"),
        help_text=_("Mỗi dòng: mã | tên | loại (cell, commune…), hoặc mã một tổ chức có sẵn."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    children = forms.CharField(
        label=_("Nơi nhận từng tổ chức trực thuộc"),
        help_text=_("Mỗi dòng: mã tổ chức trực thuộc = mã tổ chức nhận."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    default_part = forms.CharField(
        label=_("Nơi nhận mặc định (đảng viên, hồ sơ, phân quyền chưa chọn)"),
        max_length=32,
        required=False,
    )
    reason = forms.CharField(label=_("Cách chia số liệu để so sánh"), required=False)
    successor = forms.CharField(label=_("Tổ chức kế thừa (mã)"), max_length=32, required=False)
    end_roles = forms.BooleanField(
        label=_("Kết thúc phân quyền người dùng thay vì chuyển sang tổ chức kế thừa"),
        required=False,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        shown = {
            "effective_date",
            "decision_number",
            "handover_reference",
            *self.FIELDS[kind],
            "note",
        }
        if kind in self.ENDS_ROLES:
            shown.add("end_roles")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]

    def spec(self) -> dict[str, Any]:
        """The operation's JSON spec (codes), as a plan stores it."""
        data = self.cleaned_data
        spec: dict[str, Any] = {"note": data.get("note", "")}
        if data.get("end_roles"):
            spec["end_facts"] = ["role_assignments"]
        if self.kind == "merge":
            spec["sources"] = [code.strip() for code in _codes(data["sources"])]
            spec["into"] = data["into_code"].strip() or {
                "code": data["new_code"],
                "name": data["new_name"],
                "kind": data["new_kind"],
                "parent": data["new_parent"] or None,
            }
        elif self.kind == "split":
            spec.update(
                source=data["source"],
                parts=_parts(data["parts"]),
                children=_pairs(data["children"]),
                default_part=data["default_part"] or None,
                reason=data["reason"],
            )
        elif self.kind == "move":
            spec.update(node=data["node"], new_parent=data["new_parent"])
        elif self.kind == "rename":
            spec.update(
                organisation=data["organisation"],
                code=data["new_code"] or None,
                name=data["new_name"] or None,
            )
        else:
            spec.update(organisation=data["organisation"], successor=data["successor"] or None)
        return spec
