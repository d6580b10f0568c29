from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.core.typing import AnyUser
from dangvien.imports.models import ImportJob
from dangvien.imports.services import may_run


def get_import_job_for_user(user: AnyUser, pk: int, *, action: str = "view") -> ImportJob:
    job = ImportJob.objects.visible_to(user).select_related("organisation").filter(pk=pk).first()
    if job is None:
        raise Http404("import job")
    if action == "import.run" and not may_run(job, user):
        raise PermissionDenied(action)
    return job
