from django.db import migrations


def fill(apps, schema_editor):
    from dangvien.core.text import fold
    from dangvien.people.reference_data import ETHNIC_GROUPS, OCCUPATIONS, RELIGIONS

    for model_name, rows in (
        ("EthnicGroup", ETHNIC_GROUPS),
        ("Religion", RELIGIONS),
        ("Occupation", OCCUPATIONS),
    ):
        model = apps.get_model("people", model_name)
        for code, name in rows:
            model.objects.update_or_create(
                code=code, defaults={"name": name, "name_folded": fold(name)}
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
