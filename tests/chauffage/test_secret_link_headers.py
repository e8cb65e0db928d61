"""Every page reached through a secret or signed link sends `Referrer-Policy: same-origin`: its
address (the token) goes as a referrer to this site only, never to another origin (external
links, images, map tiles), and Chromium still sends the real `Origin` with its forms (with
`no-referrer` it sends `Origin: null`, which the CSRF check refuses)."""

from urllib.parse import urlparse

import pytest

from ambassadors import emails as ambassador_emails
from contacts import emails as lead_emails
from tests.ambassadors.factories import AmbassadorFactory, MessageFactory
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


def path(url: str) -> str:
    return urlparse(url).path


@pytest.fixture
def secret_pages():
    """(method, path) of every secret-link page and form."""
    lead = LeadFactory()
    ambassador = AmbassadorFactory()
    pending = AmbassadorFactory(pending_verification=True)
    message = MessageFactory(ambassador=ambassador)
    followup = path(lead_emails.followup_url(lead, "oui"))
    reply = path(ambassador_emails.reply_url(message, by=ambassador_emails.AMBASSADOR))
    manage = f"/ambassadeurs/gerer/{ambassador.manage_token}/"
    return [
        ("get", f"/demande/{lead.token}/"),
        ("get", f"/demande/{lead.token}/supprimer/"),
        ("get", followup),
        ("post", followup),
        ("get", f"/ambassadeurs/confirmer/{pending.verification_token}/"),
        ("get", manage),
        ("post", f"{manage}pause/"),
        ("get", f"{manage}retirer/"),
        ("get", reply),
        # Last: the deletion erases the lead's token.
        ("post", f"/demande/{lead.token}/supprimer/"),
    ]


def test_every_secret_link_page_sends_its_address_as_a_referrer_to_this_site_only(
    client, secret_pages
):
    for method, url in secret_pages:
        response = getattr(client, method)(url)
        assert response.status_code in {200, 302}, url
        assert response["Referrer-Policy"] == "same-origin", url
        assert response["X-Robots-Tag"] == "noindex, nofollow", url
