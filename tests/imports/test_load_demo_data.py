import pytest

from eligibility.models import Address, HeatNetwork, HeatPlant, NetworkDelivery
from tests.imports.conftest import run

pytestmark = pytest.mark.django_db


def test_demo_data_loads_every_real_file():
    output = run("load_demo_data")

    assert "Données de démonstration chargées." in output
    assert HeatNetwork.objects.count() == 1086  # the arrêté DPE list, 4 of them with a route
    assert HeatNetwork.objects.with_route().count() == 4
    assert NetworkDelivery.objects.count() == 6507
    assert HeatPlant.objects.count() == 101
    assert Address.objects.count() == 530
    assert not HeatNetwork.objects.filter(is_synthetic=True).exists()
    sarcelles = HeatNetwork.objects.get(network_id="9502C")
    assert sarcelles.co2_kg_per_kwh is not None
    assert sarcelles.deliveries["source"] == "sdes_iris"
    assert "couche open data" in sarcelles.source
    assert "arrêté DPE 2026" in sarcelles.source
    assert str(HeatPlant.objects.first().source_date) == "2022-01-01"


def test_if_empty_does_nothing_when_networks_exist():
    HeatNetwork.objects.create(network_id="9990C", name="Réseau de test")

    output = run("load_demo_data", if_empty=True)

    assert "données de démonstration non rechargées" in output
    assert HeatNetwork.objects.count() == 1
    assert not Address.objects.exists()
