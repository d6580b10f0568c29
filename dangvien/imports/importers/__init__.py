"""The kinds of Excel import. Each is an ``Importer`` subclass: columns, row validation, write."""

from __future__ import annotations

from dangvien.imports.importers.base import Importer
from dangvien.imports.importers.class_results import ClassResultsImporter
from dangvien.imports.importers.grades import GradesImporter
from dangvien.imports.importers.members import MembersImporter
from dangvien.imports.importers.outstanding import OutstandingImporter
from dangvien.imports.importers.people import PeopleImporter

IMPORTERS: dict[str, type[Importer]] = {
    PeopleImporter.kind: PeopleImporter,
    MembersImporter.kind: MembersImporter,
    OutstandingImporter.kind: OutstandingImporter,
    ClassResultsImporter.kind: ClassResultsImporter,
    GradesImporter.kind: GradesImporter,
}


def importer_for(kind: str, *, user: object) -> Importer:
    return IMPORTERS[kind](user=user)
