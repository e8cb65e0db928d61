import pytest

from tests.conftest import serious_accessibility_violations
from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sarcelles():
    AddressFactory()
    AddressFactory(
        ban_id="95585_1920_00017",
        numero=17,
        location=AddressFactory._meta.model._meta.get_field("location").to_python(
            "SRID=4326;POINT(2.372343 48.974469)"
        ),
    )
    HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


def test_type_an_address_pick_a_suggestion_read_the_verdict_and_see_the_map(page, sarcelles):
    page.goto("/")
    field = page.get_by_role("combobox", name="Adresse de l’immeuble")
    field.press_sequentially("15 allee paul duk", delay=30)
    option = page.get_by_role("option", name="15 Allée Paul Dukas 95200 Sarcelles")
    option.wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "15 Allée Paul Dukas 95200 Sarcelles"
    page.get_by_role("button", name="Tester mon adresse").click()

    page.wait_for_url("**/eligibilite/**")
    assert "lat=48.97" in page.url  # the suggestion's coordinates were sent
    verdict = page.locator("#verdict")
    assert "potentiellement raccordable" in verdict.inner_text()
    assert "Grand Ensemble Sarcelles-Locheres" in verdict.inner_text()
    page.locator("#carte-resultat[data-map-ready=true]").wait_for()
    assert page.locator("#carte-resultat path.leaflet-interactive").count() >= 2  # route + line
    assert page.locator("#carte-resultat .leaflet-interactive").count() >= 3  # + address
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []


def test_the_form_works_without_javascript(browser, live_server, sarcelles):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Adresse de l’immeuble").fill("15 allée Paul Dukas Sarcelles")
    page.get_by_role("button", name="Tester mon adresse").click()
    page.wait_for_url("**/eligibilite/**")
    assert "potentiellement raccordable" in page.locator("#verdict").inner_text()
    context.close()
