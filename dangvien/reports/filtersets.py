"""reports lists no rows to filter: a report is chosen by organisation and period, parsed and
checked in ``access.py``; its drill-down lists are the owning apps' lists and FilterSets."""
