from dangvien.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    kind = "outstanding"
    help = (
        "Import a cell's outstanding list from an Excel file: FILE.xlsx [--commit] [--as USER] "
        "[--duplicates skip|update|create]."
    )
