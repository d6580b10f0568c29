"""grading has no filtered list: a sheet is one cell (or one organisation's children) and one
period, chosen on the page; the report's drill-down lists live in ``reports``."""
