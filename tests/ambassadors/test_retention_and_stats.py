"""Retention (`purge_ambassadors`) and the monthly counts for /stats (no personal data)."""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambassadors import queries, services
from ambassadors.models import Ambassador, Message
from contacts.models import OutgoingEmail
from tests.ambassadors.factories import AmbassadorFactory, MessageFactory

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


def test_conversations_are_anonymised_after_the_retention_delay(settings, committed):
    settings.AMBASSADOR_MESSAGE_RETENTION_DAYS = 365
    ambassador = AmbassadorFactory()
    old = MessageFactory(ambassador=ambassador, created_at=at(2025, 1, 10))
    old.email = OutgoingEmail.objects.create(
        kind="ambassador_message",
        recipient="x@exemple.fr",
        subject="s",
        body="b",
        status=OutgoingEmail.Status.SENT,
        sent_at=at(2025, 1, 10),
    )
    old.save()
    # A conversation whose last reply is recent is kept whole.
    kept = MessageFactory(ambassador=ambassador, created_at=at(2025, 1, 10))
    MessageFactory(ambassador=ambassador, thread=kept, created_at=at(2026, 3, 1), asker_name="")
    recent = MessageFactory(ambassador=ambassador, created_at=at(2026, 1, 10))

    with committed():
        call_command("purge_ambassadors", "--now", "2026-04-01T03:00")

    old.refresh_from_db()
    assert old.status == Message.Status.ANONYMISED and old.anonymised_at
    assert (old.asker_name, old.asker_email, old.building_address, old.body) == ("", "", "", "")
    email = OutgoingEmail.objects.get(pk=old.email_id)
    assert email.status == OutgoingEmail.Status.SENT  # still counted by /stats
    assert email.recipient == "" and email.body == ""
    for message in (kept, recent):
        message.refresh_from_db()
        assert message.status == Message.Status.RECEIVED and message.asker_email


def test_unconfirmed_sign_ups_are_deleted_and_refused_ones_erased(settings, committed):
    settings.AMBASSADOR_PENDING_DAYS = 30
    now = timezone.now()
    stale = AmbassadorFactory(pending_verification=True, created_at=now - timedelta(days=31))
    fresh = AmbassadorFactory(pending_verification=True, created_at=now - timedelta(days=5))
    refused = AmbassadorFactory(
        status=Ambassador.Status.REJECTED, moderated_at=now - timedelta(days=31)
    )
    with committed():
        counts = services.purge(now=now)
    assert counts == {"messages": 0, "unconfirmed": 1, "rejected": 1}
    assert not Ambassador.objects.filter(pk=stale.pk).exists()
    assert Ambassador.objects.filter(pk=fresh.pk).exists()
    refused.refresh_from_db()
    assert refused.contact_email == "" and refused.testimony == ""
    assert refused.status == Ambassador.Status.REJECTED


def test_monthly_counts_of_published_ambassadors_and_relayed_messages():
    first = AmbassadorFactory(published_at=at(2026, 1, 15))
    AmbassadorFactory(published_at=at(2026, 3, 2))
    AmbassadorFactory(published_at=at(2026, 3, 20), status=Ambassador.Status.WITHDRAWN)
    AmbassadorFactory(pending_moderation=True)
    for sent_at in [at(2026, 1, 20), at(2026, 3, 1), at(2026, 3, 5)]:
        MessageFactory(
            ambassador=first,
            email=OutgoingEmail.objects.create(
                kind="ambassador_message",
                recipient="-",
                subject="-",
                body="-",
                status=OutgoingEmail.Status.SENT,
                sent_at=sent_at,
            ),
        )
    MessageFactory(  # failed: not relayed
        ambassador=first,
        email=OutgoingEmail.objects.create(
            kind="ambassador_message",
            recipient="-",
            subject="-",
            body="-",
            status=OutgoingEmail.Status.FAILED,
        ),
    )
    assert queries.monthly_counts() == [
        {"month": date(2026, 1, 1), "ambassadors_published": 1, "messages_relayed": 1},
        {"month": date(2026, 2, 1), "ambassadors_published": 0, "messages_relayed": 0},
        {"month": date(2026, 3, 1), "ambassadors_published": 2, "messages_relayed": 2},
    ]
    assert queries.totals() == {
        "ambassadors_published": 2,
        "ambassadors_ever_published": 3,
        "messages_relayed": 3,
    }


def test_monthly_counts_are_empty_without_data():
    assert queries.monthly_counts() == []
