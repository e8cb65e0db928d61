"""Background tasks (django-tasks; the database backend and `manage.py db_worker`)."""

from django_tasks import task

from stats import queries


@task()
def refresh_statistics() -> bool:
    """Computes the figures of /stats again, unless another process has just done it."""
    return queries.refresh(unless_newer_than=queries.REFRESH_AFTER)
