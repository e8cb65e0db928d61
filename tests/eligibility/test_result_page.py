from unittest import mock

import pytest

from eligibility import geocoding
from eligibility.models import EligibilityCheck
from tests.eligibility.factories import (
    PARIS_15,
    SARCELLES,
    AddressFactory,
    HeatNetworkFactory,
    PriorityZoneFactory,
    route_east_of,
    square_around,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sarcelles():
    AddressFactory()
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


def test_home_page_has_the_address_form(client):
    html = client.get("/").content.decode()
    assert 'action="/eligibilite/"' in html
    assert 'name="adresse"' in html and 'name="chauffage"' in html


def test_result_without_javascript_geocodes_the_typed_address(client, sarcelles):
    response = client.get(
        "/eligibilite/",
        {"adresse": "15 allée Paul Dukas 95200 Sarcelles", "chauffage": "collective"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Votre immeuble est potentiellement raccordable" in html
    assert "Grand Ensemble Sarcelles-Locheres" in html
    assert "DALKIA Paris la Defense" in html
    assert "seuil de 100\xa0m" in html
    assert 'id="donnees-carte"' in html
    assert "Je donne mon avis" in html
    assert EligibilityCheck.objects.get().channel == "web"


def test_result_with_the_coordinates_chosen_in_the_autocomplete_skips_geocoding(client, sarcelles):
    label = "15 Allée Paul Dukas 95200 Sarcelles"
    params = {
        "adresse": label,
        "label": label,
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "chauffage": "collective",
    }
    with mock.patch.object(geocoding, "geocode") as geocode:
        response = client.get("/eligibilite/", params)
    assert response.status_code == 200
    geocode.assert_not_called()
    assert "potentiellement raccordable" in response.content.decode()


def test_coordinates_for_another_label_than_the_typed_one_are_ignored(client, sarcelles):
    params = {
        "adresse": "15 allée Paul Dukas Sarcelles",
        "label": "1 rue de Rivoli 75001 Paris",
        "lat": PARIS_15[0],
        "lon": PARIS_15[1],
        "chauffage": "collective",
    }
    html = client.get("/eligibilite/", params).content.decode()
    assert "potentiellement raccordable" in html


def test_individual_heating_warns_about_heavy_works(client, sarcelles):
    html = client.get(
        "/eligibilite/", {"adresse": "15 allée Paul Dukas Sarcelles", "chauffage": "individual"}
    ).content.decode()
    assert "boucle d’eau chaude collective" in html


def test_priority_zone_warns_that_connection_can_be_mandatory(client, sarcelles):
    zone = PriorityZoneFactory(zone=square_around(SARCELLES, 400), power_threshold_kw=30)
    zone.networks.add(sarcelles)
    html = client.get(
        "/eligibilite/", {"adresse": "15 allée Paul Dukas Sarcelles", "chauffage": "collective"}
    ).content.decode()
    assert "périmètre de développement prioritaire" in html
    assert "30\xa0kW" in html and "amende" in html


def test_paris_result_mentions_the_100_kw_minimum(client):
    HeatNetworkFactory(network_id="7501C", name="CPCU", route=route_east_of(PARIS_15, 40))
    params = {
        "adresse": "Rue de Vaugirard Paris",
        "label": "Rue de Vaugirard Paris",
        "lat": PARIS_15[0],
        "lon": PARIS_15[1],
        "chauffage": "collective",
    }
    html = client.get("/eligibilite/", params).content.decode()
    assert "100\xa0kW" in html and "seuil de 60\xa0m" in html


def test_missing_address_shows_a_french_error_on_the_form(client):
    response = client.get("/eligibilite/", {"adresse": "", "chauffage": "collective"})
    assert response.status_code == 400
    assert "Indiquez l’adresse de l’immeuble." in response.content.decode()


def test_unknown_address_shows_suggestions_when_there_are_some(client, sarcelles):
    response = client.get("/eligibilite/", {"adresse": "zzzz qqqq wwww", "chauffage": "collective"})
    assert response.status_code == 404
    assert "Nous ne trouvons pas cette adresse" in response.content.decode()


def test_geocoder_down_shows_that_the_address_service_is_unavailable(client):
    with mock.patch.object(geocoding, "geocode", side_effect=geocoding.GeocoderError("timeout")):
        response = client.get(
            "/eligibilite/", {"adresse": "15 allée Paul Dukas", "chauffage": "collective"}
        )
    assert response.status_code == 503
    assert "Service d’adresses indisponible" in response.content.decode()


def test_html_in_the_address_is_shown_as_text(client):
    response = client.get(
        "/eligibilite/", {"adresse": "<script>alert(1)</script>", "chauffage": "collective"}
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_unknown_network_page_is_the_dsfr_404(client):
    response = client.get("/reseaux/0000X")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_network_page_shows_its_figures_and_sources(client, sarcelles):
    html = client.get("/reseaux/9502C").content.decode()
    assert "Grand Ensemble Sarcelles-Locheres" in html
    assert "67,6 %" in html
    assert "Licence Ouverte 2.0" in html
