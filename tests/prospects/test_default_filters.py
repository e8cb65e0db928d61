"""The default prospect list: the condominiums an operator should call (fossil energies, within
300 m of a route, nearest first then largest), and the other orders and energies on request."""

import pytest
from django.urls import reverse

from tests.prospects.conftest import near_sarcelles

pytestmark = pytest.mark.django_db

URL = reverse("prospects:list")


def listed(response) -> list[str]:
    return [row.condominium.name for row in response.context["rows"]]


def test_gas_and_oil_heated_condominiums_are_listed_by_default_and_electric_ones_are_not(
    dalkia_client,
):
    near_sarcelles(60, name="Au gaz")
    near_sarcelles(70, name="Au fioul", oil=True)
    near_sarcelles(80, name="À l’électricité", energie_utilisee="electricite")

    assert listed(dalkia_client.get(URL)) == ["Au gaz", "Au fioul"]
    everything = dalkia_client.get(URL, {"energie": "toutes"})
    assert listed(everything) == ["Au gaz", "Au fioul", "À l’électricité"]


def test_a_condominium_250_m_from_a_route_is_listed_by_default_and_one_at_350_m_is_not(
    dalkia_client,
):
    near_sarcelles(250, name="À 250 m")
    near_sarcelles(350, name="À 350 m")

    assert listed(dalkia_client.get(URL)) == ["À 250 m"]
    assert listed(dalkia_client.get(URL, {"distance": "500"})) == ["À 250 m", "À 350 m"]


def test_at_the_same_distance_the_largest_condominium_comes_first(dalkia_client):
    near_sarcelles(120, name="Petite", nb_lot_habitation=12)
    near_sarcelles(120, name="Grande", nb_lot_habitation=240)
    near_sarcelles(60, name="Plus proche", nb_lot_habitation=8)

    assert listed(dalkia_client.get(URL)) == ["Plus proche", "Grande", "Petite"]


def test_the_size_order_lists_the_largest_first(dalkia_client):
    near_sarcelles(60, name="Proche et petite", nb_lot_habitation=8)
    near_sarcelles(250, name="Loin et grande", nb_lot_habitation=240)

    response = dalkia_client.get(URL, {"tri": "taille"})

    assert listed(response) == ["Loin et grande", "Proche et petite"]


def test_an_unknown_order_is_a_clear_french_error(dalkia_client):
    response = dalkia_client.get(URL, {"tri": "prix"})

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert response.context["rows"] == []
