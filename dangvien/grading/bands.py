"""The grade a score gives, from the rule set in force (bands and the cap for discipline).

Keys (``rules/defaults.py`` ``GRADING_VALUES``): ``grading_htxs_min_score``,
``grading_htt_min_score``, ``grading_ht_min_score`` (a score at or above the minimum reaches the
grade), ``grading_disciplined_max_grade`` (the best grade a member disciplined in the period may
get); the same with ``grading_org_`` for party organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from dangvien.core.errors import DomainError
from dangvien.grading.choices import GRADE_ORDER, GRADE_SHORT, Grade
from dangvien.rules.models import RuleSet

MEMBER = "grading"
ORGANISATION = "grading_org"


@dataclass(frozen=True)
class Bands:
    """Minimum scores of HTXS, HTT and HT and the cap for discipline, from one rule set."""

    htxs: Decimal
    htt: Decimal
    ht: Decimal
    disciplined_max: str
    rule_set: RuleSet
    prefix: str

    def grade(self, score: Decimal, *, disciplined: bool = False) -> str:
        """The grade of ``score``; a disciplined subject is capped at ``disciplined_max``."""
        if score >= self.htxs:
            grade = Grade.HTXS
        elif score >= self.htt:
            grade = Grade.HTT
        elif score >= self.ht:
            grade = Grade.HT
        else:
            grade = Grade.KHT
        if disciplined and GRADE_ORDER.index(grade) < GRADE_ORDER.index(self.disciplined_max):
            grade = Grade(self.disciplined_max)
        return str(grade)

    def describe(self) -> str:
        """«HTXS ≥ 90; HTT ≥ 70; HT ≥ 50; KHT < 50; bị kỷ luật: tối đa HTT»."""
        from dangvien.core.formatting import format_number

        return _(
            "HTXS từ %(htxs)s điểm; HTT từ %(htt)s; HT từ %(ht)s; KHT dưới %(ht)s;"
            " bị kỷ luật trong kỳ: cao nhất %(cap)s"
        ) % {
            "htxs": format_number(self.htxs),
            "htt": format_number(self.htt),
            "ht": format_number(self.ht),
            "cap": GRADE_SHORT[self.disciplined_max],
        }


def bands_from(rule_set: RuleSet, *, prefix: str = MEMBER) -> Bands:
    """The bands of ``rule_set``; a DomainError naming the rule set when it has no 100-point
    grading (a period ending before 366-QĐ/TW) or its values are inconsistent."""
    key = f"{prefix}_htxs_min_score"
    if key not in rule_set.values:
        raise DomainError(
            _(
                "Bộ quy định «%(name)s» (hiệu lực từ %(date)s) chưa có thang điểm 100 để xếp loại"
                " chất lượng (Quy định 366-QĐ/TW, áp dụng cho kỳ kết thúc từ ngày 01/7/2025)."
            )
            % {"name": rule_set.name, "date": f"{rule_set.effective_from:%d/%m/%Y}"},
            rule=key,
            found=rule_set.name,
            required=_("bộ quy định có thang điểm xếp loại"),
        )
    try:
        htxs, htt, ht = (
            Decimal(str(rule_set.value(f"{prefix}_{name}_min_score")))
            for name in ("htxs", "htt", "ht")
        )
    except ArithmeticError as exc:
        raise DomainError(
            _("Thang điểm xếp loại trong bộ quy định «%s» không phải là số.") % rule_set.name,
            rule=key,
        ) from exc
    cap = str(rule_set.value(f"{prefix}_disciplined_max_grade"))
    if not (0 <= ht < htt < htxs <= 100) or cap not in Grade.values:
        raise DomainError(
            _(
                "Thang điểm xếp loại trong bộ quy định «%(name)s» không hợp lệ: cần"
                " 0 ≤ HT < HTT < HTXS ≤ 100 và mức trần là một trong %(grades)s."
            )
            % {"name": rule_set.name, "grades": ", ".join(Grade.values)},
            rule=key,
            found=f"{ht}/{htt}/{htxs}/{cap}",
            required="0 ≤ HT < HTT < HTXS ≤ 100",
        )
    return Bands(htxs=htxs, htt=htt, ht=ht, disciplined_max=cap, rule_set=rule_set, prefix=prefix)
