from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.members.choices import MemberStatus


class DuesStatus(models.TextChoices):
    """A member's dues for one month, as the cell records it (no money is handled here)."""

    PAID = "paid", _("Đã nộp")
    UNPAID = "unpaid", _("Chưa nộp, không có lý do")
    EXCUSED = "excused", _("Chưa nộp, có lý do")


class ActivityStatus(models.TextChoices):
    """A member's attendance of the cell's regular meeting for one month."""

    ATTENDED = "attended", _("Có sinh hoạt")
    ABSENT = "absent", _("Vắng, không có lý do")
    EXCUSED = "excused", _("Vắng, có lý do")


class CaseStatus(models.TextChoices):
    """Where a screening case stands (Chỉ thị 28-CT/TW, 02-HD/BTCTW)."""

    NOT_LISTED = "not_listed", _("Chi bộ không đưa vào danh sách")
    HELPING = "helping", _("Đang giáo dục, giúp đỡ")
    PROGRESSED = "progressed", _("Đã tiến bộ, kết thúc giúp đỡ")
    PROPOSED = "proposed", _("Đã đề nghị đưa ra khỏi Đảng, chờ cấp có thẩm quyền")
    REMOVED = "removed", _("Đã đưa ra khỏi Đảng")
    KEPT = "kept", _("Cấp có thẩm quyền không đưa ra khỏi Đảng")


OPEN_CASE_STATUSES = frozenset({CaseStatus.HELPING, CaseStatus.PROPOSED})


class StepKind(models.TextChoices):
    BALLOT = "ballot", _("Chi bộ bỏ phiếu kín đưa vào danh sách cần giáo dục, giúp đỡ")
    PROGRESSED = "progressed", _("Chi bộ kết luận đảng viên đã tiến bộ")
    PROPOSAL = "proposal", _("Chi bộ biểu quyết đề nghị đưa ra khỏi Đảng")
    DECISION = "decision", _("Quyết định của cấp có thẩm quyền")


class RemovalForm(models.TextChoices):
    """The three ways out of the Party a screening may end in; each is a member status."""

    REMOVED = MemberStatus.REMOVED.value, _("Xóa tên")
    EXPELLED = MemberStatus.EXPELLED.value, _("Khai trừ")
    LEFT = MemberStatus.LEFT.value, _("Cho ra khỏi Đảng")
