"""Background tasks (django-tasks, database backend; ``manage.py db_worker`` runs them).

Each task parses an uploaded file under a memory cap (``IMPORT_WORKER_MEMORY_MB``): a file
that needs more is refused with a Vietnamese message and the worker goes on with the queue.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django_tasks import task

from dangvien.core.memory import address_space_cap
from dangvien.imports import services
from dangvien.imports.models import ImportJob
from dangvien.imports.progress import ProgressWriter


def _cap() -> int:
    return int(settings.IMPORT_WORKER_MEMORY_MB) * 1024 * 1024


@task()
def analyse_import_task(job_id: int, actor_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=actor_id)
    try:
        with address_space_cap(_cap()):
            job = services.analyse_import(job, actor=actor, progress=ProgressWriter(job_id))
    except MemoryError:
        job = services.refuse_for_memory(job)
    return str(job.status)


@task()
def commit_import_task(job_id: int, actor_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=actor_id)
    try:
        with address_space_cap(_cap()):
            job = services.commit_import(job, actor=actor, progress=ProgressWriter(job_id))
    except MemoryError:
        job = services.refuse_for_memory(job)
    return str(job.status)
