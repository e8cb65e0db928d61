import pytest

from tests.conftest import serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_has_header_footer_links_no_console_error_and_no_serious_axe_violation(page):
    page.goto("/")
    assert (
        page.locator("header .fr-header__service-title")
        .inner_text()
        .startswith("France Chaleur Urbaine")
    )
    footer_links = page.locator("footer .fr-footer__bottom-link").all_inner_texts()
    for label in [
        "Plan du site",
        "Accessibilité : non conforme",
        "Mentions légales",
        "Données personnelles",
        "Gestion des cookies",
    ]:
        assert label in footer_links
    for href in page.locator("footer a.fr-footer__bottom-link").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    ):
        assert page.request.get(href).status == 200, href
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []


def test_the_display_settings_can_be_opened_with_the_keyboard(page):
    page.goto("/")
    button = page.get_by_role("button", name="Paramètres d’affichage")
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Paramètres d’affichage")
    dialog.wait_for(state="visible")
    assert dialog.is_visible()
