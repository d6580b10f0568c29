from dangvien.imports.management.commands._base import ImportCommand


class Command(ImportCommand):
    kind = "class_results"
    help = "Import awareness-class results from an Excel file: FILE.xlsx [--commit] [--as USER]."
