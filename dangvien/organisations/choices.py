from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """The kinds of party organisation, top to bottom."""

    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Đảng bộ tỉnh, thành phố")
    DISTRICT = "district", _("Đảng bộ huyện, quận")
    BLOC = "bloc", _("Đảng bộ khối")
    COMMUNE = "commune", _("Đảng bộ xã, phường, đặc khu")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
    GRASSROOTS_CELL = "grassroots_cell", _("Chi bộ cơ sở")
    SUB_COMMITTEE = "sub_committee", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ trực thuộc")


CELL_KINDS = frozenset({OrganisationKind.GRASSROOTS_CELL, OrganisationKind.CELL})
GRASSROOTS_KINDS = frozenset(
    {OrganisationKind.GRASSROOTS_COMMITTEE, OrganisationKind.GRASSROOTS_CELL}
)


# How a comparison line names former organisations ("so với cùng kỳ của 3 đảng bộ xã cũ")
KIND_SHORT_LABELS: dict[str, object] = {
    OrganisationKind.CENTRAL.value: _("Trung ương"),
    OrganisationKind.PROVINCE.value: _("đảng bộ tỉnh"),
    OrganisationKind.DISTRICT.value: _("đảng bộ huyện"),
    OrganisationKind.BLOC.value: _("đảng bộ khối"),
    OrganisationKind.COMMUNE.value: _("đảng bộ xã"),
    OrganisationKind.GRASSROOTS_COMMITTEE.value: _("đảng bộ cơ sở"),
    OrganisationKind.GRASSROOTS_CELL.value: _("chi bộ cơ sở"),
    OrganisationKind.SUB_COMMITTEE.value: _("đảng bộ bộ phận"),
    OrganisationKind.CELL.value: _("chi bộ"),
}


class AreaKind(models.TextChoices):
    """Where an organisation works; the statistics and the education exception use it."""

    RURAL_COMMUNE = "rural_commune", _("Xã")
    WARD = "ward", _("Phường, thị trấn")
    SPECIAL_ZONE = "special_zone", _("Đặc khu")
    VILLAGE = "village", _("Thôn, bản, tổ dân phố")
    AGENCY = "agency", _("Cơ quan hành chính")
    PUBLIC_UNIT = "public_unit", _("Đơn vị sự nghiệp")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Trường học")
    ARMED_FORCES = "armed_forces", _("Lực lượng vũ trang")
    OTHER = "other", _("Khác")


class ReorganisationKind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    MOVE = "move", _("Chuyển trực thuộc")
    RENAME = "rename", _("Đổi tên")
    DISSOLVE = "dissolve", _("Giải thể")
