"""Moderation's two outcomes: releasing a held lead sends the emails its creation held back;
rejecting it as spam ("Rejetée (indésirable)") sends nothing to anybody, ever."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts import emails, services
from contacts.models import Lead, LeadEvent, OutgoingEmail
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


def action(lead, slug):
    return f"/admin/contacts/lead/{lead.pk}/traiter/{slug}/"


@pytest.fixture
def held(dalkia):
    return LeadFactory(organisation=dalkia, moderated=True, email="spammeur@exemple.fr")


def test_rejecting_a_held_lead_as_spam_sends_no_email_to_anybody(
    national_client, held, mailoutbox, sent
):
    with sent():
        response = national_client.post(action(held, "statut"), {"status": "spam"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Lead.Status.SPAM
    assert mailoutbox == []
    assert not held.emails.exists()
    event = held.events.get(kind=LeadEvent.Kind.STATUS)
    assert (event.from_status, event.to_status) == ("moderation", "spam")
    assert "aucun courriel envoyé" in event.note


def test_the_status_form_of_a_held_lead_says_what_each_outcome_sends(national_client, held):
    html = national_client.get(action(held, "statut")).content.decode()
    assert '<option value="spam">Rejetée (indésirable)</option>' in html
    assert "rien n’est envoyé, ni au demandeur ni à l’organisme" in html


def test_a_lead_rejected_as_spam_is_hidden_from_its_organisation(dalkia_client, held):
    held.status = Lead.Status.SPAM
    held.save()
    assert dalkia_client.get(f"/admin/contacts/lead/{held.pk}/change/").status_code == 404


def test_an_operator_can_neither_choose_nor_set_spam(dalkia_client, dalkia_user, dalkia_lead):
    form = dalkia_client.get(action(dalkia_lead, "statut")).context["form"]
    assert "spam" not in dict(form.fields["status"].choices)
    with pytest.raises(Exception, match="équipe nationale"):
        services.change_status(lead=dalkia_lead, status=Lead.Status.SPAM, actor=dalkia_user)


def test_a_lead_rejected_as_spam_gets_neither_reminder_nor_follow_up(held, mailoutbox, sent):
    held.status = Lead.Status.SPAM
    held.save()
    later = timezone.now() + timedelta(days=60)
    with sent():
        assert services.send_reminders(now=later) == 0
        assert services.send_followups(now=later) == 0
    assert mailoutbox == []


def test_rejecting_a_released_lead_as_spam_cancels_what_was_still_to_be_sent(
    national_user, dalkia_lead, mailoutbox
):
    waiting = OutgoingEmail.objects.create(
        lead=dalkia_lead, kind="confirmation", recipient=dalkia_lead.email, subject="s", body="b"
    )
    failed = OutgoingEmail.objects.create(
        lead=dalkia_lead,
        kind="notification",
        recipient="demandes@dalkia.example.fr",
        subject="s",
        body="b",
        status=OutgoingEmail.Status.FAILED,
        next_attempt_at=timezone.now(),
    )
    services.change_status(lead=dalkia_lead, status=Lead.Status.SPAM, actor=national_user)
    emails.send_pending(now=timezone.now() + timedelta(hours=1))
    assert mailoutbox == []
    waiting.refresh_from_db()
    failed.refresh_from_db()
    assert waiting.status == failed.status == OutgoingEmail.Status.CANCELLED


def test_a_lead_rejected_as_spam_cannot_be_replied_to(national_user, held):
    services.change_status(lead=held, status=Lead.Status.SPAM, actor=national_user)
    with pytest.raises(ValidationError, match="indésirable"):
        services.reply_to_requester(lead=held, actor=national_user, message="Bonjour")


def test_reassigning_a_lead_rejected_as_spam_notifies_nobody(
    national_user, held, coriance, mailoutbox, sent
):
    services.change_status(lead=held, status=Lead.Status.SPAM, actor=national_user)
    with sent():
        services.reassign_lead(lead=held, organisation=coriance, actor=national_user, reason="x")
    assert mailoutbox == []


def test_a_lead_wrongly_rejected_as_spam_is_released_with_its_held_emails(
    national_client, national_user, held, mailoutbox, sent
):
    services.change_status(lead=held, status=Lead.Status.SPAM, actor=national_user)
    with sent():
        response = national_client.post(action(held, "statut"), {"status": "new"})
    assert response.status_code == 302
    assert {tuple(m.to) for m in mailoutbox} == {
        ("spammeur@exemple.fr",),
        ("demandes@dalkia.example.fr",),
    }
