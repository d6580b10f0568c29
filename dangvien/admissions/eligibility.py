"""The eligibility checks of the pipeline (DOMAIN.md "Eligibility"), each explained.

Every check returns a ``Check``: the rule's code, whether it passed, and a Vietnamese message
naming the value found and the value required. ``raise_first_failure`` turns the first failed
check into a DomainError, which is how the services refuse a step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from dangvien.core.dates import add_months, full_months
from dangvien.core.errors import DomainError
from dangvien.people.choices import GENERAL_EDUCATION_RANK, GeneralEducation


def years_months(months: int) -> str:
    return _("%(years)s tuổi %(months)s tháng") % {"years": months // 12, "months": months % 12}


def fmt(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


@dataclass(frozen=True)
class Check:
    rule: str
    label: str
    passed: bool
    message: str
    found: Any = None
    required: Any = None

    def error(self, field: str | None = None) -> DomainError:
        return DomainError(
            self.message, rule=self.rule, found=self.found, required=self.required, field=field
        )


def raise_first_failure(checks: list[Check]) -> None:
    for check in checks:
        if not check.passed:
            raise check.error()


def check_age(*, date_of_birth: dt.date, on: dt.date, rule_set: Any, approval: Any = None) -> Check:
    months = full_months(date_of_birth, on)
    minimum = rule_set.int_value("age_min_months")
    maximum = rule_set.int_value("age_max_months")
    found = years_months(months)
    label = _("Tuổi tại ngày chi bộ xét")
    if months < minimum:
        return Check(
            "age_min_months",
            label,
            False,
            _(
                "Tuổi đời chưa đủ: ngày %(on)s người xin vào Đảng mới %(found)s, quy"
                " định phải đủ %(minimum_years)s tuổi (%(minimum)s tháng)."
            )
            % {"on": fmt(on), "found": found, "minimum_years": minimum // 12, "minimum": minimum},
            found=_("%(months)s tháng") % {"months": months},
            required=_("≥ %(minimum)s tháng") % {"minimum": minimum},
        )
    if months > maximum:
        if approval is not None:
            return Check(
                "age_max_months",
                label,
                True,
                _(
                    "%(found)s, trên %(maximum_years)s tuổi, đã có văn bản đồng ý của"
                    " %(issuing_body)s số %(document_number)s ngày %(date)s."
                )
                % {
                    "found": found,
                    "maximum_years": maximum // 12,
                    "issuing_body": approval.issuing_body,
                    "document_number": approval.document_number,
                    "date": fmt(approval.date),
                },
                found=_("%(months)s tháng") % {"months": months},
                required=_("≤ %(maximum)s tháng hoặc có văn bản đồng ý") % {"maximum": maximum},
            )
        return Check(
            "age_max_months",
            label,
            False,
            _(
                "Tuổi đời vượt quy định: ngày %(on)s người xin vào Đảng đã %(found)s,"
                " quy định không quá %(maximum_years)s tuổi (%(maximum)s tháng); trên"
                " %(maximum_years)s tuổi phải có văn bản đồng ý của ban thường vụ tỉnh ủy"
                " (ghi cơ quan, số, ngày văn bản)."
            )
            % {"on": fmt(on), "found": found, "maximum_years": maximum // 12, "maximum": maximum},
            found=_("%(months)s tháng") % {"months": months},
            required=_("≤ %(maximum)s tháng hoặc có văn bản đồng ý") % {"maximum": maximum},
        )
    return Check(
        "age_min_months",
        label,
        True,
        _("%(found)s (từ %(minimum_years)s đến %(maximum_years)s tuổi).")
        % {"found": found, "minimum_years": minimum // 12, "maximum_years": maximum // 12},
        found=_("%(months)s tháng") % {"months": months},
        required=_("%(minimum)s–%(maximum)s tháng") % {"minimum": minimum, "maximum": maximum},
    )


def required_education(*, organisation: Any, rule_set: Any) -> str:
    """Lower secondary; primary where the cell or a unit above it is a disadvantaged area."""
    from dangvien.organisations.models import Organisation

    disadvantaged = (
        Organisation.objects.ancestors_of(organisation, include_self=True)
        .filter(disadvantaged_area=True)
        .exists()
    )
    key = "education_min_disadvantaged" if disadvantaged else "education_min"
    return str(rule_set.value(key))


def check_education(
    *, person: Any, organisation: Any, rule_set: Any, approval: Any = None
) -> Check:
    required = required_education(organisation=organisation, rule_set=rule_set)
    have = person.general_education
    label = _("Trình độ học vấn")
    required_label = str(GeneralEducation(required).label)
    found_label = str(GeneralEducation(have).label)
    if (
        GENERAL_EDUCATION_RANK[GeneralEducation(have)]
        >= GENERAL_EDUCATION_RANK[GeneralEducation(required)]
    ):
        return Check(
            "education_min",
            label,
            True,
            _("%(found_label)s (yêu cầu: %(required_label)s).")
            % {"found_label": found_label, "required_label": required_label},
            found=have,
            required=required,
        )
    if have == GeneralEducation.LITERATE and approval is not None:
        return Check(
            "education_min",
            label,
            True,
            _(
                "Chỉ biết đọc, biết viết; đã có văn bản đồng ý của %(issuing_body)s số"
                " %(document_number)s ngày %(date)s."
            )
            % {
                "issuing_body": approval.issuing_body,
                "document_number": approval.document_number,
                "date": fmt(approval.date),
            },
            found=have,
            required=required,
        )
    return Check(
        "education_min",
        label,
        False,
        (
            _(
                "Trình độ học vấn chưa đạt: người xin vào Đảng có trình độ «%(found)s», quy định"
                " tối thiểu «%(required)s»; trường hợp chỉ biết đọc, biết viết phải có văn bản"
                " đồng ý của cấp có thẩm quyền."
            )
            if have == GeneralEducation.LITERATE
            else _(
                "Trình độ học vấn chưa đạt: người xin vào Đảng có trình độ «%(found)s», quy định"
                " tối thiểu «%(required)s»."
            )
        )
        % {"found": found_label, "required": required_label},
        found=have,
        required=required,
    )


def check_certificate(*, certificate_date: dt.date | None, on: dt.date, rule_set: Any) -> Check:
    months = rule_set.int_value("certificate_valid_months")
    label = _("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng")
    if certificate_date is None:
        return Check(
            "certificate_valid_months",
            label,
            False,
            _("Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng."),
            found=_("không có"),
            required=_("giấy chứng nhận còn giá trị (%(months)s tháng)") % {"months": months},
        )
    expiry = add_months(certificate_date, months)
    if on > expiry:
        return Check(
            "certificate_valid_months",
            label,
            False,
            _(
                "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng cấp ngày"
                " %(certificate_date)s đã hết giá trị ngày %(expiry)s (%(months)s"
                " tháng); ngày %(on)s đã quá hạn, phải học lại lớp."
            )
            % {
                "certificate_date": fmt(certificate_date),
                "expiry": fmt(expiry),
                "months": months,
                "on": fmt(on),
            },
            found=fmt(certificate_date),
            required=_("không quá %(months)s tháng (đến %(expiry)s)")
            % {"months": months, "expiry": fmt(expiry)},
        )
    return Check(
        "certificate_valid_months",
        label,
        True,
        _("Cấp ngày %(certificate_date)s, còn giá trị đến %(expiry)s.")
        % {"certificate_date": fmt(certificate_date), "expiry": fmt(expiry)},
        found=fmt(certificate_date),
        required=_("đến %(expiry)s") % {"expiry": fmt(expiry)},
    )


def check_vote(
    *, rule: str, label: str, eligible: int, votes_for: int, fraction: Fraction, whole: str = ""
) -> Check:
    found = f"{votes_for}/{eligible}"
    required = _("≥ %(numerator)s/%(denominator)s của %(eligible)s") % {
        "numerator": fraction.numerator,
        "denominator": fraction.denominator,
        "eligible": eligible,
    }
    if eligible > 0 and Fraction(votes_for, eligible) >= fraction:
        return Check(
            rule,
            label,
            True,
            _("%(found)s tán thành (%(required)s).") % {"found": found, "required": required},
            found,
            required,
        )
    from dangvien.rules.selectors import describe_votes_needed

    return Check(
        rule,
        label,
        False,
        _("%(label)s: %(votes_for)s/%(eligible)s tán thành, chưa đạt; %(needed)s.")
        % {
            "label": label,
            "votes_for": votes_for,
            "eligible": eligible,
            "needed": describe_votes_needed(fraction, eligible, of=whole or _("tổng số")),
        },
        found,
        required,
    )
