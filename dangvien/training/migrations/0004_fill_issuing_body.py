"""Certificates already issued get their issuing body, in a migration of its own: PostgreSQL
refuses to build an index on a table with pending trigger events in the same transaction."""

from django.db import migrations


def fill_issuing_body(apps, schema_editor):
    """Certificates already issued record attendance and a pass, and get their issuing body (the class's organiser). Where the
    same number went to several people of one body (issue 14), only the first keeps it for the
    uniqueness constraint; the others keep their number and can be corrected on the class page.
    """
    Enrolment = apps.get_model("training", "Enrolment")
    # a certificate was issued: the student attended and passed
    Enrolment.objects.filter(completed=True).update(attended=True, result="passed")
    seen = set()
    rows = (
        Enrolment.objects.filter(completed=True)
        .exclude(certificate_number="")
        .select_related("training_class")
        .order_by("certificate_date", "pk")
    )
    for enrolment in rows:
        key = (enrolment.training_class.organiser_id, enrolment.certificate_number)
        if key in seen:
            continue
        seen.add(key)
        enrolment.issuing_body_id = enrolment.training_class.organiser_id
        enrolment.save(update_fields=["issuing_body"])


class Migration(migrations.Migration):
    dependencies = [("training", "0003_enrolment_history_proposals")]
    operations = [migrations.RunPython(fill_issuing_body, migrations.RunPython.noop)]
