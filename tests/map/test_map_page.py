import json
import re

import pytest

from eligibility import maplayers
from eligibility.models import HeatNetwork
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db


def config(client, **params) -> dict:
    html = client.get("/carte/", params).content.decode()
    return json.loads(
        re.search(r'<script id="config-carte" type="application/json">(.*?)</script>', html).group(
            1
        )
    )


def test_the_map_page_configures_every_layer_and_its_tiles(client):
    settings = config(client)
    assert settings["tiles"] == "/tiles/{layer}/{z}/{x}/{y}.pbf"
    assert [layer["id"] for layer in settings["layers"]] == [
        "heat",
        "future",
        "pdp",
        "cold",
        "plants",
    ]
    assert settings["view"] is None


def test_the_map_opens_on_a_network_or_a_point(client, sarcelles_network):
    [[south, west], [north, east]] = config(client, reseau="9502C")["view"]["bounds"]
    # The route: 600 m north–south, 48 m east of 15 allée Paul Dukas.
    assert south < SARCELLES[0] < north
    assert west == pytest.approx(east) == pytest.approx(SARCELLES[1] + 48 / 73_130, abs=1e-5)
    assert config(client, lat="48.97", lon="2.37", zoom="16")["view"] == {
        "center": [48.97, 2.37],
        "zoom": 16,
    }
    assert config(client, lat="north", lon="2.37")["view"] is None
    assert config(client, reseau="0000X")["view"] is None


def test_the_map_cites_its_data_with_licence_and_date(client, sarcelles_network):
    sarcelles_network.source_date = "2026-01-01"
    sarcelles_network.save()
    html = client.get("/carte/").content.decode()
    assert "France Chaleur Urbaine, Licence Ouverte 2.0, données du 1er janvier 2026" in html
    assert "OpenStreetMap" in html


def test_the_map_says_when_its_data_is_fictitious(client, sarcelles_network):
    assert "Données fictives" not in client.get("/carte/").content.decode()
    HeatNetwork.objects.update(is_synthetic=True)
    maplayers.forget_data_state()
    assert "Données fictives" in client.get("/carte/").content.decode()


def test_the_main_menu_links_to_the_map_and_the_networks(client):
    html = client.get("/").content.decode()
    assert 'href="/carte/"' in html
    assert 'href="/reseaux/"' in html


def test_without_javascript_the_address_search_leads_to_the_full_verdict(client):
    html = client.get("/carte/").content.decode()
    form = re.search(r'<form method="get" action="/eligibilite/".*?</form>', html, re.DOTALL).group(
        0
    )
    assert 'name="adresse"' in form
    assert 'name="chauffage" value="collective"' in form
    assert 'data-autocomplete-url="/api/v1/addresses"' in form
