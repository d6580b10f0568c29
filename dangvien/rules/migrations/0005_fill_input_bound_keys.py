"""Add ``introducer_together_from_age_months`` and ``committee_max_members`` to every rule set
that lacks them: the bounds of two numbers typed on the admission path (the months an introducer
spent with the candidate, the members of the committee that votes), which the admissions
services checked nowhere (issue 14: 300 months together for an 18-year-old, a committee of
99.999 members). Values and sources: ``rules/defaults.py``. An administrator's rule set that
already has a key keeps its value."""

from django.db import migrations

VALUES = {"introducer_together_from_age_months": 192, "committee_max_members": 55}


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        missing = {key: value for key, value in VALUES.items() if key not in rule_set.values}
        if missing:
            rule_set.values = {**rule_set.values, **missing}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0004_fill_training_class_keys")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
