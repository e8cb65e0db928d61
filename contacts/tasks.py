"""Background tasks (django-tasks; the database backend and `manage.py db_worker` in production)."""

from django_tasks import task

from contacts import emails


@task()
def send_email(email_id: int) -> str:
    """Sends one OutgoingEmail; a failure is recorded on it and retried later (see emails.py)."""
    return emails.deliver(email_id)
