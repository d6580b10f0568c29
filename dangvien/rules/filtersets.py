"""rules has no filtered lists: the rule sets (a handful) are shown whole, and the working-day
calendar by year (``selectors.list_calendar_days``)."""
