"""imports has no multi-model reads of its own: a job is read through ``ImportJob.objects
.visible_to(user)`` (``querysets.py``) and ``access.get_import_job_for_user``; the rows an import
checks against are read by the importers through the owning apps' querysets."""
