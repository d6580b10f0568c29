"""imports has no filtered list: a user sees their own recent import jobs, newest first
(``ImportJob.objects.visible_to``); the list exports it serves use each owning app's FilterSet."""
