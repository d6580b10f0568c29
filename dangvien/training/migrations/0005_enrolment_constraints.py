"""The uniqueness of enrolments and certificate numbers among the rows in force, after the
data migration that fills the issuing body."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("training", "0004_fill_issuing_body")]
    operations = [
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.UniqueConstraint(condition=models.Q(('superseded_at__isnull', True)), fields=('training_class', 'person'), name='unique_enrolment'),
        ),
        migrations.AddConstraint(
            model_name='enrolment',
            constraint=models.UniqueConstraint(condition=models.Q(('completed', True), ('removed', False), ('superseded_at__isnull', True)), fields=('issuing_body', 'certificate_number'), name='unique_certificate_number'),
        ),
    ]
