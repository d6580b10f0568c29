"""Background tasks (django-tasks, database backend; ``manage.py db_worker`` runs them)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from dangvien.imports import services
from dangvien.imports.models import ImportJob
from dangvien.imports.progress import ProgressWriter


@task()
def analyse_import_task(job_id: int, actor_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=actor_id)
    job = services.analyse_import(job, actor=actor, progress=ProgressWriter(job_id))
    return str(job.status)


@task()
def commit_import_task(job_id: int, actor_id: int) -> str:
    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.get(pk=actor_id)
    job = services.commit_import(job, actor=actor, progress=ProgressWriter(job_id))
    return str(job.status)
