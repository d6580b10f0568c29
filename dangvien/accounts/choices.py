from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does; a RoleAssignment gives it on one organisation subtree."""

    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    ORG_BOARD = "org_board", _("Ban tổ chức, Ban xây dựng Đảng")
    GRASSROOTS_OFFICE = "grassroots_office", _("Văn phòng đảng ủy cơ sở")
    CELL_SECRETARY = "cell_secretary", _("Bí thư chi bộ")
    TRAINING_CENTRE = "training_centre", _("Trung tâm chính trị")
    AREA_COMMITTEE = "area_committee", _("Cấp ủy viên phụ trách địa bàn")
    VIEWER = "viewer", _("Người xem")
