import csv
import json

import pytest
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError

from eligibility.models import FutureNetwork, HeatNetwork, NetworkKind, PriorityZone
from tests.imports.conftest import DEMO, fixture, ogr2ogr, run

pytestmark = pytest.mark.django_db

TRACES = str(DEMO / "networks" / "traces-val-d-oise.geojson")
# Real BAN positions of Sarcelles (data/demo/addresses), ends of the 9991C test route.
ALLEE_PAUL_DUKAS = Point(2.372514, 48.974443, srid=4326)
BOULEVARD_JACQUES_COPEAU = Point(2.369931, 48.975164, srid=4326)


def metres_from(point: Point, network_id: str) -> float:
    """Ground distance (PostGIS geography) from a point to a network's route."""
    return HeatNetwork.objects.annotate(d=Distance("route", point)).get(network_id=network_id).d.m


def test_real_val_d_oise_routes_are_imported_with_their_attributes():
    report = run("import_networks", TRACES, layer="heat")

    assert "4 réseaux de chaleur créés, 0 mis à jour, 0 inchangé, 0 rejeté" in report
    assert HeatNetwork.objects.with_route().count() == 4
    sarcelles = HeatNetwork.objects.get(network_id="9502C")
    assert sarcelles.name == "Grand Ensemble Sarcelles-Locheres"
    assert sarcelles.operator == "DALKIA Paris la Defense"
    assert sarcelles.enrr_rate == 67.6
    assert sarcelles.kind == NetworkKind.HEAT
    assert sarcelles.route.geom_type == "MultiLineString"
    assert sarcelles.route.valid


def test_real_routes_lose_their_degenerate_parts_and_say_so():
    report = run("import_networks", TRACES, layer="heat")

    # 9502C has 829 parts, 25 of them with two identical points (see data/demo/README.md).
    assert "entité 1 (9502C) : géométrie réparée : 25 partie(s) dégénérée(s)" in report
    assert HeatNetwork.objects.get(network_id="9502C").route.num_geom == 829 - 25
    assert "9515C" not in report  # nothing to repair in Pontoise's route


def test_second_run_updates_without_duplicates():
    run("import_networks", TRACES, layer="heat")
    HeatNetwork.objects.filter(network_id="9502C").update(operator="Ancien gestionnaire")

    report = run("import_networks", TRACES, layer="heat")

    assert "0 réseau de chaleur créé, 1 mis à jour, 3 inchangés, 0 rejeté" in report
    assert HeatNetwork.objects.count() == 4
    assert HeatNetwork.objects.get(network_id="9502C").operator == "DALKIA Paris la Defense"


def test_second_run_of_the_same_file_changes_nothing():
    run("import_networks", TRACES, layer="heat")
    before = dict(HeatNetwork.objects.values_list("network_id", "updated_at"))

    report = run("import_networks", TRACES, layer="heat")

    assert "0 réseau de chaleur créé, 0 mis à jour, 4 inchangés" in report
    assert dict(HeatNetwork.objects.values_list("network_id", "updated_at")) == before


def test_dry_run_writes_nothing():
    report = run("import_networks", TRACES, layer="heat", dry_run=True)

    assert "4 réseaux de chaleur créés" in report
    assert "Simulation (--dry-run)" in report
    assert not HeatNetwork.objects.exists()


def test_a_file_with_fewer_attributes_does_not_blank_the_others():
    HeatNetwork.objects.create(
        network_id="9502C", name="Ancien nom", co2_kg_per_kwh=0.118, departement="Val-d'Oise"
    )

    run("import_networks", TRACES, layer="heat")

    network = HeatNetwork.objects.get(network_id="9502C")
    assert network.name == "Grand Ensemble Sarcelles-Locheres"
    assert network.co2_kg_per_kwh == 0.118
    assert network.departement == "Val-d'Oise"


def test_lambert93_coordinates_land_at_the_right_place():
    report = run("import_networks", fixture("route-lambert93.geojson"), layer="heat")

    assert "Coordonnées en RGF93 v1 / Lambert-93, converties en WGS84" in report
    origin = HeatNetwork.objects.get(network_id="9990C").route[0][0]
    # (700000, 6600000) is the origin of Lambert-93: 3° E, 46.5° N by definition.
    assert origin == pytest.approx((3.0, 46.5), abs=1e-7)
    assert metres_from(ALLEE_PAUL_DUKAS, "9991C") < 1
    assert metres_from(BOULEVARD_JACQUES_COPEAU, "9991C") < 1


def test_metric_coordinates_without_crs_are_read_as_lambert93():
    report = run("import_networks", fixture("route-lambert93-without-crs.geojson"), layer="heat")

    assert "sans système déclaré : lues en Lambert-93" in report
    assert metres_from(ALLEE_PAUL_DUKAS, "9991C") < 1


def test_national_attributes_are_parsed():
    run("import_networks", fixture("route-lambert93.geojson"), layer="heat")

    network = HeatNetwork.objects.get(network_id="9991C")
    assert network.classified is True
    assert network.enrr_rate == 61.5  # decimal comma
    assert network.communes == ["95585"]
    assert network.commune_names == ""  # codes only: no names to keep


def test_rows_to_repair_or_reject_are_reported():
    report = run("import_networks", fixture("routes-to-repair.geojson"), layer="heat")

    assert "3 réseaux de chaleur créés, 0 mis à jour, 0 inchangé, 3 rejetés" in report
    assert "entité 1 (9992C) : géométrie réparée : 1 partie(s) dégénérée(s)" in report
    assert "entité 2 (9993C) : géométrie irréparable" in report
    assert "entité 3 (9994F) : l’identifiant 9994F est celui d’un réseau de froid" in report
    assert "entité 4 (9995C) : géométrie de type POLYGON" in report
    assert HeatNetwork.objects.get(network_id="9992C").route.num_geom == 2
    assert set(HeatNetwork.objects.values_list("network_id", flat=True)) == {
        "9992C",
        "9996C",
        "9997C",
    }


def test_a_network_without_route_is_kept_with_its_communes():
    run("import_networks", fixture("routes-to-repair.geojson"), layer="heat")

    network = HeatNetwork.objects.get(network_id="9996C")
    assert network.route is None
    assert network.communes == ["95585", "95268"]
    assert network.commune_names == "Sarcelles (95585), Garges-lès-Gonesse (95268)"


def test_features_with_the_same_id_are_merged_and_a_bad_figure_is_ignored():
    report = run("import_networks", fixture("routes-to-repair.geojson"), layer="heat")

    network = HeatNetwork.objects.get(network_id="9997C")
    assert network.route.num_geom == 3
    assert network.operator == "Opérateur de test"
    assert network.enrr_rate is None
    assert "2 entités avec cet identifiant : fusionnées" in report
    assert "Taux EnR&R : « beaucoup » n’est pas un nombre : valeur ignorée" in report


def test_a_missing_id_rejects_the_row_only():
    report = run("import_networks", fixture("route-missing-id.geojson"), layer="heat")

    assert "1 réseau de chaleur créé" in report
    assert "entité 2 : identifiant du réseau manquant" in report


def test_a_truncated_file_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="route-truncated.geojson est tronqué"):
        run("import_networks", fixture("route-truncated.geojson"), layer="heat")
    assert not HeatNetwork.objects.exists()


def test_a_missing_file_is_refused():
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("import_networks", fixture("nope.geojson"), layer="heat")


def test_a_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "reseaux.geojson"
    path.write_text('{"reseaux": []}', encoding="utf-8")

    with pytest.raises(CommandError, match="JSON mais pas un GeoJSON"):
        run("import_networks", str(path), layer="heat")


def test_a_file_without_id_attribute_is_refused(tmp_path):
    path = tmp_path / "sans-identifiant.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"nom": "Réseau de test"},
                        "geometry": {
                            "type": "LineString",
                            "coordinates": [[2.3, 48.9], [2.4, 48.9]],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="attribut identifiant absent"):
        run("import_networks", str(path), layer="heat")


def test_a_fatal_error_mid_file_leaves_the_database_as_before(monkeypatch):
    run("import_networks", TRACES, layer="heat")
    HeatNetwork.objects.filter(network_id="9502C").update(operator="Avant l’erreur")
    from eligibility.management.commands import import_networks

    def broken_upsert(*args, **kwargs):
        # Write, then fail as a database error would in the middle of the file.
        HeatNetwork.objects.filter(network_id="9502C").update(operator="Écrit puis annulé")
        HeatNetwork.objects.create(network_id="9998C", name="Réseau de test")
        raise CommandError("Panne simulée.")

    monkeypatch.setattr(import_networks, "upsert", broken_upsert)

    with pytest.raises(
        CommandError, match="Panne simulée. Import annulé : rien n’a été enregistré"
    ):
        run("import_networks", TRACES, layer="heat")
    assert HeatNetwork.objects.get(network_id="9502C").operator == "Avant l’erreur"
    assert not HeatNetwork.objects.filter(network_id="9998C").exists()


def test_cold_layer_accepts_cold_ids_only():
    report = run("import_networks", fixture("routes-to-repair.geojson"), layer="cold")

    assert "1 réseau de froid créé" in report
    assert HeatNetwork.objects.get().kind == NetworkKind.COLD


def national_export_properties() -> dict:
    """One network with every attribute of the national export's heat layer (the nomenclature of
    data/demo), each with its own value."""
    with open(DEMO / "networks" / "nomenclature-export-reseaux.csv", encoding="utf-8") as stream:
        names = [
            r["attribut"] for r in csv.DictReader(stream) if r["couche"] == "reseaux_de_chaleur"
        ]
    properties = {name: float(index) for index, name in enumerate(names, start=1)}
    properties.update(
        {
            "Identifiant reseau": "9991C",
            "nom_reseau": "Réseau de test de Sarcelles",
            "communes": "95585",
            "departement": "Val-d'Oise",
            "region": "Île-de-France",
            "MO": "Ville de test",
            "Gestionnaire": "Opérateur de test",
            "reseaux classes": "checked",
            "annee_creation": 1968,
            "contenu CO2": 0.118,
            "contenu CO2 ACV": 0.141,
        }
    )
    return properties


def test_shapefile_with_ten_character_names_in_lambert93(tmp_path):
    """A shapefile of the national export: attribute names cut to 10 characters (ogr2ogr gives
    exactly the names of the nomenclature), a .prj in Lambert-93."""
    properties = national_export_properties()
    source = tmp_path / "reseaux_de_chaleur.geojson"
    line = [list(ALLEE_PAUL_DUKAS.coords), list(BOULEVARD_JACQUES_COPEAU.coords)]
    source.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": properties,
                        "geometry": {"type": "LineString", "coordinates": line},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    ogr2ogr("-f", "ESRI Shapefile", "-t_srs", "EPSG:2154", tmp_path / "shp", source)
    shapefile = tmp_path / "shp" / "reseaux_de_chaleur.shp"

    report = run("import_networks", str(shapefile), layer="heat")

    assert "1 réseau de chaleur créé" in report
    network = HeatNetwork.objects.get(network_id="9991C")
    assert network.operator == "Opérateur de test"  # Gestionnai
    assert network.owner == "Ville de test"
    assert network.classified is True  # "reseaux cl" = "checked"
    assert network.creation_year == 1968  # annee_crea
    assert network.co2_lifecycle_kg_per_kwh == 0.141  # "contenu _1"
    assert network.enrr_rate == properties["Taux EnR&R"]
    assert network.efficiency == properties["Rend%"]
    assert network.total_power_mw == properties["puissance_totale_MW"]  # puissance_
    for energy in ["gaz_naturel", "fioul_lourd", "geothermie", "chaleur_industiel", "autres"]:
        assert network.production_mix[energy] == properties[f"prod_MWh_{energy}"]
        assert network.power_mix[energy] == properties[f"puissance_MW_{energy}"]
    assert len(network.production_mix) == len(network.power_mix) == 17
    assert network.deliveries["residentiel"] == properties["livraisons_residentiel_MWh"]
    assert network.deliveries["total"] == properties["livraisons_totale_MWh"]
    assert network.deliveries["source"] == "export_national"
    assert network.fluid["eau_surchauffee"] == properties["eau_surchauffee"]  # eau_surcha
    assert metres_from(ALLEE_PAUL_DUKAS, "9991C") < 1


def test_construction_routes_and_zones_fill_one_future_network():
    routes = run("import_networks", fixture("construction.geojson"), layer="construction")
    zones = run("import_networks", fixture("construction-zone.geojson"), layer="construction_zone")

    assert "1 réseau en construction créé, 0 mis à jour, 0 inchangé, 1 rejeté" in routes
    assert "entité 2 (9902-SANS-GEOMETRIE) : géométrie absente" in routes
    assert "1 zone de construction créée, 1 mise à jour" in zones
    future = FutureNetwork.objects.get(official_id="9901-EN-CONSTRUCTION")
    assert future.route.geom_type == "MultiLineString"
    assert future.zone.geom_type == "MultiPolygon"
    assert future.operator == "Opérateur de test"
    assert future.communes == ["95585"]
    assert future.planned_commissioning == "2028-09-01"


def test_an_invalid_construction_zone_is_repaired_and_reported():
    report = run("import_networks", fixture("construction-zone.geojson"), layer="construction_zone")

    assert (
        "entité 2 (9903-NOEUD-PAPILLON) : géométrie réparée (polygone invalide corrigé)" in report
    )
    zone = FutureNetwork.objects.get(official_id="9903-NOEUD-PAPILLON").zone
    assert zone.valid
    assert zone.num_geom == 2  # the bow tie, split at its crossing


def test_priority_zones_are_linked_to_existing_and_future_networks(demo_routes):
    run("import_networks", fixture("construction.geojson"), layer="construction")

    report = run("import_networks", fixture("pdp.geojson"), layer="pdp")

    assert "2 périmètres de développement prioritaire créés" in report
    assert "entité 2 (9802) : réseau 9999C inconnu : périmètre importé sans ce lien" in report
    zone = PriorityZone.objects.get(official_id="9801")
    assert [n.network_id for n in zone.networks.all()] == ["9502C"]
    assert [n.official_id for n in zone.future_networks.all()] == ["9901-EN-CONSTRUCTION"]
    assert zone.power_threshold_kw == 30
    assert PriorityZone.objects.get(official_id="9802").networks.count() == 0


def test_priority_zones_second_run_is_unchanged(demo_routes):
    run("import_networks", fixture("pdp.geojson"), layer="pdp")

    report = run("import_networks", fixture("pdp.geojson"), layer="pdp")

    assert "0 périmètre de développement prioritaire créé, 0 mis à jour, 2 inchangés" in report
    assert PriorityZone.objects.count() == 2


def test_source_and_date_are_recorded():
    run(
        "import_networks",
        TRACES,
        layer="heat",
        source="Couche open data de test",
        source_date="2026-01-15",
    )

    network = HeatNetwork.objects.get(network_id="9502C")
    assert network.source == "Couche open data de test"
    assert str(network.source_date) == "2026-01-15"


def test_a_bad_source_date_is_refused():
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        run("import_networks", TRACES, layer="heat", source_date="15/01/2026")


def test_shapefile_with_part_of_a_numbered_group_is_flagged(tmp_path):
    """Cut to 10 characters, prod_MWh_gaz_naturel and prod_MWh_geothermie become prod_MWh_g and
    prod_MWh_1; in the national export prod_MWh_1 is fioul lourd: the report must warn."""
    source = tmp_path / "partiel.geojson"
    properties = {
        "Identifiant reseau": "9991C",
        "nom_reseau": "Réseau de test",
        "prod_MWh_gaz_naturel": 1.0,
        "prod_MWh_geothermie": 2.0,
    }
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "LineString", "coordinates": [[2.37, 48.97], [2.38, 48.97]]},
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    ogr2ogr("-f", "ESRI Shapefile", tmp_path / "shp", source)

    report = run("import_networks", str(tmp_path / "shp" / "partiel.shp"), layer="heat")

    assert "Attention : shapefile aux noms d’attributs numérotés" in report


def test_a_zipped_shapefile_is_read(tmp_path):
    source = tmp_path / "reseaux.geojson"
    feature = {
        "type": "Feature",
        "properties": {"Identifiant reseau": "9991C", "nom_reseau": "Réseau de test"},
        "geometry": {"type": "LineString", "coordinates": [[2.37, 48.97], [2.38, 48.97]]},
    }
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    archive = tmp_path / "reseaux.shp.zip"
    ogr2ogr("-f", "ESRI Shapefile", archive, source)

    report = run("import_networks", str(archive), layer="heat")

    assert "1 réseau de chaleur créé" in report


def test_a_geojson_not_in_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.geojson"
    feature = {
        "type": "Feature",
        "properties": {"Identifiant reseau": "9991C", "nom_reseau": "Réseau de test"},
        "geometry": {"type": "LineString", "coordinates": [[2.37, 48.97], [2.38, 48.97]]},
    }
    text = json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False)
    path.write_bytes(text.encode("latin-1"))

    with pytest.raises(CommandError, match="n’est pas encodé en UTF-8 \\(attribut « nom_reseau »"):
        run("import_networks", str(path), layer="heat")
    assert not HeatNetwork.objects.exists()
