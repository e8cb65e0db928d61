"""The periodic commands, run with the clock moved forward: each one is idempotent."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Lead, OutgoingEmail
from tests.contacts.factories import LeadFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def operator():
    return OrganisationFactory(name="Dalkia Île-de-France", email="demandes@dalkia.example.fr")


def test_a_lead_still_to_handle_after_7_days_is_reminded_once(operator):
    lead = LeadFactory(organisation=operator, created_at=days_ago(8))
    LeadFactory(organisation=operator, created_at=days_ago(6))  # not yet
    LeadFactory(organisation=operator, created_at=days_ago(9), status=Lead.Status.CONTACTED)
    LeadFactory(organisation=None, created_at=days_ago(9))  # national triage: no organisation

    call_command("send_reminders")
    call_command("send_reminders")

    (email,) = OutgoingEmail.objects.filter(kind="reminder")
    assert (email.lead, email.recipient, email.reply_to) == (lead, operator.email, lead.email)
    assert email.subject.startswith("Demande en attente depuis 8 jours")
    assert "toujours « À traiter »" in email.body
    lead.refresh_from_db()
    assert lead.reminder_sent_at is not None


def test_reminders_follow_the_clock(operator):
    lead = LeadFactory(organisation=operator)
    call_command("send_reminders")
    assert not OutgoingEmail.objects.exists()
    in_a_week = (timezone.now() + timedelta(days=7, minutes=1)).isoformat()
    call_command("send_reminders", now=in_a_week)
    call_command("send_reminders", now=in_a_week)
    assert OutgoingEmail.objects.get(kind="reminder").lead == lead


def test_requesters_are_asked_after_30_days_whether_they_were_contacted(
    operator, client, django_capture_on_commit_callbacks
):
    lead = LeadFactory(organisation=operator, created_at=days_ago(31))
    LeadFactory(created_at=days_ago(29))
    LeadFactory(created_at=days_ago(40), status=Lead.Status.MODERATION)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_followups")
    call_command("send_followups")

    (message,) = mail.outbox
    assert message.to == [lead.email]
    assert message.subject == "Avez-vous été recontacté pour votre projet de raccordement ?"
    yes, no = [line for line in message.body.splitlines() if "/suivi-de-demande/" in line]
    assert "Oui, j’ai été recontacté" in message.body.split(yes)[0]
    client.post(no.removeprefix("http://localhost:8000"))
    lead.refresh_from_db()
    assert lead.followup_contacted is False and lead.followup_sent_at is not None
    assert OutgoingEmail.objects.filter(kind="followup").count() == 1


def test_followups_follow_the_clock():
    lead = LeadFactory()
    call_command("send_followups")
    assert not OutgoingEmail.objects.exists()
    call_command("send_followups", now=(timezone.now() + timedelta(days=31)).isoformat())
    assert OutgoingEmail.objects.get(kind="followup").lead == lead


def test_personal_data_is_anonymised_after_the_retention_period(client):
    old = LeadFactory(last_activity_at=days_ago(1096), comment="Mon code d’accès : 1234")
    recent = LeadFactory(last_activity_at=days_ago(1000))
    OutgoingEmail.objects.create(
        lead=old,
        kind="confirmation",
        recipient=old.email,
        subject=old.address_label,
        body="Bonjour",
    )
    token = old.token

    call_command("purge_personal_data")

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.first_name, old.last_name, old.email, old.phone, old.comment) == ("",) * 5
    assert old.address_label == "95200 Sarcelles" and old.location is None
    assert (old.code_insee, old.heating_energy, old.dwellings, old.eligible) == (
        "95585",
        "gas",
        48,
        True,
    )
    email = old.emails.get()
    assert (email.recipient, email.body, email.status) == ("", "", "cancelled")
    assert client.get(f"/demande/{token}/").status_code == 404
    recent.refresh_from_db()
    assert recent.anonymised_at is None and recent.email


def test_the_purge_follows_the_clock_and_the_setting(settings):
    lead = LeadFactory()
    call_command("purge_personal_data", now=(timezone.now() + timedelta(days=1094)).isoformat())
    lead.refresh_from_db()
    assert lead.anonymised_at is None
    call_command("purge_personal_data", now=(timezone.now() + timedelta(days=1096)).isoformat())
    lead.refresh_from_db()
    assert lead.anonymised_at is not None

    settings.LEAD_RETENTION_DAYS = 30
    other = LeadFactory(last_activity_at=days_ago(31))
    call_command("purge_personal_data")
    other.refresh_from_db()
    assert other.anonymised_at is not None


def test_a_follow_up_answer_counts_as_activity(client):
    from contacts import emails

    lead = LeadFactory(last_activity_at=days_ago(1090))
    client.post(emails.followup_url(lead, "oui").removeprefix("http://localhost:8000"))
    call_command("purge_personal_data", now=(timezone.now() + timedelta(days=10)).isoformat())
    lead.refresh_from_db()
    assert lead.anonymised_at is None


def test_a_bad_now_option_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="date invalide"):
        call_command("send_reminders", now="demain")
