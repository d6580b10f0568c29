"""reports owns no tables: every figure is an aggregate over the facts of the apps below it
(``selectors.py``), read-only."""
