"""Load the rule sets of 24-QĐ/TW + 01-HD/TW (30/7/2021), 232-QĐ/TW (20/1/2025) and 294-QĐ/TW + 06-HD/TW (1/7/2025).

The values are frozen here (a migration must not change when defaults.py changes later)."""

import datetime as dt

from django.db import migrations

COMMON = {
    "age_min_months": 216,
    "age_max_months": 720,
    "certificate_valid_months": 60,
    "introducer_together_months": 12,
    "introducer_count": 2,
    "cell_vote_fraction": "2/3",
    "grassroots_vote_fraction": "2/3",
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
}

SETS = [
    (
        "Quy định 24-QĐ/TW và Hướng dẫn 01-HD/TW",
        dt.date(2021, 7, 30),
        "Quy định số 24-QĐ/TW ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành Điều lệ"
        " Đảng; Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư về một số vấn đề cụ thể"
        " thi hành Điều lệ Đảng.",
    ),
    (
        "Quy định 232-QĐ/TW và Hướng dẫn 01-HD/TW",
        dt.date(2025, 1, 20),
        "Quy định số 232-QĐ/TW ngày 20/1/2025 của Ban Chấp hành Trung ương về thi hành Điều"
        " lệ Đảng; Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư.",
    ),
    (
        "Quy định 294-QĐ/TW và Hướng dẫn 06-HD/TW",
        dt.date(2025, 7, 1),
        "Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều"
        " lệ Đảng; Hướng dẫn số 06-HD/TW ngày 9/6/2025 của Ban Bí thư về một số vấn đề cụ thể"
        " thi hành Điều lệ Đảng (áp dụng từ 01/7/2025, sau khi bỏ cấp huyện).",
    ),
]


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for name, effective_from, source in SETS:
        RuleSet.objects.get_or_create(
            effective_from=effective_from,
            defaults={"name": name, "source": source, "values": dict(COMMON)},
        )


def empty(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    RuleSet.objects.filter(effective_from__in=[s[1] for s in SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(fill, empty)]
