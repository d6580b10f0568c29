from dangvien.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    kind = "people"
    help = (
        "Import people from an Excel file: FILE.xlsx [--commit] [--as USER] "
        "[--duplicates skip|update|create]."
    )
