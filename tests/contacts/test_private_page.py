"""The requester's private page (secret link): status, messages, deletion; and the follow-up
answer links."""

import pytest
from django.utils import timezone

from contacts import emails
from contacts.models import Lead, LeadEvent, OutgoingEmail
from contacts.services import anonymise_lead
from tests.contacts.factories import LeadFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(lead):
    return f"/demande/{lead.token}/"


def test_a_new_lead_shows_as_in_progress_to_the_requester(client):
    lead = LeadFactory(organisation=OrganisationFactory(name="Dalkia Île-de-France"))
    response = client.get(url(lead))
    html = response.content.decode()
    assert response.status_code == 200
    assert "En cours de traitement" in html
    assert "À traiter" not in html
    assert "Dalkia Île-de-France" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Lead.Status.MODERATION, "En cours de traitement"),
        (Lead.Status.CONTACTED, "Recontacté pour étude"),
        (Lead.Status.VOTED, "Voté en AG"),
        (Lead.Status.ABANDONED, "Abandonné par le demandeur"),
        (Lead.Status.SPAM, "Non retenue"),
    ],
)
def test_the_requester_sees_the_status(client, status, label):
    lead = LeadFactory(status=status)
    assert label in client.get(url(lead)).content.decode()


def test_the_messages_received_are_listed(client):
    lead = LeadFactory()
    OutgoingEmail.objects.create(
        lead=lead,
        kind=OutgoingEmail.Kind.REPLY,
        recipient=lead.email,
        subject="Réponse de Dalkia",
        body="Bonjour,\nNous passerons mardi <b>à 10 h</b>.",
        status=OutgoingEmail.Status.SENT,
        sent_at=timezone.now(),
    )
    OutgoingEmail.objects.create(
        lead=lead, kind="notification", recipient="x@dalkia.example.fr", subject="Interne", body="-"
    )
    html = client.get(url(lead)).content.decode()
    assert "Réponse de Dalkia" in html
    assert "Nous passerons mardi &lt;b&gt;à 10 h&lt;/b&gt;." in html
    assert "Interne" not in html


@pytest.mark.parametrize("token", ["inconnu", "a" * 43, "%3Cscript%3E"])
def test_an_unknown_token_is_a_404(client, token):
    LeadFactory()
    assert client.get(f"/demande/{token}/").status_code == 404
    assert client.post(f"/demande/{token}/supprimer/").status_code == 404


def test_deleting_asks_for_confirmation_then_erases_personal_data(client):
    lead = LeadFactory(comment="Appelez-moi le soir", phone="06 12 34 56 78")
    token = lead.token
    page = client.get(f"/demande/{token}/supprimer/")
    assert page.status_code == 200
    assert "Supprimer définitivement ma demande" in page.content.decode()
    assert Lead.objects.get(pk=lead.pk).email  # a GET changes nothing

    response = client.post(f"/demande/{token}/supprimer/")
    assert response.status_code == 200
    assert "Votre demande a été supprimée" in response.content.decode()
    lead.refresh_from_db()
    assert (lead.first_name, lead.last_name, lead.email, lead.phone, lead.comment) == ("",) * 5
    assert lead.address_label == "95200 Sarcelles"
    assert lead.location is None and lead.token is None and lead.anonymised_at
    assert (lead.code_insee, lead.dwellings, lead.category) == ("95585", 48, "existing_very_close")
    assert lead.events.filter(kind=LeadEvent.Kind.ANONYMISED).exists()
    assert client.get(f"/demande/{token}/").status_code == 404


def test_the_follow_up_answer_is_stored_by_post_only(client):
    lead = LeadFactory()
    link = emails.followup_url(lead, "oui").removeprefix("http://localhost:8000")

    page = client.get(link)
    assert page.status_code == 200
    assert "oui, j’ai été recontacté" in page.content.decode()
    lead.refresh_from_db()
    assert lead.followup_contacted is None  # mail scanners follow links

    response = client.post(link)
    assert response.status_code == 200
    assert "Merci pour votre réponse" in response.content.decode()
    lead.refresh_from_db()
    assert lead.followup_contacted is True and lead.followup_answered_at is not None
    assert lead.events.filter(kind=LeadEvent.Kind.FOLLOWUP).count() == 1


def test_the_no_answer_is_stored_too(client):
    lead = LeadFactory()
    client.post(emails.followup_url(lead, "non").removeprefix("http://localhost:8000"))
    lead.refresh_from_db()
    assert lead.followup_contacted is False


def test_a_forged_or_stale_follow_up_link_is_a_404(client):
    lead = LeadFactory()
    link = emails.followup_url(lead, "oui").removeprefix("http://localhost:8000")
    signed = link.split("/")[-2]
    forged = signed[:-3] + ("abc" if not signed.endswith("abc") else "xyz")
    assert client.post(f"/suivi-de-demande/{forged}/").status_code == 404
    anonymise_lead(lead=lead, reason="test")
    assert client.post(link).status_code == 404
