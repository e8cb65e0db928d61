"""The home page when things go wrong for the address suggestions (rate limit, service down),
and the phone menu without JavaScript."""

import socket

import pytest
from playwright.sync_api import expect

from tests.eligibility.factories import AddressFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_the_autocomplete_says_when_searches_are_rate_limited(page, settings):
    AddressFactory()
    settings.RATELIMIT_API = "1/60"
    page.goto("/")
    field = page.get_by_role("combobox", name="Adresse de l’immeuble")
    field.press_sequentially("15 allee paul duk", delay=30)
    page.get_by_role("option", name="15 Allée Paul Dukas 95200 Sarcelles").wait_for()
    field.press_sequentially("as", delay=30)  # a second search, beyond the limit
    notice = page.locator(".fcu-autocomplete__notice[aria-live=polite]")
    expect(notice).to_contain_text(
        "Trop de recherches en peu de temps : réessayez dans quelques secondes ou validez "
        "l’adresse saisie."
    )
    expect(page.get_by_role("listbox")).to_be_hidden()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.real_geocoder
def test_the_autocomplete_says_when_the_address_service_is_unavailable(page, settings):
    settings.GEOCODER = "ban"
    settings.GEOCODER_BAN_SCHEME = "http"
    settings.GEOCODER_BAN_DOMAIN = f"127.0.0.1:{_closed_port()}"
    settings.GEOCODER_RETRIES = 0
    page.goto("/")
    page.get_by_role("combobox", name="Adresse de l’immeuble").press_sequentially(
        "15 allee paul", delay=30
    )
    expect(page.locator(".fcu-autocomplete__notice")).to_contain_text(
        "Les suggestions d’adresses sont momentanément indisponibles"
    )


def test_the_phone_menu_links_are_reachable_without_javascript(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, viewport=PHONE, locale="fr-FR"
    )
    page = context.new_page()
    page.goto("/")
    menu = page.get_by_role("navigation", name="Menu principal")
    for label in ["Accueil", "Carte des réseaux", "Réseaux", "Ressources", "Statistiques"]:
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    # No skip link leads to a menu that cannot be shown.
    skip_links = page.get_by_role("navigation", name="Accès rapide")
    expect(skip_links.get_by_role("link", name="Menu", exact=True)).to_have_count(0)
    expect(skip_links.get_by_role("link", name="Contenu", exact=True)).to_have_count(1)
    menu.get_by_role("link", name="Ressources", exact=True).click()
    page.wait_for_url("**/ressources/**")
    context.close()
