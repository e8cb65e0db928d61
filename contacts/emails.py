"""Emails about leads: rendered from templates/emails/<name>_subject.txt and _body.txt (plain
text), stored as OutgoingEmail rows, sent by a background task with retries.

The row is written in the same transaction as what caused it; the task is enqueued once that
transaction commits. A failed send is recorded on the row (attempts, last error) and retried
later with a growing delay: through the task backend's `run_after` when it can defer tasks (the
database backend in production), else by `send_pending_emails`, which also picks up any row whose
task was lost. Nothing depends on the email being sent: the lead is already saved.
"""

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contacts.models import Lead, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# Delay before attempt n + 1 after n failures: 1 min, 5 min, 30 min, 2 h, 6 h.
BACKOFF_SECONDS = [60, 300, 1800, 7200, 21600]
FOLLOWUP_SALT = "contacts.followup"
FOLLOWUP_MAX_AGE = timedelta(days=365)
FOLLOWUP_ANSWERS = {"oui": True, "non": False}
_BLANK_LINES = re.compile(r"\n{3,}")


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def followup_url(lead: Lead, answer: str) -> str:
    """A one-click answer link. It names the lead by its id, not by the secret of its private
    link: a signature is readable by anyone who sees the link, only unforgeable."""
    signed = signing.dumps({"l": lead.pk, "a": answer}, salt=FOLLOWUP_SALT)
    return absolute(reverse("contacts:followup_answer", args=[signed]))


def read_followup_signature(signed: str) -> tuple[int, bool] | None:
    """(lead id, contacted) from a follow-up link; None when forged, altered or expired."""
    try:
        payload = signing.loads(signed, salt=FOLLOWUP_SALT, max_age=FOLLOWUP_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("a") not in FOLLOWUP_ANSWERS:
        return None
    if not isinstance(payload.get("l"), int):
        return None
    return payload["l"], FOLLOWUP_ANSWERS[payload["a"]]


def render(name: str, context: dict) -> tuple[str, str]:
    """(subject on one line, body) of templates/emails/<name>_subject.txt and _body.txt."""
    context = {"site_url": settings.SITE_URL, "contact_email": settings.CONTACT_EMAIL, **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_body.txt", context)
    # Template tags leave blank lines and trailing spaces behind: one blank line at most.
    body = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in body.splitlines()))
    return subject[:255], body.strip() + "\n"


def queue(
    *, lead: Lead | None, kind: str, recipient: str, template: str, context: dict, reply_to=""
) -> OutgoingEmail:
    """Stores the email and enqueues its sending once the current transaction commits."""
    subject, body = render(template, context)
    email = OutgoingEmail.objects.create(
        lead=lead, kind=kind, recipient=recipient, reply_to=reply_to, subject=subject, body=body
    )
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id: int, *, run_after=None) -> None:
    """Hands the sending to the task backend. Failures to enqueue are left to
    `send_pending_emails`: the row stays queued."""
    from contacts.tasks import send_email

    task = send_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # send_pending_emails retries it when it is due
        task = task.using(run_after=run_after)
    try:
        task.enqueue(email_id)
    except Exception:
        logger.exception("Could not enqueue email %s; send_pending_emails will send it.", email_id)


def build_message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        reply_to=[email.reply_to] if email.reply_to else None,
    )


def deliver(email_id: int, *, now=None) -> str:
    """Sends one email unless it is already sent or cancelled; returns its status. On failure,
    records the error and plans a retry (up to MAX_ATTEMPTS attempts)."""
    with transaction.atomic():
        try:
            email = (
                OutgoingEmail.objects.select_for_update(of=("self",))
                .select_related("lead")
                .get(pk=email_id)
            )
        except OutgoingEmail.DoesNotExist:
            return "missing"
        if email.status not in {OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED}:
            return email.status
        if (email.lead is not None and email.lead.is_anonymised) or not email.recipient:
            email.status = OutgoingEmail.Status.CANCELLED
            email.next_attempt_at = None
            email.save(update_fields=["status", "next_attempt_at"])
            return email.status
        if email.lead is not None:
            # Never to an organisation the lead has left (a retry planned before a
            # reassignment): the current organisation is notified instead.
            from contacts import services

            if not services.still_addressed(email, email.lead):
                services.redirect_to_current_organisation(email=email, lead=email.lead, now=now)
                logger.warning(
                    "Email %s (%s) cancelled: its recipient no longer receives lead %s.",
                    email.pk,
                    email.kind,
                    email.lead_id,
                )
                return email.status
        email.attempts += 1
        try:
            build_message(email).send()
        except Exception as error:  # any failure of the email backend or provider
            now = now or timezone.now()
            email.status = OutgoingEmail.Status.FAILED
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts < MAX_ATTEMPTS:
                delay = BACKOFF_SECONDS[min(email.attempts - 1, len(BACKOFF_SECONDS) - 1)]
                email.next_attempt_at = now + timedelta(seconds=delay)
                retry_at = email.next_attempt_at
                transaction.on_commit(lambda: enqueue(email.pk, run_after=retry_at))
            else:
                email.next_attempt_at = None
            logger.warning(
                "Email %s (%s) failed, attempt %s: %s",
                email.pk,
                email.kind,
                email.attempts,
                email.last_error,
            )
        else:
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = now or timezone.now()
            email.next_attempt_at = None
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
        return email.status


def send_pending(*, now=None) -> int:
    """Sends what is due: failed emails whose retry time has come, and queued emails older than a
    few minutes (their task was lost). Returns how many were sent."""
    now = now or timezone.now()
    due = OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.FAILED, next_attempt_at__lte=now
    ) | OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.QUEUED, created_at__lte=now - timedelta(minutes=5)
    )
    sent = 0
    for email_id in due.order_by("pk").values_list("pk", flat=True):
        if deliver(email_id, now=now) == OutgoingEmail.Status.SENT:
            sent += 1
    return sent
