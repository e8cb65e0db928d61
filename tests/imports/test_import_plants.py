import pytest

from eligibility.models import HeatPlant
from tests.imports.conftest import DEMO, fixture, run

pytestmark = pytest.mark.django_db

PLANTS = str(DEMO / "networks" / "chaufferies-ile-de-france.geojson")


def test_the_real_ile_de_france_plants_are_imported():
    report = run("import_plants", PLANTS, source="Chaufferies Île-de-France 2022")

    # 103 features; 2 footprints (id_chauff 12 and 13) are flat: zero area, nothing to repair.
    assert "101 chaufferies créées, 0 mise à jour, 0 inchangée, 2 rejetées" in report
    assert "entité 34 (12) : géométrie irréparable : polygone sans surface" in report
    assert HeatPlant.objects.count() == 101
    assert all(plant.footprint.geom_type == "MultiPolygon" for plant in HeatPlant.objects.all())


def test_fields_are_cleaned(demo_routes):
    report = run("import_plants", fixture("plants.geojson"), source="Chaufferies de test")

    assert "2 chaufferies créées, 0 mise à jour, 0 inchangée, 1 rejetée" in report
    plant = HeatPlant.objects.get(official_id="9701")
    assert plant.fuel == "non communiqué"
    assert plant.power_mw is None  # 0 in the dataset
    assert plant.code_insee == "95585"  # "95 585" with a no-break space
    assert plant.role == "Principale"
    assert plant.source == "Chaufferies de test — source : Delegant"
    assert not plant.footprint.hasz
    assert plant.network is None  # id_reseau 43 is the regional numbering
    assert "id_reseau n’est pas un identifiant national" in report


def test_a_national_network_id_links_the_plant_and_a_bow_tie_is_repaired(demo_routes):
    report = run("import_plants", fixture("plants.geojson"))

    plant = HeatPlant.objects.get(official_id="9702")
    assert plant.network.network_id == "9502C"
    assert plant.power_mw == 12.5
    assert plant.footprint.valid
    assert "entité 2 (9702) : géométrie réparée (polygone invalide corrigé)" in report


def test_second_run_updates_without_duplicates():
    run("import_plants", PLANTS)
    HeatPlant.objects.filter(official_id="72").update(operator="Ancien gestionnaire")

    report = run("import_plants", PLANTS)

    assert "0 chaufferie créée, 1 mise à jour, 100 inchangées, 2 rejetées" in report
    assert HeatPlant.objects.count() == 101
    assert HeatPlant.objects.get(official_id="72").operator == "SOMEC"
