import re

import pytest

from eligibility.models import HeatNetwork
from tests.eligibility.factories import HeatNetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def networks():
    HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Lochères",
        commune_names="Sarcelles",
        operator="DALKIA Paris la Défense",
        enrr_rate=67.6,
        co2_kg_per_kwh=0.084,
        classified=True,
    )
    HeatNetworkFactory(
        network_id="9514C",
        name="Réseau de Villiers-le-Bel - Gonesse",
        commune_names="Villiers-le-Bel, Gonesse",
        operator="Engie Solutions",
        enrr_rate=45.0,
        co2_kg_per_kwh=0.150,
    )
    HeatNetworkFactory(
        network_id="9501F",
        kind="cold",
        name="Réseau de froid d’Écouen",
        commune_names="Écouen",
        operator="Coriance",
        enrr_rate=None,
        co2_kg_per_kwh=0.010,
    )


def listed(client, **params) -> list[str]:
    response = client.get("/reseaux/", params)
    assert response.status_code == 200
    return re.findall(r'href="/reseaux/([0-9A-Z]+)"', response.content.decode())


def test_every_network_is_listed_by_name(client, networks):
    assert listed(client) == ["9502C", "9501F", "9514C"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("lochères", ["9502C"]),  # name, with its accent
        ("LOCHERES", ["9502C"]),  # no accent, upper case
        ("ecouen", ["9501F"]),  # commune written without its accent
        ("engie", ["9514C"]),  # operator
        ("gonesse villiers", ["9514C"]),  # every word, in any order
        ("9501f", ["9501F"]),  # national id
        ("reseau", ["9501F", "9514C"]),
        ("marseille", []),
    ],
)
def test_search_by_name_commune_or_operator_ignores_accents_and_case(
    client, networks, query, expected
):
    assert listed(client, q=query) == expected


def test_filters_combine(client, networks):
    assert listed(client, type="cold") == ["9501F"]
    assert listed(client, type="heat", enrr_min=50) == ["9502C"]
    assert listed(client, co2_max="0.1") == ["9502C", "9501F"]
    assert listed(client, classes="on") == ["9502C"]
    assert listed(client, type="heat", co2_max="0.1", q="dalkia") == ["9502C"]


def test_an_invalid_filter_is_explained_on_the_form(client, networks):
    response = client.get("/reseaux/", {"enrr_min": "beaucoup"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saisissez un nombre entier." in html
    assert "Aucun réseau ne correspond" in html


def test_the_list_is_paginated_with_the_dsfr_pagination_keeping_the_filters(client):
    HeatNetwork.objects.bulk_create(
        HeatNetwork(network_id=f"{9100 + i}C", name=f"Réseau {i:02d}", enrr_rate=60)
        for i in range(45)
    )
    first = client.get("/reseaux/", {"enrr_min": 50}).content.decode()
    assert "45 réseaux" in first
    assert 'class="fr-pagination"' in first
    assert 'href="?enrr_min=50&amp;page=2"' in first
    assert len(listed(client, enrr_min=50)) == 20
    assert len(listed(client, enrr_min=50, page=3)) == 5
    assert listed(client, enrr_min=50, page=99)[-1] == "9144C"  # past the end: the last page


def test_the_search_is_a_plain_get_form_that_works_without_javascript(client, networks):
    html = client.get("/reseaux/").content.decode()
    form = re.search(r'<form method="get" action="/reseaux/".*?</form>', html, re.DOTALL).group(0)
    for name in ["q", "type", "enrr_min", "co2_max", "classes"]:
        assert f'name="{name}"' in form
    assert "<script" not in html.split("<footer")[0].split("</header>")[-1]


def test_synthetic_networks_are_hidden_when_real_ones_exist(client, networks):
    HeatNetworkFactory(network_id="9599C", name="Réseau synthétique", is_synthetic=True)
    assert "9599C" not in listed(client)


def test_a_database_of_synthetic_networks_only_lists_them_as_fictitious(client, networks):
    HeatNetwork.objects.update(is_synthetic=True)
    response = client.get("/reseaux/")
    assert len(listed(client)) == 3
    assert response.content.decode().count(">fictif</span>") == 3
