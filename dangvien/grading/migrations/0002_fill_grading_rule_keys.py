"""Add the grading keys (100-point bands and the cap for discipline) to every rule set in force
from 1/7/2025 that lacks them.

Source: Quy định 366-QĐ/TW (30/8/2025) and Hướng dẫn 43-HD/BTCTW (31/10/2025) of the Politburo
and the Central Organisation Commission: HTXS from 90 points, HTT from 70, HT from 50, KHT below
50 (research brief §4.1). The best grade of a member or organisation disciplined in the period
(HTT: "cannot be HTXS") is the product's documented choice; the texts were not available
(UNCONFIRMED). The earlier rule sets (24-QĐ/TW, 232-QĐ/TW) get no keys: grading on points starts
with 366-QĐ/TW, so a period ending before 1/7/2025 is refused with a message naming the rule set.
The values are frozen here (a migration must not change when defaults.py changes later); an
administrator's rule set that already has a key keeps its value."""

import datetime as dt

from django.db import migrations

FROM = dt.date(2025, 7, 1)
VALUES = {
    "grading_htxs_min_score": 90,
    "grading_htt_min_score": 70,
    "grading_ht_min_score": 50,
    "grading_disciplined_max_grade": "htt",
    "grading_org_htxs_min_score": 90,
    "grading_org_htt_min_score": 70,
    "grading_org_ht_min_score": 50,
    "grading_org_disciplined_max_grade": "htt",
}


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.filter(effective_from__gte=FROM):
        missing = {key: value for key, value in VALUES.items() if key not in rule_set.values}
        if missing:
            rule_set.values = {**rule_set.values, **missing}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("grading", "0001_initial"), ("rules", "0003_fill_residence_and_union_introducer_keys")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
