"""How each action code reads in the audit browser. Add a label with every new action code."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organisations.organisation.created": _("Tạo tổ chức đảng"),
    "organisations.organisation.changed": _("Sửa tổ chức đảng"),
    "organisations.organisation.dissolved": _("Giải thể tổ chức đảng"),
    "people.person.created": _("Thêm người"),
    "people.person.changed": _("Sửa thông tin người"),
    "people.person.sensitive_revealed": _("Xem số CCCD, số điện thoại"),
    "accounts.role_assignment.created": _("Phân quyền"),
    "accounts.role_assignment.deleted": _("Thu hồi quyền"),
}


def label_for(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
