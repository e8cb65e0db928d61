"""The régions and départements of the filters (INSEE COG 2024) and the parsing of a filter."""

import re

import pytest

from stats.territories import (
    DEPARTEMENTS,
    FRANCE,
    REGIONS,
    Territory,
    UnknownTerritory,
    all_territories,
    departement_of,
    departements_of_region,
    territory_from,
)


def test_the_reference_has_101_departements_in_18_regions():
    assert len(DEPARTEMENTS) == 101
    assert len(REGIONS) == 18
    assert {region for _, region in DEPARTEMENTS.values()} == set(REGIONS)
    assert len(all_territories()) == 1 + 18 + 101


def test_regions_hold_their_official_departements():
    assert departements_of_region("11") == ["75", "77", "78", "91", "92", "93", "94", "95"]
    assert departements_of_region("94") == ["2A", "2B"]
    assert departements_of_region("04") == ["974"]
    assert len(departements_of_region("76")) == 13  # Occitanie
    assert DEPARTEMENTS["95"] == ("Val-d'Oise", "11")
    assert REGIONS["93"] == "Provence-Alpes-Côte d'Azur"


@pytest.mark.parametrize(
    ("code_insee", "departement"),
    [
        ("95585", "95"),
        ("2A004", "2A"),
        ("2b033", "2B"),
        ("97411", "974"),
        ("97608", "976"),
        ("97502", ""),  # Saint-Pierre-et-Miquelon: a collectivity, not a département
        ("99999", ""),
        ("", ""),
    ],
)
def test_departement_of_a_commune_code(code_insee, departement):
    assert departement_of(code_insee) == departement


def test_a_filter_names_a_region_or_a_departement():
    assert territory_from() == FRANCE
    assert territory_from(region="11") == Territory("region", "11")
    assert territory_from(departement="2a") == Territory("departement", "2A")
    assert territory_from(region="11", departement="95") == Territory("departement", "95")
    assert Territory("departement", "95").label == "département Val-d'Oise (95)"
    assert Territory("departement", "974").as_dict() == {
        "type": "departement",
        "code": "974",
        "name": "La Réunion",
        "region": {"code": "04", "name": "La Réunion"},
    }


@pytest.mark.parametrize(
    ("region", "departement", "message"),
    [
        ("99", "", "Région inconnue : « 99 »"),
        ("", "975", "Département inconnu : « 975 »"),
        ("", "<script>", "Département inconnu"),
        ("53", "95", "Le département Val-d'Oise (95) n’est pas dans la région Bretagne"),
    ],
)
def test_an_unknown_or_inconsistent_filter_is_refused_in_french(region, departement, message):
    with pytest.raises(UnknownTerritory, match=re.escape(message)):
        territory_from(region=region, departement=departement)
