"""The rule values of the regulations, as loaded by migrations 0002 and 0003 (and by tests).

Keys are stable names used by the code; values are numbers (months, working days) or fractions
written as text ("2/3"). Sources: see docs/pipeline.md and the ``source`` of each rule set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

COMMON_VALUES: dict[str, Any] = {
    "age_min_months": 216,
    "age_max_months": 720,
    "certificate_valid_months": 60,
    "introducer_together_months": 12,
    # The months an introducer worked, studied or lived with the candidate count from the age of
    # 16 (the Youth Union's lower age, the youngest a person works or studies in a unit of the
    # party organisation) for both of them: a bound of what is typed. Added by migration 0004.
    "introducer_together_from_age_months": 192,
    "introducer_count": 2,
    # With the Youth Union (or trade-union) committee introducing: this many official members too
    # (Charter Art. 4.1; 24-QĐ/TW 3.2.1/3.2.2, kept in 294-QĐ/TW). Added by migration 0003.
    "introducer_count_with_union": 1,
    "cell_vote_fraction": "2/3",
    "grassroots_vote_fraction": "2/3",
    # The most members a committee that votes on an admission (a grassroots or commune committee)
    # may have. No regulation in the research fixes one number (the congress directives size each
    # committee; the transitional commune committees of 7/2025 were appointed with several dozen
    # members): an upper bound against typing errors, UNCONFIRMED, to be narrowed in a new rule
    # set. Added by migration 0004.
    "committee_max_members": 55,
    "failed_votes_escalate_after": 3,
    "education_min": "lower_secondary",
    "education_min_disadvantaged": "primary",
    "decision_working_days": 60,
    "decision_extension_working_days": 30,
    "ceremony_working_days": 30,
    "probation_months": 12,
    "recognition_cell_working_days": 30,
    "recognition_decision_working_days": 30,
    "recognition_vote_fraction": "2/3",
    "transfer_start_working_days": 60,
    "transfer_present_working_days": 30,
    "readmission_wait_months": 36,
    "readmission_wait_months_criminal": 60,
    "worklist_horizon_days": 14,
    "cell_min_official_members": 3,
    # Member screening and dues (docs/members.md "Screening", "Dues"). Three months in a year
    # without activity or without dues, without reason, are grounds for removal: 24-QĐ/TW 8.1
    # (kept in 294-QĐ/TW), and for dues 01-QĐ/TW of 3/2/2026. The cell lists a member for help by
    # secret ballot of ≥ 2/3 of its official members (Chỉ thị 28-CT/TW, 02-HD/BTCTW step 1);
    # removal is considered when there is no progress after 12 months (24-QĐ/TW 8.1); two
    # consecutive years not completing duties (KHT) are grounds too. The long-absence threshold
    # (months in lost contact) is not fixed by a regulation: 6 is a stated practice (UNCONFIRMED).
    # Added by migration screening 0002.
    "dues_unpaid_months_alert": 3,
    "inactive_months_alert": 3,
    "long_absence_months": 6,
    "screening_vote_fraction": "2/3",
    "screening_help_months": 12,
    "kht_consecutive_years": 2,
    # Party badges (01-HD/TW 2021 §18, assumed unchanged in 06-HD/TW 2025): milestones in years
    # of party age, the award days (dd/mm), and how early a seriously ill member may receive a
    # badge: 12 months before milestones below 70 years, 24 months from 70 years on. Added by
    # migration badges 0002.
    "badge_milestones": "30,40,45,50,55,60,65,70,75,80,85,90",
    "badge_award_days": "03/02,19/05,02/09,07/11",
    "badge_early_months": 12,
    "badge_early_months_long": 24,
    "badge_early_long_from_years": 70,
    # 213-QĐ/TW and 33-HD/BTCTW (party members working elsewhere keep in touch with the party
    # organisation where they live) fix no number of days for the introduction; 60 working days
    # is the practice the research brief records (§3, UNCONFIRMED). Added by migration 0003.
    "residence_introduction_working_days": 60,
    # Who a class is for (06-HD/TW: the awareness class for outstanding people who are not
    # members, the new-member class for probationary members), as the member statuses allowed,
    # comma-separated ("none": not a member). Added by migration 0004.
    "awareness_class_statuses": "none",
    "new_member_class_statuses": "probationary",
    # Sane bounds of a class's dates (practice, not a regulation: classes last days or weeks;
    # a class is recorded at most 60 months back, the life of a certificate, and planned at
    # most 12 months ahead). Added by migration 0004.
    "class_max_length_days": 90,
    "class_start_max_past_months": 60,
    "class_start_max_ahead_months": 12,
}

# The organisation kinds that act as the committee directly above the grassroots organisations
# (cấp ủy cấp trên trực tiếp): they decide admissions and recognitions. Before 1/7/2025 the
# district (or the bloc) committee; from 1/7/2025 (294-QĐ/TW, no district level) the
# commune-level committee (or the bloc). Added by migration 0006.
SUPERIOR_BEFORE_2025: dict[str, Any] = {"superior_committee_kinds": "district,bloc"}
SUPERIOR_FROM_2025: dict[str, Any] = {"superior_committee_kinds": "commune,bloc"}

# Quality grading on the 100-point scale (Quy định 366-QĐ/TW of 30/8/2025, Hướng dẫn
# 43-HD/BTCTW of 31/10/2025; docs/members.md "Grading"). Only the rule sets in force from
# 1/7/2025 carry them: a period that ends under an earlier set is not graded on points. The
# bands are the published ones; the caps for a member or organisation disciplined in the period
# are the product's documented choice (the texts were not available: UNCONFIRMED). Added to the
# database by the grading app's migration 0002.
GRADING_VALUES: dict[str, Any] = {
    "grading_htxs_min_score": 90,
    "grading_htt_min_score": 70,
    "grading_ht_min_score": 50,
    "grading_disciplined_max_grade": "htt",
    "grading_org_htxs_min_score": 90,
    "grading_org_htt_min_score": 70,
    "grading_org_ht_min_score": 50,
    "grading_org_disciplined_max_grade": "htt",
}

RULE_SETS: list[dict[str, Any]] = [
    {
        "name": "Quy định 24-QĐ/TW và Hướng dẫn 01-HD/TW",
        "effective_from": dt.date(2021, 7, 30),
        "source": (
            "Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành Điều lệ"
            " Đảng; Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư về một số vấn đề cụ thể"
            " thi hành Điều lệ Đảng."
        ),
        "values": {**COMMON_VALUES, **SUPERIOR_BEFORE_2025},
    },
    {
        "name": "Quy định 294-QĐ/TW và Hướng dẫn 06-HD/TW",
        "effective_from": dt.date(2025, 7, 1),
        "source": (
            "Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều"
            " lệ Đảng; Hướng dẫn số 06-HD/TW ngày 9/6/2025 của Ban Bí thư về một số vấn đề cụ thể"
            " thi hành Điều lệ Đảng (áp dụng từ 01/7/2025, sau khi bỏ cấp huyện)."
        ),
        "values": {**COMMON_VALUES, **GRADING_VALUES, **SUPERIOR_FROM_2025},
    },
]
