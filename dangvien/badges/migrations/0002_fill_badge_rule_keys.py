"""Add the party-badge keys to every rule set that lacks them.

Source: Hướng dẫn 01-HD/TW (28/9/2021) §18 (badge rules assumed unchanged by 06-HD/TW of 2025,
research brief §5): badges for 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85 and 90 years of party
age; awarded on 3/2, 19/5, 2/9 and 7/11; a seriously ill member may receive the badge up to 12
months early (30–65 years) or 24 months early (70–90 years).

The values are written here, not read from defaults.py. An administrator's rule set that
already has a key keeps it."""

from django.db import migrations

VALUES = {
    "badge_milestones": "30,40,45,50,55,60,65,70,75,80,85,90",
    "badge_award_days": "03/02,19/05,02/09,07/11",
    "badge_early_months": 12,
    "badge_early_months_long": 24,
    "badge_early_long_from_years": 70,
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
        ("badges", "0001_initial"),
        ("rules", "0003_fill_residence_and_union_introducer_keys"),
    ]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
