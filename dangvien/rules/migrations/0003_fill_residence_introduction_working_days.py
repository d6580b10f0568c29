"""Add ``residence_introduction_working_days`` to every rule set that lacks it.

The members app used 60 working days as a constant in code while the rule sets had no key for it
(every rule value must come from the rule set in force). 213-QĐ/TW (2009) and Hướng dẫn
33-HD/BTCTW fix no number of days for introducing a member who works elsewhere to the party
organisation where they live; 60 working days is the practice recorded in the research brief
(§3, UNCONFIRMED), the same for all three shipped rule sets (24-QĐ/TW, 232-QĐ/TW, 294-QĐ/TW).
An administrator's rule set that already has the key keeps its value."""

from django.db import migrations

KEY = "residence_introduction_working_days"
VALUE = 60


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        if KEY not in rule_set.values:
            rule_set.values = {**rule_set.values, KEY: VALUE}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_fill_rule_sets")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
