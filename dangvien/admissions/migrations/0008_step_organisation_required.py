import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("admissions", "0007_step_organisation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="step",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="admission_steps",
                to="organisations.organisation",
                verbose_name="chi bộ",
            ),
        ),
    ]
