"""Each step records the cell that held the dossier when it was recorded (issue 11).

Backfill: the dossier's cell, except for the steps of a dossier handed over by a
reorganisation (the audit rows ``admissions.dossier.reorganised``: from, to, effective date)
dated before the handover, which stay at the cell that handed it over."""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models


def backfill(apps, schema_editor):
    Step = apps.get_model("admissions", "Step")
    Dossier = apps.get_model("admissions", "Dossier")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    Organisation = apps.get_model("organisations", "Organisation")
    OrganisationAlias = apps.get_model("organisations", "OrganisationAlias")
    # every step at its dossier's (current) cell, one UPDATE
    Step.objects.update(
        organisation_id=models.Subquery(
            Dossier.objects.filter(pk=models.OuterRef("dossier_id")).values("organisation_id")[:1]
        )
    )
    handovers = list(
        AuditEvent.objects.filter(action="admissions.dossier.reorganised").values_list(
            "target_id", "data"
        )
    )
    if not handovers:
        return
    codes = dict(Organisation.objects.values_list("code", "pk"))
    for code, pk in OrganisationAlias.objects.values_list("code", "organisation_id"):
        codes.setdefault(code, pk)
    rows = []
    for target_id, data in handovers:
        source = codes.get((data or {}).get("from"))
        try:
            day = dt.date.fromisoformat(str((data or {}).get("date")))
            dossier = int(target_id)
        except ValueError:
            continue
        if source is not None:
            rows.append((day, dossier, source))
    # the latest handover first: the steps before an earlier one end at its source
    for day, dossier, source in sorted(rows, reverse=True):
        Step._base_manager.filter(dossier_id=dossier, date__lt=day).update(organisation_id=source)


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0006_step_attachment"),
        ("audit", "0001_initial"),
        ("organisations", "0004_backfill_placements"),
    ]

    operations = [
        migrations.AddField(
            model_name="step",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="admission_steps",
                to="organisations.organisation",
                verbose_name="chi bộ",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
