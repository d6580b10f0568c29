"""Add the training keys to every rule set that lacks them.

``awareness_class_statuses`` / ``new_member_class_statuses``: who may be enrolled in each kind
of class, as member statuses (comma-separated; ``none`` = not a member). The awareness class
(lớp bồi dưỡng nhận thức về Đảng) is for outstanding people who are not members; the
new-member class (lớp bồi dưỡng đảng viên mới) for probationary members (Hướng dẫn 06-HD/TW,
and 01-HD/TW before it). Issue 14 found an official member of 1997 in an awareness class and
non-members in a new-member class.

``class_max_length_days`` (90), ``class_start_max_past_months`` (60),
``class_start_max_ahead_months`` (12): the sane bounds of a class's dates. No regulation fixes
them; they refuse typing errors (01/01/1900 – 05/06/2900 was accepted) while allowing a class to
be recorded as far back as a certificate stays valid (60 months).

An administrator's rule set that already has a key keeps its value."""

from django.db import migrations

VALUES = {
    "awareness_class_statuses": "none",
    "new_member_class_statuses": "probationary",
    "class_max_length_days": 90,
    "class_start_max_past_months": 60,
    "class_start_max_ahead_months": 12,
}


def fill(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for rule_set in RuleSet.objects.all():
        missing = {key: value for key, value in VALUES.items() if key not in rule_set.values}
        if missing:
            rule_set.values = {**rule_set.values, **missing}
            rule_set.save(update_fields=["values"])


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_fill_residence_and_union_introducer_keys")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
