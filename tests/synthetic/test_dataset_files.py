"""The synthetic files are in the official formats, with plausible, clearly fictitious content."""

import csv
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from eligibility import synthetic

from .conftest import SMALL, generate, points, read_addresses, read_geojson, territory_of

NETWORKS_DIR = Path(settings.BASE_DIR) / "data" / "demo" / "networks"
NETWORK_ID = re.compile(r"^(\d{2}|2[AB]|97\d)\d{2}[CF]$")
BAN_ID = re.compile(r"^(\d{5}|2[AB]\d{3})_\d{4}_\d{5}(_bis|_ter)?$")
GEOJSON_FILES = [
    synthetic.HEAT_FILE,
    synthetic.COLD_FILE,
    synthetic.CONSTRUCTION_FILE,
    synthetic.CONSTRUCTION_ZONE_FILE,
    synthetic.PDP_FILE,
]


def official_attributes(layer: str) -> set[str]:
    with (NETWORKS_DIR / "nomenclature-export-reseaux.csv").open(encoding="utf-8") as rows:
        return {row["attribut"] for row in csv.DictReader(rows) if row["couche"] == layer}


def official_ids() -> set[str]:
    with (NETWORKS_DIR / "contenus-co2-enrr-2026.csv").open(encoding="utf-8") as rows:
        return {row["identifiant"] for row in csv.DictReader(rows)}


@pytest.mark.parametrize("name", GEOJSON_FILES)
def test_every_geojson_is_a_wgs84_feature_collection(small_dataset, name):
    collection = read_geojson(small_dataset / name)
    assert collection["type"] == "FeatureCollection"
    assert collection["crs"]["properties"]["name"] == "urn:ogc:def:crs:OGC:1.3:CRS84"
    assert collection["features"]
    assert {feature["type"] for feature in collection["features"]} == {"Feature"}


def test_network_attributes_are_the_national_export_names(small_dataset):
    for name, layer in [
        (synthetic.HEAT_FILE, "reseaux_de_chaleur"),
        (synthetic.COLD_FILE, "reseaux_de_froid"),
    ]:
        allowed = official_attributes(layer)
        for feature in read_geojson(small_dataset / name)["features"]:
            assert set(feature["properties"]) <= allowed, set(feature["properties"]) - allowed
    heat = read_geojson(small_dataset / synthetic.HEAT_FILE)["features"][0]["properties"]
    for attribute in [
        "Identifiant reseau",
        "nom_reseau",
        "Gestionnaire",
        "Taux EnR&R",
        "contenu CO2",
        "contenu CO2 ACV",
        "communes",
        "departement",
        "region",
        "reseaux classes",
        "annee_creation",
        "longueur_reseau",
        "nb_pdl",
    ]:
        assert attribute in heat


def test_future_networks_zones_and_pdp_have_their_attributes(small_dataset):
    future = {"id_fcu", "nom_reseau", "Gestionnaire", "mise_en_service", "communes"}
    for name in [synthetic.CONSTRUCTION_FILE, synthetic.CONSTRUCTION_ZONE_FILE]:
        for feature in read_geojson(small_dataset / name)["features"]:
            assert set(feature["properties"]) == future
    for feature in read_geojson(small_dataset / synthetic.PDP_FILE)["features"]:
        assert set(feature["properties"]) == {"id_fcu", "nom", "reseau_id", "seuil_puissance_kw"}


def test_counts_follow_the_requested_size(small_dataset):
    size = synthetic.DatasetSize(**SMALL)
    heat = read_geojson(small_dataset / synthetic.HEAT_FILE)["features"]
    routed = [f for f in heat if f["geometry"]]
    assert len(routed) == SMALL["networks"] == 12
    assert len(heat) - len(routed) == size.unrouted == 3  # networks without a route
    counts = {
        synthetic.COLD_FILE: size.cold,
        synthetic.CONSTRUCTION_FILE: size.future,
        synthetic.CONSTRUCTION_ZONE_FILE: size.construction_zones,
        synthetic.PDP_FILE: size.pdp,
    }
    for name, expected in counts.items():
        assert len(read_geojson(small_dataset / name)["features"]) == expected, name
    assert len(read_addresses(small_dataset / synthetic.ADDRESSES_FILE)[1]) == 2000


def test_network_ids_look_national_are_unique_and_name_no_real_network(small_dataset):
    heat = [
        f["properties"]["Identifiant reseau"]
        for f in read_geojson(small_dataset / synthetic.HEAT_FILE)["features"]
    ]
    cold = [
        f["properties"]["Identifiant reseau"]
        for f in read_geojson(small_dataset / synthetic.COLD_FILE)["features"]
    ]
    assert all(NETWORK_ID.match(i) and i.endswith("C") for i in heat), heat
    assert all(NETWORK_ID.match(i) and i.endswith("F") for i in cold), cold
    assert len(set(heat + cold)) == len(heat) + len(cold)
    real = official_ids() | {"9502C", "9507C", "9514C", "9515C", "7501C", "7511C"}
    assert not real & set(heat + cold)


def test_national_scale_ids_stay_unique_and_unreal():
    plan = synthetic.plan_dataset(1, synthetic.DatasetSize())
    ids = [n.official_id for n in plan.heat + plan.cold]
    assert len(ids) == len(set(ids)) == 1050 + 220 + 50
    assert not (official_ids() | {"7511C"}) & set(ids)
    overseas = {n.commune.departement for n in plan.heat if n.commune.is_overseas}
    assert overseas == {"971", "972", "973", "974", "976"}


def test_names_say_the_data_is_synthetic(small_dataset):
    for name in GEOJSON_FILES:
        for feature in read_geojson(small_dataset / name)["features"]:
            label = feature["properties"].get("nom_reseau") or feature["properties"]["nom"]
            assert "synthétique" in label


def test_pdp_belong_to_networks_of_the_dataset(small_dataset):
    heat = {
        f["properties"]["Identifiant reseau"]: f["properties"]
        for f in read_geojson(small_dataset / synthetic.HEAT_FILE)["features"]
    }
    future = {
        str(f["properties"]["id_fcu"])
        for f in read_geojson(small_dataset / synthetic.CONSTRUCTION_FILE)["features"]
    }
    for feature in read_geojson(small_dataset / synthetic.PDP_FILE)["features"]:
        network_id = feature["properties"]["reseau_id"]
        assert network_id in future or heat[network_id]["reseaux classes"] is True


def test_some_heat_networks_have_no_route(small_dataset):
    heat = read_geojson(small_dataset / synthetic.HEAT_FILE)["features"]
    without_route = [f for f in heat if f["geometry"] is None]
    assert without_route
    assert all(f["properties"]["communes"] for f in without_route)  # matched by commune


def test_every_coordinate_is_in_mainland_france_or_overseas(small_dataset):
    territories = set()
    for name in GEOJSON_FILES:
        for feature in read_geojson(small_dataset / name)["features"]:
            for lon, lat in points(feature["geometry"]):
                territory = territory_of(lon, lat)
                assert territory, (name, feature["properties"], lon, lat)
                territories.add(territory)
    for row in read_addresses(small_dataset / synthetic.ADDRESSES_FILE)[1]:
        assert territory_of(float(row["lon"]), float(row["lat"])), row
    assert "métropole" in territories
    assert territories - {"métropole"}, "at least one overseas network"


def test_the_address_file_is_a_ban_csv(small_dataset):
    header, rows = read_addresses(small_dataset / synthetic.ADDRESSES_FILE)
    assert header == [
        "id",
        "numero",
        "rep",
        "nom_voie",
        "code_postal",
        "code_insee",
        "nom_commune",
        "lon",
        "lat",
    ]
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert BAN_ID.match(row["id"]), row["id"]
        assert row["id"].startswith(f"{row['code_insee']}_")
        assert row["id"].split("_")[2] == f"{int(row['numero']):05d}"
        assert row["rep"] in {"", "bis", "ter"}
        assert re.fullmatch(r"-?\d+\.\d{6}", row["lon"]) and re.fullmatch(
            r"-?\d+\.\d{6}", row["lat"]
        )
        assert re.fullmatch(r"\d{5}", row["code_postal"])
        assert row["nom_voie"] and row["nom_commune"]


def test_route_vertices_grow_with_the_number_of_networks(tmp_path):
    vertices = {}
    for networks in (6, 24):
        directory = generate(tmp_path / str(networks), networks=networks, addresses=10)
        features = read_geojson(directory / synthetic.HEAT_FILE)["features"]
        vertices[networks] = sum(1 for f in features for _ in points(f["geometry"]))
        budget = networks * synthetic.VERTICES_PER_NETWORK
        assert 0.75 * budget <= vertices[networks] <= 1.25 * budget, vertices
    assert 2.5 <= vertices[24] / vertices[6] <= 6, vertices


def test_a_size_of_zero_is_refused(tmp_path):
    with pytest.raises(CommandError, match="au moins un réseau"):
        call_command("generate_synthetic_dataset", seed=1, output=str(tmp_path), networks=0)
