"""The emails of a lead: their content, and what happens when the provider fails."""

import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contacts.models import Lead, OutgoingEmail
from contacts.services import create_lead
from tests.contacts.conftest import LABEL
from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of

pytestmark = pytest.mark.django_db
BROKEN = "tests.contacts.email_backends.BrokenEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """create_lead, with the emails sent as after a real commit."""

    def create(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return create_lead(**data)

    return create


def confirmation(outbox):
    (message,) = [m for m in outbox if m.to == ["camille.martin@exemple.fr"]]
    return message


def test_an_eligible_requester_is_told_who_will_study_the_connection(send, dalkia, service_data):
    lead, _ = send(**service_data)
    message = confirmation(mail.outbox)
    assert message.subject == f"Votre demande de contact pour le {LABEL}"
    assert "Bonjour Camille Martin," in message.body
    assert "potentiellement raccordable au réseau de chaleur « Grand Ensemble" in message.body
    assert "qui passe à 48\xa0m de votre adresse" in message.body
    assert "transmise à Dalkia Île-de-France, gestionnaire du réseau" in message.body
    assert "étudier gratuitement le raccordement" in message.body
    assert f"http://localhost:8000/demande/{lead.token}/" in message.body
    assert "chauffé individuellement" not in message.body
    assert "\n\n\n" not in message.body


def test_individual_heating_is_warned_of_heavier_works(send, dalkia, service_data):
    send(**{**service_data, "heating_type": "individual"})
    assert "boucle d’eau chaude collective" in confirmation(mail.outbox).body


def test_a_network_within_500_m_is_described_as_an_extension(send, service_data):
    network = HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 400))
    OrganisationFactory(name="Dalkia", networks=[network])
    send(**service_data)
    body = confirmation(mail.outbox).body
    assert "passe à 400\xa0m de votre adresse" in body
    assert "extension" in body and "transmise à Dalkia" in body


def test_a_requester_far_from_any_network_is_told_an_adviser_will_call(send, service_data):
    OrganisationFactory(energy_agency=True, communes=["95585"])
    send(**service_data)
    body = confirmation(mail.outbox).body
    assert "aucun réseau de chaleur ne passe aujourd’hui assez près" in body
    assert "transmise à ALEC du Val-d’Oise, qui vous recontactera." in body
    assert "raccordement" not in body.split("transmise à")[1].split("\n")[0]


def test_a_network_without_route_is_explained(send, service_data):
    network = HeatNetworkFactory(network_id="9599C", name="Réseau de la ville", communes=["95585"])
    OrganisationFactory(name="Régie", networks=[network])
    send(**service_data)
    assert "son tracé ne nous est pas connu" in confirmation(mail.outbox).body


def test_an_unlocated_address_is_sent_to_the_national_team(send, service_data):
    OrganisationFactory(national_team=True)
    send(**{**service_data, "lat": None, "lon": None, "citycode": ""})
    assert "Nous n’avons pas pu localiser votre adresse" in confirmation(mail.outbox).body
    (notification,) = [m for m in mail.outbox if m is not confirmation(mail.outbox)]
    assert notification.to == ["tri@france-chaleur-urbaine.example.fr"]
    assert "file de tri de l’équipe nationale" in notification.body


def test_the_organisation_is_notified_and_can_reply_to_the_requester(send, dalkia, service_data):
    comment = "<b>Urgent</b> & chaudière HS"
    lead, _ = send(**service_data, phone="06 12 34 56 78", comment=comment)
    (notification,) = [m for m in mail.outbox if m.to == ["demandes@dalkia.example.fr"]]
    assert notification.subject == f"Nouvelle demande de contact : {LABEL}"
    assert notification.reply_to == ["camille.martin@exemple.fr"]
    assert f"http://localhost:8000/admin/contacts/lead/{lead.pk}/change/" in notification.body
    assert "06 12 34 56 78" in notification.body
    assert "Nombre de logements : 48" in notification.body
    assert comment in notification.body  # plain text: never escaped
    assert "&lt;" not in notification.body and "&amp;" not in notification.body


def test_members_are_notified_when_the_organisation_has_no_address(
    send, service_data, sarcelles_network
):
    from tests.contacts.factories import MembershipFactory

    organisation = OrganisationFactory(name="Dalkia", email="", networks=[sarcelles_network])
    MembershipFactory(organisation=organisation, user__email="a.durand@dalkia.example.fr")
    send(**service_data)
    assert ["a.durand@dalkia.example.fr"] in [m.to for m in mail.outbox]


def test_the_lead_is_saved_when_the_email_backend_fails_and_the_email_is_retried(
    send, dalkia, service_data, settings
):
    settings.EMAIL_BACKEND = BROKEN
    lead, created = send(**service_data)
    assert created and Lead.objects.filter(pk=lead.pk).exists()
    emails = OutgoingEmail.objects.order_by("kind")
    assert [e.kind for e in emails] == ["confirmation", "notification"]
    for email in emails:
        assert email.status == OutgoingEmail.Status.FAILED
        assert email.attempts == 1
        assert email.last_error == "AnymailAPIError: Brevo API response 503: Service Unavailable"
        assert email.next_attempt_at > timezone.now()
    assert mail.outbox == []

    # Not due yet: nothing happens.
    call_command("send_pending_emails")
    assert OutgoingEmail.objects.filter(status="failed").count() == 2

    settings.EMAIL_BACKEND = LOCMEM
    later = (timezone.now() + timedelta(minutes=2)).isoformat()
    call_command("send_pending_emails", now=later)
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {("sent", 2)}
    assert len(mail.outbox) == 2


def test_an_email_is_given_up_after_the_last_attempt(send, dalkia, service_data, settings):
    settings.EMAIL_BACKEND = BROKEN
    send(**service_data)
    now = timezone.now()
    for _ in range(10):
        now += timedelta(days=1)
        call_command("send_pending_emails", now=now.isoformat())
    email = OutgoingEmail.objects.get(kind="confirmation")
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 6, None)


def test_an_email_whose_task_was_lost_is_sent_by_the_sweep(dalkia, service_data):
    create_lead(**service_data)  # the transaction never commits in this test: no task ran
    assert mail.outbox == []
    call_command("send_pending_emails", now=(timezone.now() + timedelta(minutes=6)).isoformat())
    assert len(mail.outbox) == 2


@pytest.fixture
def signal_handlers():
    """The worker installs its own SIGINT/SIGTERM handlers: put pytest's back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_database_queue_retries_a_failed_email_later(
    settings, service_data, sarcelles_network, signal_handlers
):
    """Production's path: the database task backend, the worker, and a retry with run_after."""
    from django_tasks_db.models import DBTaskResult

    OrganisationFactory(
        name="Dalkia", email="demandes@dalkia.example.fr", networks=[sarcelles_network]
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = BROKEN
    create_lead(**service_data)
    assert DBTaskResult.objects.ready().count() == 2

    worker = ["db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0"]
    call_command(*worker)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"failed"}
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 2
    assert all(r.run_after > timezone.now() for r in retries)
    assert DBTaskResult.objects.ready().count() == 0  # not before their time

    settings.EMAIL_BACKEND = LOCMEM
    retries.update(run_after=timezone.now() - timedelta(seconds=1))
    call_command(*worker)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 2
