"""The ambassadors' emails, sent through the one mechanism of the project (contacts/emails.py):
rendered from templates/emails/ambassador_<name>_subject.txt and _body.txt, stored as
contacts.OutgoingEmail rows (without a lead) in the transaction that causes them, sent by the
background task `contacts.tasks.send_email` once it commits, retried with a growing delay when the
provider fails (`send_pending_emails` picks up the rest). Failures show in the admin, on the
emails' list and on the messages' list.

Reply links are signed (django.core.signing): they name the message answered and who answers,
and expire with the messages' retention. A signature is unforgeable, not secret: the link holds
no address, and the message it names must still exist and not be anonymised.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from contacts import emails as mailer
from contacts.models import OutgoingEmail

REPLY_SALT = "ambassadors.reply"


class Kind:
    """Values of OutgoingEmail.kind for this app (20 characters at most)."""

    VERIFICATION = "ambassador_verify"
    MODERATION = "ambassador_moderate"
    DECISION = "ambassador_decision"
    MESSAGE = "ambassador_message"
    REPLY = "ambassador_reply"
    MANAGE_LINK = "ambassador_link"


ALL_KINDS = frozenset(
    value
    for name, value in vars(Kind).items()
    if not name.startswith("_") and isinstance(value, str)
)


def absolute(path: str) -> str:
    return mailer.absolute(path)


def queue(
    *, kind: str, recipient: str, template: str, context: dict, reply_to: str = ""
) -> OutgoingEmail:
    """Stores the email and enqueues its sending after the commit (contacts/emails.py)."""
    return mailer.queue(
        lead=None,
        kind=kind,
        recipient=recipient,
        template=f"ambassador_{template}",
        context=context,
        reply_to=reply_to,
    )


# --- Reply links ---------------------------------------------------------------------------------

AMBASSADOR = "a"  # the ambassador answers a message from the asker
ASKER = "d"  # the asker (demandeur) answers a reply of the ambassador


def reply_url(message, *, by: str) -> str:
    signed = signing.dumps({"m": message.pk, "by": by}, salt=REPLY_SALT, compress=True)
    return absolute(reverse("ambassadors:reply", args=[signed]))


def read_reply_signature(signed: str) -> tuple[int, str] | None:
    """(message id, who answers) from a reply link; None when forged, altered or expired."""
    max_age = timedelta(days=settings.AMBASSADOR_MESSAGE_RETENTION_DAYS)
    try:
        payload = signing.loads(signed, salt=REPLY_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("by") not in {AMBASSADOR, ASKER}:
        return None
    if not isinstance(payload.get("m"), int):
        return None
    return payload["m"], payload["by"]
