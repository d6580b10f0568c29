"""screening has no free-form filtered list: its pages are the screening list and the cases
of one organisation subtree (``selectors.list_flagged_members``, ``selectors.list_cases``),
narrowed by the organisation, the year and the case status chosen on the page."""
