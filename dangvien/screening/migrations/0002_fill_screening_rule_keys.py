"""Add the screening and dues keys to every rule set that lacks them.

- ``dues_unpaid_months_alert`` 3 and ``inactive_months_alert`` 3: three months in a year
  without paying dues or without party activity, without reason, are grounds for removal
  (Quy định 24-QĐ/TW 8.1, kept in 294-QĐ/TW; for dues also Quy định 01-QĐ/TW of 3/2/2026).
- ``screening_vote_fraction`` "2/3": the cell lists a member for education and help by secret
  ballot of at least two thirds of its official members (Chỉ thị 28-CT/TW of 21/1/2019,
  Hướng dẫn 02-HD/BTCTW of 12/4/2021, step 1).
- ``screening_help_months`` 12: removal is considered when the member has been educated by the
  cell with no progress after 12 months (24-QĐ/TW 8.1).
- ``kht_consecutive_years`` 2: two consecutive years of violating membership standing
  (research brief §4.2: whether this means two KHT grades is UNCONFIRMED; the cell decides).
- ``long_absence_months`` 6: no regulation fixes the number; a stated practice (UNCONFIRMED).

The values are written here, not read from defaults.py (a migration must not change when
defaults.py changes later). An administrator's rule set that already has a key keeps it. The
migration lives in the screening app because screening is what reads these keys."""

from django.db import migrations

VALUES = {
    "dues_unpaid_months_alert": 3,
    "inactive_months_alert": 3,
    "long_absence_months": 6,
    "screening_vote_fraction": "2/3",
    "screening_help_months": 12,
    "kht_consecutive_years": 2,
}


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        missing = {key: value for key, value in VALUES.items() if key not in rule_set.values}
        if missing:
            rule_set.values = {**rule_set.values, **missing}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [
        ("screening", "0001_initial"),
        ("rules", "0003_fill_residence_and_union_introducer_keys"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
