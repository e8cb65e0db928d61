import pytest
from django.core.management.base import CommandError

from eligibility.models import HeatNetwork, NetworkKind
from tests.imports.conftest import DEMO, fixture, run

pytestmark = pytest.mark.django_db

FIGURES_2026 = str(DEMO / "networks" / "contenus-co2-enrr-2026.csv")


def test_the_official_2026_list_creates_every_network():
    report = run("import_network_figures", FIGURES_2026)

    assert "1086 réseaux créés, 0 mis à jour, 0 inchangé, 0 rejeté" in report
    assert HeatNetwork.objects.heat().count() == 1039
    assert HeatNetwork.objects.cold().count() == 47
    assert HeatNetwork.objects.with_route().count() == 0


def test_networks_with_a_route_get_their_figures_and_keep_their_name(demo_routes):
    report = run("import_network_figures", FIGURES_2026, source="Arrêté DPE 2026")

    assert "1082 réseaux créés, 4 mis à jour" in report
    sarcelles = HeatNetwork.objects.get(network_id="9502C")
    assert sarcelles.name == "Grand Ensemble Sarcelles-Locheres"
    assert sarcelles.route is not None
    assert sarcelles.co2_kg_per_kwh is not None
    assert sarcelles.figures_year in {"2024", "Moyenne"}
    assert "Arrêté DPE 2026" in sarcelles.source


def test_a_network_absent_from_the_database_is_created_without_route():
    run("import_network_figures", fixture("figures.csv"))

    network = HeatNetwork.objects.get(network_id="9981C")
    assert network.kind == NetworkKind.HEAT
    assert network.name == "RÉSEAU DE TEST SANS TRACÉ"
    assert network.commune_names == "VILLE-TEST-UN, VILLE-TEST-DEUX"
    assert network.route is None
    assert (network.co2_kg_per_kwh, network.co2_lifecycle_kg_per_kwh) == (0.2, 0.25)
    assert network.enrr_rate == 40
    assert network.figures_year == "2024"
    cold = HeatNetwork.objects.get(network_id="9982F")
    assert cold.kind == NetworkKind.COLD
    assert cold.enrr_rate is None  # empty in the list


def test_semicolons_and_decimal_commas_are_accepted():
    run("import_network_figures", fixture("figures-semicolon.csv"))

    network = HeatNetwork.objects.get(network_id="9502C")
    assert (network.co2_kg_per_kwh, network.enrr_rate) == (0.118, 67.6)


def test_second_run_updates_without_duplicates():
    run("import_network_figures", fixture("figures.csv"))
    HeatNetwork.objects.filter(network_id="9981C").update(enrr_rate=12)

    report = run("import_network_figures", fixture("figures.csv"))

    assert "0 réseau créé, 1 mis à jour, 2 inchangés, 0 rejeté" in report
    assert HeatNetwork.objects.count() == 3
    assert HeatNetwork.objects.get(network_id="9981C").enrr_rate == 40


def test_out_of_range_and_malformed_values_are_rejected():
    report = run("import_network_figures", fixture("figures-invalid-values.csv"))

    assert "2 réseaux créés, 0 mis à jour, 0 inchangé, 6 rejetés" in report
    assert "ligne 2 (9981C) : taux_enrr : 140 dépasse le maximum (100)" in report
    assert "ligne 3 (9983C) : contenu_co2 : 2.5 devrait être inférieur à 2" in report
    assert "ligne 4 (9984C) : contenu_co2 : « beaucoup » n’est pas un nombre" in report
    assert "ligne 5 : identifiant « 98X » invalide" in report
    assert "ligne 7 (9985C) : identifiant en double (déjà ligne 6 (9985C))" in report
    assert "ligne 8 : 5 colonnes au lieu de 7" in report
    assert set(HeatNetwork.objects.values_list("network_id", flat=True)) == {"9985C", "9987C"}


def test_dry_run_writes_nothing():
    report = run("import_network_figures", fixture("figures.csv"), dry_run=True)

    assert "3 réseaux créés" in report
    assert not HeatNetwork.objects.exists()


def test_a_latin1_file_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="n’est pas encodé en UTF-8"):
        run("import_network_figures", fixture("figures-latin1.csv"))
    assert not HeatNetwork.objects.exists()


def test_a_missing_column_is_refused_with_its_name():
    with pytest.raises(
        CommandError, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : taux_enrr"
    ):
        run("import_network_figures", fixture("figures-missing-column.csv"))


def test_a_truncated_file_is_refused_and_nothing_is_written():
    with pytest.raises(
        CommandError, match="figures-truncated.csv est tronqué : la dernière ligne \\(3\\)"
    ):
        run("import_network_figures", fixture("figures-truncated.csv"))
    assert not HeatNetwork.objects.exists()  # the complete line before it is rolled back too


def test_an_unterminated_quote_is_refused(tmp_path):
    path = tmp_path / "guillemet.csv"
    path.write_text(
        "identifiant,nom,localisation,contenu_co2,contenu_co2_acv,taux_enrr,annee_reference\n"
        '9981C,"RÉSEAU DE TEST,VILLE,0.2,0.25,40,2024\n',
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="CSV mal formé ou tronqué"):
        run("import_network_figures", str(path))
