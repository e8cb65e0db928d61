"""After a reassignment, the requester's data never reaches the organisation the lead left:
its unsent notifications and reminders are cancelled, and resending a failed one checks the
recipient against the lead's current organisation (which is notified instead)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts import emails, services
from contacts.models import LeadEvent, OutgoingEmail

pytestmark = pytest.mark.django_db

DALKIA = "demandes@dalkia.example.fr"
CORIANCE = "demandes@coriance.example.fr"


def failed_email(lead, *, kind="notification", recipient=DALKIA):
    return OutgoingEmail.objects.create(
        lead=lead,
        kind=kind,
        recipient=recipient,
        reply_to=lead.email,
        subject=f"Nouvelle demande de contact — {lead.address_label}",
        body=f"{lead.first_name} {lead.last_name}, {lead.email}",
        status=OutgoingEmail.Status.FAILED,
        attempts=2,
        last_error="AnymailAPIError: 503",
        next_attempt_at=timezone.now(),
    )


def recipients(outbox):
    return [address for message in outbox for address in message.to]


@pytest.mark.parametrize("kind", ["notification", "reminder"])
def test_reassigning_cancels_a_failed_email_to_the_previous_organisation(
    national_user, dalkia_lead, coriance, mailoutbox, sent, kind
):
    failed = failed_email(dalkia_lead, kind=kind)
    failed_email(dalkia_lead, kind="confirmation", recipient=dalkia_lead.email)
    with sent():
        services.reassign_lead(
            lead=dalkia_lead, organisation=coriance, actor=national_user, reason="Coriance."
        )
        emails.send_pending(now=timezone.now() + timedelta(days=1))
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.CANCELLED
    # The requester's own emails follow the lead: retried as usual.
    assert sorted(recipients(mailoutbox)) == sorted([CORIANCE, dalkia_lead.email])
    event = dalkia_lead.events.get(kind=LeadEvent.Kind.REASSIGNMENT)
    assert "1 courriel(s) à l’organisme précédent" in event.note


def test_reassigning_cancels_a_notification_still_waiting_for_the_previous_organisation(
    national_user, dalkia_lead, coriance, mailoutbox, sent
):
    waiting = failed_email(dalkia_lead)
    waiting.status = OutgoingEmail.Status.QUEUED
    waiting.save()
    with sent():
        services.reassign_lead(
            lead=dalkia_lead, organisation=coriance, actor=national_user, reason="Coriance."
        )
    assert emails.deliver(waiting.pk) == OutgoingEmail.Status.CANCELLED
    assert DALKIA not in recipients(mailoutbox)


def test_resending_a_failed_notification_of_a_reassigned_lead_notifies_the_new_organisation(
    national_client, dalkia_lead, coriance, mailoutbox, sent
):
    # A failure left from before the reassignment (or an organisation whose address changed).
    failed = failed_email(dalkia_lead)
    dalkia_lead.organisation = coriance
    dalkia_lead.save()
    with sent():
        response = national_client.post(
            f"/admin/contacts/lead/{dalkia_lead.pk}/traiter/renvoi-courriel/",
            {"email": failed.pk},
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.CANCELLED
    (notification,) = mailoutbox
    assert notification.to == [CORIANCE]
    assert dalkia_lead.email in notification.reply_to
    note = dalkia_lead.events.get(kind=LeadEvent.Kind.EMAIL).note
    assert f"{DALKIA} ne reçoit plus la demande" in note


def test_the_email_list_never_resends_to_the_previous_organisation(
    national_client, dalkia_lead, coriance, mailoutbox, sent
):
    failed = failed_email(dalkia_lead)
    dalkia_lead.organisation = coriance
    dalkia_lead.save()
    with sent():
        response = national_client.post(
            "/admin/contacts/outgoingemail/",
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert recipients(mailoutbox) == [CORIANCE]
    assert "ne suit plus la demande" in response.content.decode()


def test_resending_does_not_notify_the_current_organisation_twice(
    national_user, dalkia_lead, coriance, mailoutbox, sent
):
    failed = failed_email(dalkia_lead)
    dalkia_lead.organisation = coriance
    dalkia_lead.save()
    OutgoingEmail.objects.create(
        lead=dalkia_lead,
        kind="notification",
        recipient=CORIANCE,
        subject="s",
        body="b",
        status=OutgoingEmail.Status.SENT,
    )
    with sent():
        queued = services.resend_email(email=failed, actor=national_user)
    assert queued == []
    assert mailoutbox == []


def test_a_retry_planned_before_the_lead_moved_goes_to_its_current_organisation(
    dalkia_lead, coriance, mailoutbox, sent
):
    # A retry planned while the lead was Dalkia's, before the reassignment cancelled such rows.
    failed = failed_email(dalkia_lead)
    dalkia_lead.organisation = coriance
    dalkia_lead.save()
    with sent():
        emails.send_pending(now=timezone.now() + timedelta(hours=1))
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.CANCELLED
    assert recipients(mailoutbox) == [CORIANCE]
    assert dalkia_lead.events.get(kind=LeadEvent.Kind.EMAIL).actor is None


@pytest.mark.parametrize("status", ["moderation", "spam"])
def test_a_stale_retry_of_a_held_lead_notifies_nobody(
    dalkia_lead, coriance, mailoutbox, sent, status
):
    # A retry planned while the lead was Dalkia's; it has since moved and is held (moderation)
    # or rejected as spam: nothing is sent, neither to Dalkia nor to its new organisation.
    failed = failed_email(dalkia_lead)
    dalkia_lead.organisation = coriance
    dalkia_lead.status = status
    dalkia_lead.save()
    with sent():
        emails.send_pending(now=timezone.now() + timedelta(hours=1))
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.CANCELLED
    assert mailoutbox == []
    assert not dalkia_lead.emails.exclude(pk=failed.pk).exists()
