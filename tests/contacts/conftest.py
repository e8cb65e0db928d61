import pytest

from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.fixture
def sarcelles_network():
    """The real Sarcelles network (9502C), 48 m east of 15 allée Paul Dukas, whose BAN address
    the local geocoder knows."""
    AddressFactory()
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


@pytest.fixture
def dalkia(sarcelles_network):
    return OrganisationFactory(
        name="Dalkia Île-de-France",
        email="demandes@dalkia.example.fr",
        networks=[sarcelles_network],
    )


@pytest.fixture
def lead_data():
    return lead_form_data()


def lead_form_data() -> dict:
    """What the form sends for a condominium of Sarcelles, with the autocomplete's coordinates."""
    return {
        "adresse": LABEL,
        "label": LABEL,
        "lat": str(SARCELLES[0]),
        "lon": str(SARCELLES[1]),
        "citycode": "95585",
        "request_type": "quote",
        "structure": "condominium",
        "requester_role": "council_member",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@exemple.fr",
        "phone": "01 23 45 67 89",
        "heating_energy": "gas",
        "heating_type": "collective",
        "dwellings": "48",
        "floor_area_m2": "3200",
        "boiler_age_years": "18",
        "general_assembly_date": "",
        "boiler_replacement_month": "",
        "boiler_replacement_year": "",
        "comment": "Notre chaudière a 18 ans.",
        "consent": "on",
        "site_web": "",
    }


@pytest.fixture
def service_data():
    """Keyword arguments of services.create_lead for the same request."""
    return {
        "structure": "condominium",
        "first_name": "Camille",
        "last_name": "Martin",
        "email": "camille.martin@exemple.fr",
        "heating_energy": "gas",
        "heating_type": "collective",
        "dwellings": 48,
        "consent": True,
        "address_label": LABEL,
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
    }
