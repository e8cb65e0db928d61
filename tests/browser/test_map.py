import pytest

from eligibility import maplayers
from tests.conftest import serious_accessibility_violations
from tests.eligibility.factories import (
    SARCELLES,
    AddressFactory,
    FutureNetworkFactory,
    HeatNetworkFactory,
    offset,
    route_east_of,
    square_around,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The route of the network: 600 m north–south, 48 m east of 15 allée Paul Dukas.
ROUTE_LON = offset(SARCELLES, metres=48, bearing=90)[1]
HEAT_PATHS = "#carte-reseaux path[stroke='#e1000f']"


@pytest.fixture(autouse=True)
def fresh_data_state():
    maplayers.forget_data_state()
    yield
    maplayers.forget_data_state()


@pytest.fixture
def sarcelles():
    AddressFactory()
    network = HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Lochères",
        operator="DALKIA Paris la Défense",
        enrr_rate=67.6,
        co2_kg_per_kwh=0.084,
        classified=True,
        deliveries={"annee": 2019, "residentiel": 158543.7, "tertiaire": 27978.3},
        route=route_east_of(SARCELLES, 48),
    )
    FutureNetworkFactory(
        name="Futur réseau de Sarcelles",
        zone=square_around(offset(SARCELLES, metres=300, bearing=180), 100),
    )
    return network


def wait_for_network(page):
    # "attached": a north–south line has a zero-width box, which Playwright calls hidden.
    page.locator(HEAT_PATHS).first.wait_for(state="attached")


def open_map(page, query: str):
    page.goto(f"/carte/?{query}")
    page.locator("#carte-reseaux[data-map-ready=true]").wait_for()


def test_the_map_shows_its_layers_one_can_switch_off_and_on(page, sarcelles):
    open_map(page, f"lat={SARCELLES[0]}&lon={ROUTE_LON}&zoom=15")
    wait_for_network(page)
    for name in [
        "Réseaux de chaleur",
        "Réseaux et zones en construction",
        "Périmètres de développement prioritaire",
        "Réseaux de froid",
        "Chaufferies",
    ]:
        assert page.get_by_role("checkbox", name=name).is_checked(), name

    heat = page.get_by_role("checkbox", name="Réseaux de chaleur")
    heat.focus()
    page.keyboard.press("Space")  # the layers control works with the keyboard
    page.locator(HEAT_PATHS).first.wait_for(state="detached")
    assert not heat.is_checked()
    heat.check()
    wait_for_network(page)
    assert page.console_errors == []


def test_clicking_a_network_opens_its_popup(page, sarcelles):
    open_map(page, f"lat={SARCELLES[0]}&lon={ROUTE_LON}&zoom=16")
    wait_for_network(page)
    page.locator("#carte-reseaux").scroll_into_view_if_needed()
    box = page.locator("#carte-reseaux").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Grand Ensemble Sarcelles-Lochères" in text
    assert "DALKIA Paris la Défense" in text
    assert "67,6 %" in text
    assert "0,084 kg/kWh" in text
    assert "oui" in text  # classified
    assert popup.get_by_role("link", name="Voir la fiche du réseau").get_attribute("href") == (
        "/reseaux/9502C"
    )
    assert page.console_errors == []


def test_an_address_search_centres_the_map_and_shows_the_verdict(page, sarcelles):
    open_map(page, "")
    field = page.get_by_role("combobox", name="Rechercher une adresse")
    field.press_sequentially("15 allee paul duk", delay=30)
    page.get_by_role("option", name="15 Allée Paul Dukas 95200 Sarcelles").wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    page.get_by_role("button", name="Afficher sur la carte").click()

    verdict = page.locator("#verdict-carte .fr-callout")
    verdict.wait_for()
    assert "potentiellement raccordable" in verdict.inner_text()
    assert "Grand Ensemble Sarcelles-Lochères" in verdict.inner_text()
    centre = page.evaluate("() => document.querySelector('#carte-reseaux').dataset.mapReady")
    assert centre == "true"
    wait_for_network(page)  # the map moved to the address, by the network
    assert page.console_errors == []


def test_the_map_page_has_no_serious_accessibility_violation(page, sarcelles):
    open_map(page, f"lat={SARCELLES[0]}&lon={ROUTE_LON}&zoom=15")
    wait_for_network(page)
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []


def test_the_network_page_shows_its_figures_without_serious_accessibility_violation(
    page, sarcelles
):
    page.goto("/reseaux/9502C")
    figures = page.locator("#chiffres-cles")
    assert "DALKIA Paris la Défense" in figures.inner_text()
    assert "67,6 %" in figures.inner_text()
    assert page.get_by_role("img", name="Livraisons de chaleur par secteur en 2019").is_visible()
    page.locator("#carte-reseau[data-map-ready=true]").wait_for()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []


def test_the_ambassadors_layer_shows_connected_condominiums_with_a_link(page, sarcelles):
    from tests.ambassadors.factories import AmbassadorFactory

    AmbassadorFactory(network=sarcelles)
    open_map(page, f"lat={SARCELLES[0]}&lon={SARCELLES[1]}&zoom=16")
    layer = page.get_by_role("checkbox", name="Copropriétés ambassadrices")
    assert layer.is_checked()
    marker = page.locator("#carte-reseaux path[stroke='#18753c']")
    marker.first.wait_for(state="attached")
    marker.first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Sarcelles" in popup.inner_text()
    assert popup.get_by_role("link", name="Lire son témoignage et la contacter").count() == 1
    assert page.console_errors == []
