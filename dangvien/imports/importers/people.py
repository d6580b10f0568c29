"""People (quần chúng) from Excel: the person columns, nothing else."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.core.importing import ProgressCallback, no_progress
from dangvien.imports.importers.base import (
    PERSON_WRITE_FIELDS,
    Analysis,
    Importer,
    RowResult,
    person_values,
)
from dangvien.imports.models import DuplicateChoice, ImportKind
from dangvien.imports.writing import insert_rows
from dangvien.people.models import Person

BATCH = 1000


def write_people(
    results: list[RowResult],
    *,
    progress: ProgressCallback = no_progress,
    offset: int = 0,
    total: int = 0,
) -> dict[int, int]:
    """Create or update the people of ``results`` (their choice is in ``extra['choice']``);
    returns row number → person id for every row that now has a person."""
    creates: list[tuple[RowResult, dict[str, Any]]] = []
    updates: list[tuple[RowResult, Person]] = []
    update_ids = [r.match_id for r in results if r.extra.get("choice") == DuplicateChoice.UPDATE]
    existing = Person.objects.in_bulk([i for i in update_ids if i is not None])
    row_person: dict[int, int] = {}
    now = timezone.now()
    for result in results:
        choice = result.extra.get("choice")
        if result.status == "new" or choice == DuplicateChoice.CREATE:
            creates.append((result, _row(result.data)))
        elif choice == DuplicateChoice.UPDATE and result.match_id in existing:
            person = existing[result.match_id]
            person.updated_at = now
            for key, value in person_values(result.data).items():
                setattr(person, key, value)
            updates.append((result, person))
        elif choice == DuplicateChoice.SKIP and result.match_id is not None:
            row_person[result.row] = result.match_id
    total = total or len(results)
    done = offset
    for start in range(0, len(creates), BATCH):
        new_rows = creates[start : start + BATCH]
        ids = insert_rows(Person, [row for _r, row in new_rows])
        for (result, _row_values), pk in zip(new_rows, ids, strict=True):
            row_person[result.row] = pk
        done += len(new_rows)
        progress("write", done, total)
    for start in range(0, len(updates), BATCH):
        batch = updates[start : start + BATCH]
        Person.objects.bulk_update(
            [person for _r, person in batch], [*PERSON_WRITE_FIELDS, "updated_at"]
        )
        for result, person in batch:
            row_person[result.row] = person.pk
        done += len(batch)
        progress("write", done, total)
    return row_person


FOREIGN_KEYS = ("ethnic_group", "religion", "occupation", "organisation")


def _row(data: dict[str, Any]) -> dict[str, Any]:
    """A new person's values by attname (foreign keys as ids), for ``insert_rows``."""
    row = person_values(data)
    for key in FOREIGN_KEYS:
        if key in row:
            row[f"{key}_id"] = row.pop(key).pk
    return row


class PeopleImporter(Importer):
    kind = ImportKind.PEOPLE
    title = _("Danh sách quần chúng")
    action = "person.change"

    def write(
        self, analysis: Analysis, *, actor: Any, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        row_person = write_people(analysis.results, progress=progress)
        return _counts(analysis.results, row_person)


def _counts(results: list[RowResult], row_person: dict[int, int]) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "skipped": 0}
    for result in results:
        choice = result.extra.get("choice")
        if result.status == "new" or choice == DuplicateChoice.CREATE:
            counts["created"] += 1
        elif choice == DuplicateChoice.UPDATE:
            counts["updated"] += 1
        else:
            counts["skipped"] += 1
    return counts
