"""The grades, the recorded steps and the periods of quality grading (366-QĐ/TW, 43-HD/BTCTW)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """The four grades, best first. Members and organisations are graded on the same four
    levels, each against its own score bands (rule set keys ``grading_*`` and
    ``grading_org_*``)."""

    HTXS = "htxs", _("Hoàn thành xuất sắc nhiệm vụ")
    HTT = "htt", _("Hoàn thành tốt nhiệm vụ")
    HT = "ht", _("Hoàn thành nhiệm vụ")
    KHT = "kht", _("Không hoàn thành nhiệm vụ")


GRADE_ORDER: tuple[str, ...] = (Grade.HTXS, Grade.HTT, Grade.HT, Grade.KHT)
"""Best first: a lower index is a better grade."""

GRADE_SHORT: dict[str, str] = {
    Grade.HTXS: "HTXS",
    Grade.HTT: "HTT",
    Grade.HT: "HT",
    Grade.KHT: "KHT",
}


class MemberStep(models.TextChoices):
    """The recorded steps of grading a member, in order."""

    SELF_REVIEW = "self_review", _("Đảng viên tự đánh giá")
    CELL_PROPOSAL = "cell_proposal", _("Chi bộ đề xuất")
    APPROVAL = "approval", _("Cấp ủy cơ sở quyết định")


class OrganisationStep(models.TextChoices):
    """The recorded steps of grading a party organisation, in order."""

    SELF_REVIEW = "self_review", _("Tổ chức đảng tự đánh giá")
    APPROVAL = "approval", _("Cấp ủy cấp trên quyết định")


class Quarter(models.IntegerChoices):
    """The period within a year: the whole year (0) or one quarter."""

    YEAR = 0, _("Cả năm")
    Q1 = 1, _("Quý I")
    Q2 = 2, _("Quý II")
    Q3 = 3, _("Quý III")
    Q4 = 4, _("Quý IV")
