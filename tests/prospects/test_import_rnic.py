"""`import_rnic`: the national condominium register (RNIC, ANAH) in GeoJSON or CSV as published."""

import csv
import io
import json

import pytest
from django.core.management.base import CommandError

from eligibility.models import Condominium
from tests.imports.conftest import DEMO, run

pytestmark = pytest.mark.django_db

EXTRACT = str(DEMO / "coproprietes" / "rnic-ile-de-france-extrait.geojson")

# The layout of the CSV published on data.gouv.fr: long names, position in long/lat.
DATA_GOUV_HEADER = [
    "epci",
    "commune",
    "numero_d_immatriculation",
    "nom_d_usage_de_la_copropriete",
    "adresse_de_reference",
    "long",
    "lat",
    "date_de_la_derniere_maj",
    "nombre_total_de_lots",
    "nombre_de_lots_a_usage_d_habitation",
    "periode_de_construction",
    "type_de_chauffage",
    "chauffage_urbain",
    "energie_utilisee",
]


def write_csv(path, rows, *, delimiter=",", encoding="utf-8", header=DATA_GOUV_HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return str(path)


def csv_row(number, name, *, commune="95585", lon="2.372514", lat="48.974443", **overrides):
    values = {
        "epci": "200058519",
        "commune": commune,
        "numero_d_immatriculation": number,
        "nom_d_usage_de_la_copropriete": name,
        "adresse_de_reference": "15 allée Paul Dukas 95200 Sarcelles",
        "long": lon,
        "lat": lat,
        "date_de_la_derniere_maj": "2026-03-31",
        "nombre_total_de_lots": "96",
        "nombre_de_lots_a_usage_d_habitation": "48",
        "periode_de_construction": "DE_1961_A_1974",
        "type_de_chauffage": "collectif",
        "chauffage_urbain": "non",
        "energie_utilisee": "gaz_collectif",
        **overrides,
    }
    return [values[name] for name in DATA_GOUV_HEADER]


def test_the_real_ile_de_france_extract_is_imported_with_readable_labels():
    report = run("import_rnic", EXTRACT)

    # 868 condominiums, some of them with garbled date fields at the source: none is rejected.
    assert "868 copropriétés créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    condominium = Condominium.objects.get(numero_immatriculation="AA6501357")
    assert condominium.name == "69-73 RUE DE L'ASSOMPTION"
    assert condominium.adresse_reference == "69-73 r de l'assomption 75016 PARIS"
    assert condominium.code_insee == "75116"
    assert (condominium.nb_lot_habitation, condominium.nb_lot) == (55, 175)
    assert condominium.get_periode_construction_display() == "De 1961 à 1974"
    assert condominium.get_type_chauffage_display() == "Collectif"
    assert condominium.energy_label == "Fioul domestique"
    assert condominium.chauffage_urbain is False
    assert condominium.location.x == pytest.approx(2.26713)
    assert condominium.location.y == pytest.approx(48.85525)
    assert "RNIC" in condominium.source
    assert Condominium.objects.filter(chauffage_urbain=True).count() == 16
    # "non renseigné" at the source is no period at all.
    assert Condominium.objects.filter(periode_construction="").count() == 6


def test_a_second_run_updates_without_duplicates():
    run("import_rnic", EXTRACT)
    Condominium.objects.filter(numero_immatriculation="AA6501357").update(nb_lot_habitation=1)

    report = run("import_rnic", EXTRACT)

    assert "0 copropriété créée, 1 mise à jour, 867 inchangées, 0 rejetée" in report
    assert Condominium.objects.count() == 868
    assert Condominium.objects.get(numero_immatriculation="AA6501357").nb_lot_habitation == 55


def test_dry_run_reads_everything_and_saves_nothing():
    report = run("import_rnic", EXTRACT, dry_run=True)

    assert "868 copropriétés créées" in report
    assert "Simulation (--dry-run)" in report
    assert not Condominium.objects.exists()


def test_a_utf8_csv_as_published_on_data_gouv_is_imported(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [
            csv_row("AA0000001", "Résidence Les Châtaigniers"),
            csv_row(
                "AA0000002", "Le Clos d’Œillets", commune="95680", lon="2,419424", lat="49,004336"
            ),
        ],
    )

    report = run("import_rnic", path, source="ANAH, RNIC", source_date="2026-09-30")

    assert "2 copropriétés créées, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    first = Condominium.objects.get(numero_immatriculation="AA0000001")
    assert first.name == "Résidence Les Châtaigniers"
    assert first.nb_lot_habitation == 48
    assert str(first.date_derniere_maj) == "2026-03-31"
    assert str(first.source_date) == "2026-09-30"
    second = Condominium.objects.get(numero_immatriculation="AA0000002")
    assert second.name == "Le Clos d’Œillets"
    assert (second.location.x, second.location.y) == pytest.approx((2.419424, 49.004336))


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_latin1_csv_with_semicolons_is_imported(tmp_path, encoding):
    header = ["numero_immatriculation", "nom_usage_copropriete", "commune", "long", "lat"]
    header += ["type_chauffage", "energie_utilisee", "periode_construction", "chauffage_urbain"]
    path = write_csv(
        tmp_path / "rnic-latin1.csv",
        [
            [
                "AA0000003",
                "Résidence Les Châtaigniers",
                "95585",
                "2.372514",
                "48.974443",
                "collectif",
                "fioul_domestique",
                "AVANT_1949",
                "non",
            ]
        ],
        delimiter=";",
        encoding=encoding,
        header=header,
    )

    report = run("import_rnic", path)

    assert "1 copropriété créée" in report
    assert "Encodage détecté" in report
    condominium = Condominium.objects.get(numero_immatriculation="AA0000003")
    assert condominium.name == "Résidence Les Châtaigniers"
    assert condominium.get_periode_construction_display() == "Avant 1949"


def test_garbled_values_never_reject_a_row(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [
            csv_row(
                "AA0000004",
                "Résidence abîmée",
                date_de_la_derniere_maj="0029/05/16",
                nombre_de_lots_a_usage_d_habitation="beaucoup",
                periode_de_construction="non renseigné",
            )
        ],
    )

    report = run("import_rnic", path)

    assert "1 copropriété créée, 0 mise à jour, 0 inchangée, 0 rejetée" in report
    assert "1 date(s) de mise à jour illisibles" in report
    assert "ligne 2 (AA0000004) : lots d’habitation : « beaucoup » n’est pas un nombre" in report
    condominium = Condominium.objects.get(numero_immatriculation="AA0000004")
    assert condominium.date_derniere_maj is None
    assert condominium.nb_lot_habitation is None
    assert condominium.periode_construction == ""


def test_rows_without_id_or_usable_position_are_rejected_and_the_others_imported(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [
            csv_row("", "Sans numéro"),
            csv_row("AA0000005", "Position illisible", lat="quarante-neuf"),
            csv_row("AA0000006", "Hors limites", lon="2.37", lat="148.97"),
            csv_row("AA0000007", "Sans position", lon="", lat=""),
            csv_row("AA0000008", "Valide"),
            csv_row("AA0000008", "Doublon"),
        ],
    )

    report = run("import_rnic", path)

    assert "1 copropriété créée, 0 mise à jour, 0 inchangée, 5 rejetées" in report
    assert "ligne 2 : numéro d’immatriculation manquant" in report
    assert "ligne 3 (AA0000005) : latitude : « quarante-neuf » n’est pas un nombre" in report
    assert "ligne 4 (AA0000006) : latitude : 148.97 dépasse le maximum (90)" in report
    assert "ligne 5 (AA0000007) : position absente" in report
    assert "ligne 7 (AA0000008) : numéro d’immatriculation en double (déjà ligne 6" in report
    assert list(Condominium.objects.values_list("name", flat=True)) == ["Valide"]


def feature(number, geometry, **properties):
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "numero_immatriculation": number,
            "nom_usage_copropriete": f"Copropriété {number}",
            "commune": "95585",
            "type_chauffage": "collectif",
            "energie_utilisee": "gaz_collectif",
            "chauffage_urbain": "non",
            **properties,
        },
    }


def test_a_bad_geometry_or_a_missing_id_rejects_the_feature(tmp_path):
    point = {"type": "Point", "coordinates": [2.372514, 48.974443]}
    line = {"type": "LineString", "coordinates": [[2.37, 48.97], [2.38, 48.98]]}
    path = tmp_path / "rnic.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    feature("AA0000010", point),
                    feature("AA0000011", line),
                    feature("AA0000012", None),
                    feature(None, point),
                ],
            }
        ),
        encoding="utf-8",
    )

    report = run("import_rnic", str(path))

    assert "1 copropriété créée, 0 mise à jour, 0 inchangée, 3 rejetées" in report
    assert "entité 2 (AA0000011) : géométrie de type LINESTRING : Point attendu" in report
    assert "entité 3 (AA0000012) : géométrie absente" in report
    assert "entité 4 : numéro d’immatriculation manquant" in report


def test_a_truncated_geojson_stops_the_import_and_saves_nothing(tmp_path):
    content = open(EXTRACT, encoding="utf-8").read()  # noqa: SIM115
    path = tmp_path / "rnic-tronque.geojson"
    path.write_text(content[: len(content) // 2], encoding="utf-8")

    with pytest.raises(CommandError, match="tronqué"):
        run("import_rnic", str(path))
    assert not Condominium.objects.exists()


def test_a_truncated_csv_stops_the_import_and_saves_nothing(tmp_path):
    path = tmp_path / "rnic.csv"
    write_csv(path, [csv_row("AA0000020", "Complète"), csv_row("AA0000021", "Coupée")])
    path.write_bytes(path.read_bytes()[:-60])

    with pytest.raises(CommandError, match="tronqué"):
        run("import_rnic", str(path))
    assert not Condominium.objects.exists()


def test_a_csv_without_the_position_columns_is_refused(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [["AA0000030", "Sans colonnes"]],
        header=["numero_immatriculation", "nom_usage_copropriete"],
    )

    with pytest.raises(
        CommandError, match="colonne\\(s\\) obligatoire\\(s\\) absente\\(s\\) : long"
    ):
        run("import_rnic", path)


def test_an_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "rnic.pdf"
    path.write_bytes(b"%PDF-1.7 not a register")

    with pytest.raises(CommandError, match="format non reconnu"):
        run("import_rnic", str(path))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("import_rnic", str(tmp_path / "absent.geojson"))


def test_the_demo_data_loads_the_extract():
    output = run("load_demo_data")

    assert "Données de démonstration chargées." in output
    assert Condominium.objects.count() == 868
    assert "extrait Île-de-France" in Condominium.objects.first().source


# --- The legal representative (syndic) and the energy classes ---------------------------------

# The labels of the CSV published on data.gouv.fr, with their typographic apostrophes.
OFFICIAL_LABELS = [
    "Commune",
    "Numéro d'immatriculation",
    "Type de syndic : bénévole / professionnel / non connu",
    "Identification du représentant légal  (raison sociale et le numéro SIRET du syndic "
    "professionnel ou Civilité/prénom/ nom du syndic bénévole ou coopératif)",
    "SIRET du représentant légal",
    "Mandat en cours dans la copropriété",
    "Date de fin du dernier mandat",
    "Nom d’usage de la copropriété",
    "Adresse de référence",
    "long",
    "lat",
    "Syndicat coopératif",
    "Nombre total de lots",
    "Nombre de lots à usage d’habitation",
    "Période de construction",
    "type_chauffage",
    "energie_utilisee",
    "a",
    "b",
    "c",
    "d",
    "e",
    "f",
    "g",
    "non_determine",
]


def official_row(number, **overrides):
    values = {
        "Commune": "95585",
        "Numéro d'immatriculation": number,
        "Type de syndic : bénévole / professionnel / non connu": "professionnel",
        OFFICIAL_LABELS[3]: "CABINET EXEMPLE",
        "SIRET du représentant légal": "12345678900011",
        "Mandat en cours dans la copropriété": "Mandat en cours",
        "Date de fin du dernier mandat": "2028-06-30",
        "Nom d’usage de la copropriété": "Résidence Les Tilleuls",
        "Adresse de référence": "4 allée Georges Feydeau 95200 Sarcelles",
        "long": "2.371860",
        "lat": "48.976576",
        "Syndicat coopératif": "non",
        "Nombre total de lots": "140",
        "Nombre de lots à usage d’habitation": "86",
        "Période de construction": "DE_1961_A_1974",
        "type_chauffage": "collectif",
        "energie_utilisee": "gaz_collectif",
        **dict.fromkeys("abcdefg", "0"),
        "non_determine": "0",
        **overrides,
    }
    return [values[label] for label in OFFICIAL_LABELS]


def test_the_geojson_extract_keeps_the_syndic_its_siret_the_mandate_and_the_energy_classes():
    run("import_rnic", EXTRACT)

    mouettes = Condominium.objects.get(numero_immatriculation="AA3160678")
    # « BATIM ET FILS 48283194800039 » in the register: the SIRET after the company's name.
    assert mouettes.representant_legal == "BATIM ET FILS"
    assert mouettes.representant_legal_siret == "48283194800039"
    assert mouettes.get_type_syndic_display() == "Professionnel"
    assert mouettes.get_mandat_display() == "Mandat en cours"
    assert str(mouettes.date_fin_mandat) == "2023-03-31"
    assert mouettes.dpe_non_determine == 8
    unknown = Condominium.objects.get(numero_immatriculation="AB6329270")  # « non connu »
    assert (unknown.representant_legal, unknown.type_syndic) == ("", "")
    assert unknown.get_mandat_display() == "Mandat expiré sans successeur déclaré"
    assert Condominium.objects.filter(type_syndic="benevole").count() == 27
    assert Condominium.objects.filter(syndicat_cooperatif=True).count() == 7


def test_the_official_csv_labels_are_read_with_their_typographic_apostrophes(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [official_row("AA0000010", e="2", f="1", non_determine="1")],
        header=OFFICIAL_LABELS,
    )

    report = run("import_rnic", path)

    assert "1 copropriété créée" in report
    condominium = Condominium.objects.get(numero_immatriculation="AA0000010")
    assert condominium.name == "Résidence Les Tilleuls"
    assert condominium.nb_lot_habitation == 86
    assert condominium.representant_legal == "CABINET EXEMPLE"
    assert condominium.representant_legal_siret == "12345678900011"
    assert str(condominium.date_fin_mandat) == "2028-06-30"
    assert condominium.energy_classes == [("E", 2), ("F", 1), ("non déterminée", 1)]


def test_a_volunteer_syndic_of_a_cooperative_is_kept_without_siret(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [
            official_row(
                "AA0000011",
                **{
                    "Type de syndic : bénévole / professionnel / non connu": "bénévole",
                    OFFICIAL_LABELS[3]: "Syndic bénévole (exemple)",
                    "SIRET du représentant légal": "",
                    "Syndicat coopératif": "oui",
                },
            )
        ],
        header=OFFICIAL_LABELS,
    )

    run("import_rnic", path)

    condominium = Condominium.objects.get(numero_immatriculation="AA0000011")
    assert condominium.representant_legal == "Syndic bénévole (exemple)"
    assert condominium.representant_legal_siret == ""
    assert condominium.syndic_kind_label == "Bénévole (syndicat coopératif)"


def test_a_garbled_siret_or_mandate_end_is_ignored_with_a_warning(tmp_path):
    path = write_csv(
        tmp_path / "rnic.csv",
        [
            official_row(
                "AA0000012",
                **{
                    "SIRET du représentant légal": "1234",
                    "Date de fin du dernier mandat": "0029/05/16",
                },
            )
        ],
        header=OFFICIAL_LABELS,
    )

    report = run("import_rnic", path)

    assert "1 copropriété créée" in report
    assert "SIRET du représentant légal « 1234 » invalide : valeur ignorée" in report
    assert "1 date(s) de fin de mandat illisibles" in report
    condominium = Condominium.objects.get(numero_immatriculation="AA0000012")
    assert (condominium.representant_legal_siret, condominium.date_fin_mandat) == ("", None)
