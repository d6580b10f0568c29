from dangvien.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    kind = "grades"
    help = "Import a cell's grading sheet from an Excel file: FILE.xlsx [--commit] [--as USER]."
