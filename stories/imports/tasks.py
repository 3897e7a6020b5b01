"""Confirmed CSV imports, run by a worker; the run claims its own rows, so any number of
deliveries of the same import write each row once."""

from django.db import InterfaceError, OperationalError

from insightboard.celery import background_task
from stories.imports import runs


@background_task(
    ignore_result=True,
    # A lost database connection: the retry carries on after the last committed chunk.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    max_retries=5,
)
def import_story_file(story_import_id: int) -> int:
    return runs.story_import_run(story_import_id=story_import_id)


@background_task(ignore_result=True)
def resume_stalled_imports() -> int:
    """Every few minutes (beat). Not retried: the next beat is its retry."""
    return runs.stalled_imports_resume(queue=import_story_file.delay_on_commit)
