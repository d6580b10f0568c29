from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    REMOVED = "removed", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")
    LEFT = "left", _("Xin ra khỏi Đảng")
    DECEASED = "deceased", _("Từ trần")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt ra ngoài")
    EXEMPT = "exempt", _("Miễn sinh hoạt")
    LOST_CONTACT = "lost_contact", _("Mất liên lạc")


ACTIVE_STATUSES = frozenset({MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL, MemberStatus.EXEMPT})
