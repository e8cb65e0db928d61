"""Background tasks (django-tasks; the database backend and `manage.py db_worker` in production)."""

from django_tasks import task

from contacts import emails


@task()
def send_email(email_id: int) -> str:
    """Sends one OutgoingEmail; a failure is recorded on it and retried later (see emails.py)."""
    return emails.deliver(email_id)


@task()
def run_bulk_job(job_id: int) -> str:
    """Runs a bulk eligibility test (contacts/bulk.py); a failure marks the job failed, with its
    reason, and keeps its file for another run."""
    from contacts import bulk

    return bulk.run(job_id)


@task()
def build_bulk_xlsx(job_id: int) -> str:
    """Writes the Excel copy of a finished bulk test's result (contacts/bulk.py)."""
    from contacts import bulk

    return bulk.build_xlsx(job_id)
