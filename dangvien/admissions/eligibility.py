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

from dangvien.core.dates import add_months, full_months
from dangvien.core.errors import DomainError
from dangvien.people.choices import GENERAL_EDUCATION_RANK, GeneralEducation


def years_months(months: int) -> str:
    return f"{months // 12} tuổi {months % 12} tháng"


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
    label = "Tuổi tại ngày chi bộ xét"
    if months < minimum:
        return Check(
            "age_min_months",
            label,
            False,
            f"Tuổi đời chưa đủ: ngày {fmt(on)} người xin vào Đảng mới {found}, quy định phải đủ"
            f" {minimum // 12} tuổi ({minimum} tháng).",
            found=f"{months} tháng",
            required=f"≥ {minimum} tháng",
        )
    if months > maximum:
        if approval is not None:
            return Check(
                "age_max_months",
                label,
                True,
                f"{found}, trên {maximum // 12} tuổi, đã có văn bản đồng ý của"
                f" {approval.issuing_body} số {approval.document_number}"
                f" ngày {fmt(approval.date)}.",
                found=f"{months} tháng",
                required=f"≤ {maximum} tháng hoặc có văn bản đồng ý",
            )
        return Check(
            "age_max_months",
            label,
            False,
            f"Tuổi đời vượt quy định: ngày {fmt(on)} người xin vào Đảng đã {found}, quy định không"
            f" quá {maximum // 12} tuổi ({maximum} tháng); trên {maximum // 12} tuổi phải có văn"
            " bản đồng ý của ban thường vụ tỉnh ủy (ghi cơ quan, số, ngày văn bản).",
            found=f"{months} tháng",
            required=f"≤ {maximum} tháng hoặc có văn bản đồng ý",
        )
    return Check(
        "age_min_months",
        label,
        True,
        f"{found} (từ {minimum // 12} đến {maximum // 12} tuổi).",
        found=f"{months} tháng",
        required=f"{minimum}–{maximum} tháng",
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
    label = "Trình độ học vấn"
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
            f"{found_label} (yêu cầu: {required_label}).",
            found=have,
            required=required,
        )
    if have == GeneralEducation.LITERATE and approval is not None:
        return Check(
            "education_min",
            label,
            True,
            f"Chỉ biết đọc, biết viết; đã có văn bản đồng ý của {approval.issuing_body} số"
            f" {approval.document_number} ngày {fmt(approval.date)}.",
            found=have,
            required=required,
        )
    return Check(
        "education_min",
        label,
        False,
        f"Trình độ học vấn chưa đạt: người xin vào Đảng có trình độ «{found_label}», quy định"
        f" tối thiểu «{required_label}»"
        + (
            "; trường hợp chỉ biết đọc, biết viết phải có văn bản đồng ý của cấp có thẩm quyền."
            if have == GeneralEducation.LITERATE
            else "."
        ),
        found=have,
        required=required,
    )


def check_certificate(*, certificate_date: dt.date | None, on: dt.date, rule_set: Any) -> Check:
    months = rule_set.int_value("certificate_valid_months")
    label = "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"
    if certificate_date is None:
        return Check(
            "certificate_valid_months",
            label,
            False,
            "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.",
            found="không có",
            required=f"giấy chứng nhận còn giá trị ({months} tháng)",
        )
    expiry = add_months(certificate_date, months)
    if on > expiry:
        return Check(
            "certificate_valid_months",
            label,
            False,
            f"Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng cấp ngày {fmt(certificate_date)}"
            f" đã hết giá trị ngày {fmt(expiry)} ({months} tháng); ngày {fmt(on)} đã quá hạn,"
            " phải học lại lớp.",
            found=fmt(certificate_date),
            required=f"không quá {months} tháng (đến {fmt(expiry)})",
        )
    return Check(
        "certificate_valid_months",
        label,
        True,
        f"Cấp ngày {fmt(certificate_date)}, còn giá trị đến {fmt(expiry)}.",
        found=fmt(certificate_date),
        required=f"đến {fmt(expiry)}",
    )


def check_vote(
    *, rule: str, label: str, eligible: int, votes_for: int, fraction: Fraction
) -> Check:
    found = f"{votes_for}/{eligible}"
    required = f"≥ {fraction.numerator}/{fraction.denominator} của {eligible}"
    if eligible > 0 and Fraction(votes_for, eligible) >= fraction:
        return Check(rule, label, True, f"{found} tán thành ({required}).", found, required)
    return Check(
        rule,
        label,
        False,
        f"{label}: {votes_for} trên {eligible} tán thành, chưa đạt"
        f" {fraction.numerator}/{fraction.denominator} tổng số.",
        found,
        required,
    )
