"""The result page of an address too far from any network, in a browser: the nearest network on
the map, the other solutions, no serious accessibility violation."""

import pytest

from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_too_far_address_reads_the_nearest_network_and_the_other_solutions(page):
    AddressFactory()
    HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 2500),
    )
    OrganisationFactory(
        energy_agency=True, name="Agence locale de l’énergie du Val-d’Oise", departements=["95"]
    )
    page.goto("/eligibilite/?adresse=15+allée+Paul+Dukas+Sarcelles&chauffage=collective")
    verdict = page.locator("#verdict").inner_text()
    assert "n’est pas raccordable à ce jour" in verdict
    assert "Grand Ensemble Sarcelles-Locheres" in verdict and "2\xa0500\xa0m" in verdict
    alternatives = page.locator("#alternatives")
    assert "Une pompe à chaleur collective" in alternatives.inner_text()
    agency = alternatives.get_by_role("link", name="Être conseillé par Agence locale")
    assert "demande=conseil" in agency.get_attribute("href")
    page.locator("#carte-resultat[data-map-ready=true]").wait_for()
    assert page.locator("#carte-resultat path.leaflet-interactive").count() >= 2  # route + line
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []
