import math

import pytest
from django.test import Client

from eligibility import maplayers
from tests.eligibility.factories import (
    SARCELLES,
    FutureNetworkFactory,
    HeatNetworkFactory,
    PriorityZoneFactory,
    offset,
    route_east_of,
    square_around,
)


@pytest.fixture(scope="session")
def _shared_client():
    return Client()


@pytest.fixture
def client(_shared_client):
    """One test client for all these tests: each new client costs about a second, spent by
    WhiteNoise's middleware listing the 3,500 collected static files when it starts."""
    _shared_client.cookies.clear()
    return _shared_client


@pytest.fixture(autouse=True)
def fresh_data_state():
    """The data version is cached for a few seconds in each process: never across tests."""
    maplayers.forget_data_state()
    yield
    maplayers.forget_data_state()


def tile_of(origin, z: int) -> tuple[int, int, int]:
    """(z, x, y) of the XYZ tile holding origin (lat, lon)."""
    lat, lon = origin
    n = 2**z
    x = int((lon + 180) / 360 * n)
    radians = math.radians(lat)
    y = int((1 - math.log(math.tan(radians) + 1 / math.cos(radians)) / math.pi) / 2 * n)
    return z, x, y


def tile_url(layer: str, origin, z: int) -> str:
    z, x, y = tile_of(origin, z)
    return f"/tiles/{layer}/{z}/{x}/{y}.pbf"


@pytest.fixture
def sarcelles_network():
    """Grand Ensemble Sarcelles-Lochères: a 600 m north–south route 48 m east of 15 allée Paul
    Dukas, with its figures."""
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Lochères",
        operator="DALKIA Paris la Défense",
        commune_names="Sarcelles",
        communes=["95585"],
        enrr_rate=67.6,
        co2_kg_per_kwh=0.084,
        classified=True,
        route=route_east_of(SARCELLES, 48),
    )


@pytest.fixture
def every_layer(sarcelles_network):
    """One feature of each layer around Sarcelles."""
    from eligibility.models import HeatPlant

    HeatNetworkFactory(cold=True, name="Froid de Sarcelles", route=route_east_of(SARCELLES, -80))
    FutureNetworkFactory(
        name="Futur réseau de Sarcelles",
        route=route_east_of(offset(SARCELLES, metres=150, bearing=0), -150),
        zone=square_around(offset(SARCELLES, metres=300, bearing=180), 100),
    )
    pdp = PriorityZoneFactory(name="PDP de Sarcelles", zone=square_around(SARCELLES, 200))
    pdp.networks.add(sarcelles_network)
    HeatPlant.objects.create(
        official_id="chaufferie-1",
        name="Chaufferie des Lochères",
        fuel="Géothermie",
        power_mw=12.5,
        network=sarcelles_network,
        footprint=square_around(offset(SARCELLES, metres=100, bearing=225), 15),
    )
    return sarcelles_network
