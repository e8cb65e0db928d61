import pytest
from django.core.management.base import CommandError

from eligibility.models import HeatNetwork, NetworkDelivery
from tests.imports.conftest import DEMO, fixture, run

pytestmark = pytest.mark.django_db

DELIVERIES_2019 = str(DEMO / "networks" / "livraisons-par-iris-2019.json")


def test_the_real_2019_file_is_imported_and_linked(demo_routes):
    report = run("import_deliveries", DELIVERIES_2019)

    assert "6507 livraisons créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    assert NetworkDelivery.objects.values("network_code").distinct().count() == 432
    assert NetworkDelivery.objects.filter(network__network_id="9502C").exists()
    assert NetworkDelivery.objects.filter(iris="75xxxxxxx").exists()  # masked by the SDES
    assert NetworkDelivery.objects.filter(mwh__isnull=True).count() == 420  # "s": secrecy


def test_rows_are_keyed_and_cleaned(demo_routes):
    report = run("import_deliveries", fixture("deliveries.json"))

    assert "5 livraisons créées, 0 mise à jour, 0 inchangée, 2 rejetées" in report
    assert "élément 6 : code_grand « z » inconnu" in report
    assert "élément 7 : filière f incohérente avec l’identifiant 9502C" in report
    assert "1 identifiant(s) de réseau sans réseau en base" in report
    oyonnax = NetworkDelivery.objects.get(network_code="0103C")
    assert oyonnax.iris == "010310000"  # the leading zero the number had lost
    assert oyonnax.mwh == 5799.37
    assert oyonnax.network is None
    secret = NetworkDelivery.objects.get(network_code="9502C", iris="955850101", sector="t")
    assert (secret.mwh, secret.delivery_points) == (None, None)
    assert NetworkDelivery.objects.get(iris="955850101", sector="r").network.network_id == "9502C"


def test_the_network_summary_is_recomputed(demo_routes):
    run("import_deliveries", fixture("deliveries.json"))

    assert HeatNetwork.objects.get(network_id="9502C").deliveries == {
        "residentiel": 1234.5,
        "tertiaire": 300.0,
        "industrie": 10.0,
        "agriculture": 0.0,
        "autre": 0.0,
        "total": 1544.5,
        "annee": 2019,
        "secret_statistique": 1,
        "source": "sdes_iris",
    }


def test_a_summary_from_the_national_export_is_kept(demo_routes):
    from_export = {"residentiel": 70000.0, "total": 100000.0, "source": "export_national"}
    HeatNetwork.objects.filter(network_id="9502C").update(deliveries=from_export)

    report = run("import_deliveries", fixture("deliveries.json"))

    assert "1 gardée(s) de l’export national" in report
    assert HeatNetwork.objects.get(network_id="9502C").deliveries == from_export


def test_second_run_updates_without_duplicates(demo_routes):
    run("import_deliveries", fixture("deliveries.json"))
    NetworkDelivery.objects.filter(network_code="0103C").update(mwh=1)

    report = run("import_deliveries", fixture("deliveries.json"))

    assert "0 livraison créée, 1 mise à jour, 4 inchangées, 2 rejetées" in report
    assert NetworkDelivery.objects.count() == 5
    assert NetworkDelivery.objects.get(network_code="0103C").mwh == 5799.37


def test_dry_run_writes_nothing(demo_routes):
    run("import_deliveries", fixture("deliveries.json"), dry_run=True)

    assert not NetworkDelivery.objects.exists()
    assert HeatNetwork.objects.get(network_id="9502C").deliveries == {}


def test_a_truncated_json_is_refused_with_its_position(tmp_path):
    path = tmp_path / "livraisons.json"
    path.write_text('[{"id": "9502c", "annee": 2019, "code": "95585', encoding="utf-8")

    with pytest.raises(CommandError, match="JSON tronqué .* ligne 1 colonne"):
        run("import_deliveries", str(path))


def test_a_file_without_the_expected_attributes_is_refused(tmp_path):
    path = tmp_path / "livraisons.json"
    path.write_text('[{"reseau": "9502c", "annee": 2019}]', encoding="utf-8")

    with pytest.raises(CommandError, match="attribut\\(s\\) obligatoire\\(s\\) absent\\(s\\) : id"):
        run("import_deliveries", str(path))
