from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class GeneralEducation(models.TextChoices):
    """Trình độ giáo dục phổ thông, as in Biểu 2-BTCTW."""

    LITERATE = "literate", _("Biết đọc, biết viết chữ quốc ngữ")
    PRIMARY = "primary", _("Tiểu học")
    LOWER_SECONDARY = "lower_secondary", _("Trung học cơ sở")
    UPPER_SECONDARY = "upper_secondary", _("Trung học phổ thông")


GENERAL_EDUCATION_RANK = {
    GeneralEducation.LITERATE: 1,
    GeneralEducation.PRIMARY: 2,
    GeneralEducation.LOWER_SECONDARY: 3,
    GeneralEducation.UPPER_SECONDARY: 4,
}


class ProfessionalLevel(models.TextChoices):
    """Trình độ chuyên môn nghiệp vụ."""

    NONE = "none", _("Chưa qua đào tạo")
    ELEMENTARY = "elementary", _("Công nhân kỹ thuật, sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    COLLEGE = "college", _("Cao đẳng")
    UNIVERSITY = "university", _("Đại học")
    MASTER = "master", _("Thạc sĩ")
    DOCTOR = "doctor", _("Tiến sĩ")


UNIVERSITY_OR_ABOVE = frozenset(
    {ProfessionalLevel.UNIVERSITY, ProfessionalLevel.MASTER, ProfessionalLevel.DOCTOR}
)


class PoliticalTheory(models.TextChoices):
    """Trình độ lý luận chính trị."""

    NONE = "none", _("Chưa qua đào tạo")
    ELEMENTARY = "elementary", _("Sơ cấp")
    INTERMEDIATE = "intermediate", _("Trung cấp")
    ADVANCED = "advanced", _("Cao cấp, cử nhân")


class ResidenceArea(models.TextChoices):
    RURAL = "rural", _("Nông thôn")
    URBAN = "urban", _("Thành thị")
