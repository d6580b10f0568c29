"""One open placement per existing node (valid from the node's own valid_from), with the
primary-key path of its ancestors: the history of the tree starts as today's tree."""

from django.db import migrations

STEP = 10
STEPLEN = 4  # treebeard's path step of Organisation


def backfill(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Placement = apps.get_model("organisations", "OrganisationPlacement")
    placed = set(Placement.objects.values_list("organisation_id", flat=True))
    rows = list(Organisation.objects.order_by("path").values_list("pk", "path", "valid_from"))
    pk_by_path = {path: pk for pk, path, _valid_from in rows}
    new = []
    for pk, path, valid_from in rows:
        if pk in placed:
            continue
        ancestors = [pk_by_path[path[:end]] for end in range(STEPLEN, len(path) + 1, STEPLEN)]
        new.append(
            Placement(
                organisation_id=pk,
                parent_id=ancestors[-2] if len(ancestors) > 1 else None,
                path="".join(f"{ancestor:0{STEP}d}" for ancestor in ancestors),
                depth=len(ancestors),
                valid_from=valid_from,
            )
        )
    Placement.objects.bulk_create(new, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0003_reorganisation_placements")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
