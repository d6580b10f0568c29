"""rules needs no scoped querysets: rule sets and the working-day calendar are national, read by
everyone (``selectors.get_rule_set``) and changed only by holders of ``rules.change`` /
``calendar.change``."""
