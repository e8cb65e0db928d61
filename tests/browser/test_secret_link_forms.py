"""The buttons of the pages reached through a secret or signed link, clicked in Chromium: the
requester's deletion, both answers to the 30-day follow-up, the ambassador's email
confirmation, reply and pause. Each POST must pass the CSRF check (with
`Referrer-Policy: no-referrer` Chromium sent `Origin: null`: 403), and do what it says; the
token never leaves the site."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail

from ambassadors import emails as ambassador_emails
from ambassadors.models import Ambassador, Message
from contacts import emails as lead_emails
from tests.ambassadors.factories import AmbassadorFactory, MessageFactory
from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import LeadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def path(url: str) -> str:
    return urlparse(url).path


def outside_requests(page, live_server) -> list:
    """Every request the page's context sends to another origin, answered locally by an empty
    page (nothing leaves the machine)."""
    seen = []

    def handle(route):
        seen.append(route.request)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>-</title>")

    page.context.route(
        lambda url: not url.startswith(live_server.url) and not url.startswith("data:"), handle
    )
    return seen


def test_the_requester_deletes_their_request_from_the_private_page(page, live_server):
    lead = LeadFactory(email="camille.martin@exemple.fr", comment="Appelez-moi le soir.")
    token = lead.token
    outside = outside_requests(page, live_server)

    page.goto(f"/demande/{token}/")
    assert "En cours de traitement" in page.locator("#statut").text_content()
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="info.gouv.fr").click()  # an external link of the footer
    opened.value.wait_for_load_state()
    assert [request.url for request in outside] == ["https://www.info.gouv.fr/"]
    assert "referer" not in outside[0].all_headers()  # the token stays on the site
    opened.value.close()

    page.get_by_role("link", name="Supprimer ma demande").click()
    page.wait_for_url(f"**/demande/{token}/supprimer/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Supprimer définitivement ma demande").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande a été supprimée"
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
    lead.refresh_from_db()
    assert lead.is_anonymised and lead.token is None
    assert (lead.email, lead.comment, lead.first_name) == ("", "", "")
    assert all(token not in request.url for request in outside)


@pytest.mark.parametrize(("answer", "contacted"), [("oui", True), ("non", False)])
def test_the_requester_answers_the_follow_up(page, answer, contacted):
    lead = LeadFactory()
    page.goto(path(lead_emails.followup_url(lead, answer)))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Confirmer ma réponse").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Merci pour votre réponse"
    assert page.console_errors == []
    lead.refresh_from_db()
    assert lead.followup_contacted is contacted
    assert lead.followup_answered_at is not None


def test_the_ambassador_confirms_their_email(page):
    ambassador = AmbassadorFactory(pending_verification=True)
    page.goto(f"/ambassadeurs/confirmer/{ambassador.verification_token}/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Confirmer mon adresse électronique").click()

    page.wait_for_load_state()
    assert page.console_errors == []
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING_MODERATION
    assert ambassador.verified_at is not None


def test_the_ambassador_replies_through_the_service(page):
    message = MessageFactory(
        ambassador=AmbassadorFactory(), asker_email="camille.martin@exemple.fr"
    )
    page.goto(path(ambassador_emails.reply_url(message, by=ambassador_emails.AMBASSADOR)))
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Votre réponse").fill("Les travaux ont duré trois semaines.")
    page.get_by_role("button", name="Envoyer ma réponse").click()

    page.wait_for_load_state()
    assert page.console_errors == []
    reply = Message.objects.get(thread=message)
    assert reply.direction == Message.Direction.TO_ASKER
    (relayed,) = mail.outbox
    assert relayed.to == ["camille.martin@exemple.fr"]
    assert "Les travaux ont duré trois semaines." in relayed.body


def test_the_ambassador_pauses_their_listing(page):
    ambassador = AmbassadorFactory()
    page.goto(f"/ambassadeurs/gerer/{ambassador.manage_token}/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Mettre ma fiche en pause").click()

    page.get_by_role("button", name="Remettre ma fiche en ligne").wait_for()
    assert re.search(rf"/ambassadeurs/gerer/{ambassador.manage_token}/$", page.url)
    assert page.console_errors == []
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PAUSED


def test_the_audience_measurement_never_receives_a_token(page, live_server, settings):
    settings.MATOMO_URL = "https://statistiques.example.org/"
    settings.MATOMO_SITE_ID = "7"
    outside = outside_requests(page, live_server)
    page.context.route(
        "https://statistiques.example.org/**",
        lambda route: (
            outside.append(route.request),
            route.fulfill(status=200, content_type="text/javascript", body=""),
        ),
    )
    lead = LeadFactory()

    page.goto(f"/demande/{lead.token}/")
    tracked = page.evaluate("JSON.stringify(window._paq)")
    assert f'["setCustomUrl","{live_server.url}/demande/jeton/"]' in tracked
    page.get_by_role("link", name="Supprimer ma demande").click()
    page.wait_for_url(f"**/demande/{lead.token}/supprimer/")
    # The browser gives the site its own address as the referrer (same-origin)…
    assert lead.token in page.evaluate("document.referrer")
    # …which the measurement receives without the token.
    tracked = page.evaluate("JSON.stringify(window._paq)")
    assert f'["setReferrerUrl","{live_server.url}/demande/jeton/"]' in tracked
    assert f'["setCustomUrl","{live_server.url}/demande/jeton/supprimer/"]' in tracked
    assert lead.token not in tracked
    assert [request.url for request in outside] == [
        "https://statistiques.example.org/matomo.js"
    ] * 2
    assert all(lead.token not in str(request.all_headers()) for request in outside)


def test_the_ambassador_edits_their_listing(page):
    ambassador = AmbassadorFactory()
    page.goto(f"/ambassadeurs/gerer/{ambassador.manage_token}/")
    page.get_by_label("Votre témoignage").fill("Trois hivers sans panne depuis le raccordement.")
    page.get_by_role("button", name="Enregistrer les modifications").click()

    page.wait_for_url("**?modifiee=1")
    assert "Vos modifications sont enregistrées." in page.get_by_role("status").inner_text()
    assert page.console_errors == []
    ambassador.refresh_from_db()
    assert ambassador.testimony == "Trois hivers sans panne depuis le raccordement."


def test_the_ambassador_withdraws_their_listing(page):
    ambassador = AmbassadorFactory()
    page.goto(f"/ambassadeurs/gerer/{ambassador.manage_token}/")
    page.get_by_role("link", name="Retirer ma fiche et effacer mes données").click()
    page.get_by_role("button", name="Retirer ma fiche et effacer mes données").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Votre fiche est retirée"
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.WITHDRAWN
    assert (ambassador.contact_email, ambassador.manage_token) == ("", None)
