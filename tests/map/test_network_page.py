import re

import pytest

from tests.eligibility.factories import SARCELLES, PriorityZoneFactory, square_around

pytestmark = pytest.mark.django_db


@pytest.fixture
def network_with_figures(sarcelles_network):
    sarcelles_network.owner = "Ville de Sarcelles"
    sarcelles_network.co2_lifecycle_kg_per_kwh = 0.112
    sarcelles_network.average_price = 95.4
    sarcelles_network.length_km = 41.2
    sarcelles_network.delivery_points = 312
    sarcelles_network.deliveries = {
        "annee": 2019,
        "residentiel": 158543.7,
        "tertiaire": 27978.3,
        "industrie": 0.0,
        "total": 186522.0,
        "source": "sdes_iris",
    }
    sarcelles_network.production_mix = {"geothermie": 120000.0, "gaz_naturel": 60000.0}
    sarcelles_network.source = "France Chaleur Urbaine, réseaux de chaleur"
    sarcelles_network.source_date = "2026-01-01"
    sarcelles_network.save()
    PriorityZoneFactory(
        official_id="pdp-sarcelles", name="PDP Lochères", zone=square_around(SARCELLES, 200)
    ).networks.add(sarcelles_network)
    return sarcelles_network


def page(client, network_id="9502C") -> str:
    response = client.get(f"/reseaux/{network_id}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_network_page_shows_its_key_figures(client, network_with_figures):
    html = page(client)
    for text in [
        "Grand Ensemble Sarcelles-Lochères",
        "DALKIA Paris la Défense",
        "Ville de Sarcelles",
        "67,6 %",
        "0,084 kg/kWh",
        "0,112 kg/kWh",
        "95&nbsp;€ TTC/MWh",
        "41,2 km",
        "312",
        "Réseau classé",
    ]:
        assert text in html, text


def test_deliveries_and_production_are_charts_with_a_text_alternative_and_a_table(
    client, network_with_figures
):
    html = page(client)
    charts = re.findall(r'<svg class="fcu-chart__svg".*?</svg>', html, re.DOTALL)
    assert len(charts) == 2
    deliveries, production = charts
    assert 'role="img"' in deliveries
    # The text alternative names each sector with its value; the zero sector is left out.
    assert "Résidentiel : 158\xa0544 MWh (85,0 %)" in deliveries
    assert "Tertiaire : 27\xa0978 MWh (15,0 %)" in deliveries
    assert "Industrie" not in deliveries
    assert deliveries.count("<rect") == 2
    assert "Géothermie : 120\xa0000 MWh (66,7 %)" in production
    # Each chart has its data table.
    assert (
        "<caption>Livraisons de chaleur par secteur en 2019 (données du graphique)</caption>"
        in html
    )
    assert "<caption>Production de chaleur par énergie (données du graphique)</caption>" in html
    assert '<th scope="row">Gaz naturel</th><td>60\xa0000</td><td>33,3 %</td>' in html


def test_the_longest_bar_is_the_biggest_value(client, network_with_figures):
    html = page(client)
    widths = [
        float(w) for w in re.findall(r'<rect class="fcu-chart__bar"[^>]* width="([0-9.]+)"', html)
    ]
    assert widths[0] == max(widths[:2])
    assert widths[1] == pytest.approx(widths[0] * 27978.3 / 158543.7, abs=0.1)


def test_a_network_without_published_deliveries_says_so(client, sarcelles_network):
    html = page(client)
    assert "fcu-chart__svg" not in html
    assert "ne sont pas publiées" in html


def test_the_page_lists_the_networks_priority_zones(client, network_with_figures):
    html = page(client)
    assert "pdp-sarcelles" in html
    assert "PDP Lochères" in html
    assert "30 kW" in html


def test_the_page_links_to_the_map_the_address_test_and_the_open_data(client, network_with_figures):
    html = page(client)
    assert 'href="/carte/?reseau=9502C"' in html
    assert "Tester une adresse" in html
    assert 'href="/api/v1/networks/9502C"' in html
    assert 'href="/api/v1/networks/9502C.geojson"' in html
    assert "données du 1er janvier 2026" in html
    assert "Licence Ouverte 2.0" in html


def test_a_synthetic_network_is_labelled_fictitious(client, sarcelles_network):
    sarcelles_network.is_synthetic = True
    sarcelles_network.save()
    assert "Réseau fictif" in page(client)


def test_an_unknown_network_is_the_dsfr_404_page(client):
    response = client.get("/reseaux/0000X")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()
