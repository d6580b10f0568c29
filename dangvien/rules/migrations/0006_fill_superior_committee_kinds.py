"""Add ``superior_committee_kinds`` to every rule set that lacks it: the organisation kinds that
act as the committee directly above the grassroots organisations (cấp ủy cấp trên trực tiếp),
the level that decides admissions and recognitions (issue 11, item 5: authority as data).

Before 1/7/2025 (24-QĐ/TW, 01-HD/TW): the district committee (huyện ủy, quận ủy) or the bloc
committee (đảng ủy khối) and their equivalents: ``district,bloc``. From 1/7/2025 (294-QĐ/TW,
06-HD/TW, after the district level was abolished): the commune-level committees (xã, phường,
đặc khu) and the bloc committees: ``commune,bloc``. The value is the list of kinds (comma
separated, ``organisations.choices.OrganisationKind``); the deciding committee of a cell on a
date is its nearest ancestor of one of these kinds valid on that date
(``members.selectors.deciding_committee``).

An administrator's rule set that already has the key keeps its value."""

import datetime as dt

from django.db import migrations

CHANGE = dt.date(2025, 7, 1)
BEFORE, FROM = "district,bloc", "commune,bloc"


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        if "superior_committee_kinds" in rule_set.values:
            continue
        value = FROM if rule_set.effective_from >= CHANGE else BEFORE
        rule_set.values = {**rule_set.values, "superior_committee_kinds": value}
        rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0005_fill_input_bound_keys")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
