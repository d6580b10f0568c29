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

GAP_STATUSES = frozenset(
    {MemberStatus.REMOVED, MemberStatus.EXPELLED, MemberStatus.LEFT, MemberStatus.LOST_CONTACT}
)
"""Statuses during which party age does not run (until the member is active again)."""

ENDED_STATUSES = frozenset({MemberStatus.DECEASED})


class EventKind(models.TextChoices):
    STATUS = "status", _("Thay đổi trạng thái")
    TRANSFER = "transfer", _("Chuyển sinh hoạt chính thức")
    TEMPORARY_IN = "temporary_in", _("Chuyển sinh hoạt tạm thời")
    TEMPORARY_END = "temporary_end", _("Kết thúc sinh hoạt tạm thời")
    # the cell merged or split: the member follows it on the effective date (issue 11)
    REORGANISATION = "reorganisation", _("Chuyển theo sắp xếp tổ chức")


class RecognitionStage(models.TextChoices):
    """The steps of recognition as an official member (DOMAIN.md pipeline step 13), in order."""

    SELF_REVIEW = "self_review", _("Bản tự kiểm điểm (10-KNĐ)")
    HELPER_COMMENT = "helper_comment", _("Nhận xét của đảng viên giúp đỡ (11-KNĐ)")
    OPINIONS = "opinions", _("Ý kiến nhận xét của đoàn thể, chi ủy nơi cư trú (12-KNĐ)")
    CELL_VOTE = "cell_vote", _("Nghị quyết chi bộ (13-KNĐ)")
    GRASSROOTS_RESOLUTION = "grassroots_resolution", _("Nghị quyết đảng ủy cơ sở (15-KNĐ)")
    DECISION = "decision", _("Quyết định công nhận đảng viên chính thức")


RECOGNITION_ORDER = list(RecognitionStage)


class CardReason(models.TextChoices):
    FIRST = "first", _("Cấp lần đầu")
    LOST = "lost", _("Cấp lại do mất")
    DAMAGED = "damaged", _("Cấp lại do hư hỏng")
    EXCHANGE = "exchange", _("Đổi thẻ")


class TransferKind(models.TextChoices):
    OFFICIAL = "official", _("Chuyển sinh hoạt chính thức")
    TEMPORARY = "temporary", _("Chuyển sinh hoạt tạm thời")


class TransferStatus(models.TextChoices):
    OPEN = "open", _("Đang chuyển, chờ nơi đến tiếp nhận")
    CONFIRMED = "confirmed", _("Đã tiếp nhận")
    CANCELLED = "cancelled", _("Đã hủy")
    ENDED = "ended", _("Đã kết thúc (sinh hoạt tạm thời)")
    CORRECTED = "corrected", _("Ghi nhầm, đã sửa (thay bằng bản ghi mới)")


class ResidenceExemption(models.TextChoices):
    """33-HD/BTCTW §1: some members are introduced but exempt from residence activity; some
    army and police members are exempt from the introduction itself."""

    NONE = "", _("Không miễn")
    ACTIVITY = "activity", _("Được giới thiệu nhưng miễn sinh hoạt nơi cư trú")
    INTRODUCTION = "introduction", _("Miễn giới thiệu về nơi cư trú")


WORKPLACE_AREA_KINDS = frozenset({"agency", "public_unit", "enterprise", "school", "armed_forces"})
"""Cells of these area kinds hold members 'đang công tác' who must be introduced to the cell
where they live (213-QĐ/TW)."""
