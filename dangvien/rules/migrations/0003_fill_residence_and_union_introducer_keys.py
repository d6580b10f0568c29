"""Add ``residence_introduction_working_days`` and ``introducer_count_with_union`` to every rule
set that lacks them.

``residence_introduction_working_days``: the members app used 60 working days as a constant in code while the rule sets had no key for it
(every rule value must come from the rule set in force). 213-QĐ/TW (2009) and Hướng dẫn
33-HD/BTCTW fix no number of days for introducing a member who works elsewhere to the party
organisation where they live; 60 working days is the practice recorded in the research brief
(§3, UNCONFIRMED), the same for all three shipped rule sets (24-QĐ/TW, 232-QĐ/TW, 294-QĐ/TW).

``introducer_count_with_union``: the admissions app wrote the 1 of "the Youth Union (or
trade-union) committee plus one official member" in code. Source: Party Charter Art. 4.1,
Quy định 24-QĐ/TW 3.2.1/3.2.2, kept in 294-QĐ/TW; 1 in every shipped rule set.

An administrator's rule set that already has a key keeps its value."""

from django.db import migrations

VALUES = {"residence_introduction_working_days": 60, "introducer_count_with_union": 1}


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        missing = {key: value for key, value in VALUES.items() if key not in rule_set.values}
        if missing:
            rule_set.values = {**rule_set.values, **missing}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_fill_rule_sets")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
