"""targets has no filtered list: targets are shown as the allocation of one organisation and
year (``selectors.get_target_allocation``), chosen on the page."""
