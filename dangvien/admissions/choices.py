from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The steps of an admission dossier, in order (DOMAIN.md pipeline steps 2–11)."""

    OUTSTANDING = "outstanding", _("Quần chúng ưu tú")
    CLASS = "class", _("Học lớp nhận thức về Đảng")
    APPLICATION = "application", _("Đơn và lý lịch")
    VERIFICATION = "verification", _("Thẩm tra lý lịch")
    INTRODUCTION = "introduction", _("Giới thiệu")
    OPINIONS = "opinions", _("Lấy ý kiến nhận xét")
    CELL_VOTE = "cell_vote", _("Chi bộ xét, biểu quyết")
    GRASSROOTS_VOTE = "grassroots_vote", _("Đảng ủy cơ sở xét")
    DECISION = "decision", _("Quyết định kết nạp")
    CEREMONY = "ceremony", _("Lễ kết nạp")


STAGE_ORDER = list(Stage)


class DossierStatus(models.TextChoices):
    OPEN = "open", _("Đang xét")
    ADMITTED = "admitted", _("Đã kết nạp")
    STOPPED = "stopped", _("Dừng")


class StopReason(models.TextChoices):
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    REJECTED = "rejected", _("Không được biểu quyết thông qua")
    MOVED_AWAY = "moved_away", _("Chuyển đi nơi khác")
    CERTIFICATE_EXPIRED = "certificate_expired", _("Giấy chứng nhận hết hạn")
