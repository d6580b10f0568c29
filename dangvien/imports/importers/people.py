"""People (quần chúng) from Excel: the person columns, nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from dangvien.core.importing import ProgressCallback, no_progress
from dangvien.imports.importers.base import Analysis, Importer, RowResult, person_values
from dangvien.imports.models import DuplicateChoice, ImportKind
from dangvien.people.services import bulk_create_people, bulk_update_people

if TYPE_CHECKING:
    from dangvien.accounts.models import User


def write_people(
    results: list[RowResult],
    *,
    actor: User,
    source: dict[str, Any] | None = None,
    progress: ProgressCallback = no_progress,
    total: int = 0,
) -> dict[int, int]:
    """Create or update the people of ``results`` (their choice is in ``extra['choice']``)
    through the people services; returns row number → person id for every row that now has
    a person."""
    creates: list[RowResult] = []
    updates: dict[int, RowResult] = {}
    row_person: dict[int, int] = {}
    for result in results:
        choice = result.extra.get("choice")
        if result.status == "new" or choice == DuplicateChoice.CREATE:
            creates.append(result)
        elif choice == DuplicateChoice.UPDATE and result.match_id is not None:
            updates[result.match_id] = result
        elif choice == DuplicateChoice.SKIP and result.match_id is not None:
            row_person[result.row] = result.match_id
    total = total or len(results)

    def created(phase: str, done: int, _total: int) -> None:
        progress(phase, done, total)

    def updated(phase: str, done: int, _total: int) -> None:
        progress(phase, len(creates) + done, total)

    ids = bulk_create_people(
        [person_values(result.data) for result in creates],
        actor=actor,
        source=source,
        row_numbers=[result.row for result in creates],
        progress=created,
    )
    for result, pk in zip(creates, ids, strict=True):
        row_person[result.row] = pk
    people = bulk_update_people(
        {pk: person_values(result.data) for pk, result in updates.items()},
        actor=actor,
        source=source,
        row_numbers={pk: result.row for pk, result in updates.items()},
        progress=updated,
    )
    for person in people:
        row_person[updates[person.pk].row] = person.pk
    return row_person


class PeopleImporter(Importer):
    kind = ImportKind.PEOPLE
    title = _("Danh sách quần chúng")
    action = "person.change"

    def write(
        self, analysis: Analysis, *, actor: User, progress: ProgressCallback = no_progress
    ) -> dict[str, int]:
        row_person = write_people(
            analysis.results, actor=actor, source=self.source, progress=progress
        )
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
