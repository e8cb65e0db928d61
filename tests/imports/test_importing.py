"""The shared machinery of the import commands: wording of the report, value parsers, progress
bar, geometry repair."""

import io

import pytest
from django.contrib.gis.gdal import OGRGeometry

from eligibility.importing import (
    ImportReport,
    Noun,
    Progress,
    RowRejected,
    merge_lines,
    parse_bool,
    parse_communes,
    parse_insee_code,
    parse_network_id,
    parse_number,
    repair_lines,
    repair_polygons,
)

NETWORK = Noun("réseau", "réseaux")
ADDRESS = Noun("adresse", "adresses", feminine=True)


def test_report_agrees_in_number_and_gender():
    networks = ImportReport(NETWORK, created=12, updated=3, unchanged=0)
    networks.reject("ligne 4", "identifiant manquant")
    addresses = ImportReport(ADDRESS, created=1, updated=2, unchanged=530)

    assert networks.summary() == "12 réseaux créés, 3 mis à jour, 0 inchangé, 1 rejeté"
    assert addresses.summary() == "1 adresse créée, 2 mises à jour, 530 inchangées, 0 rejetée"


def test_report_prints_at_most_50_rejections_and_counts_the_others():
    report = ImportReport(NETWORK)
    for line in range(2, 122):
        report.reject(f"ligne {line}", "identifiant manquant")

    lines = report.lines()

    assert "Rejets (120) :" in lines
    assert sum(line.startswith("  - ligne") for line in lines) == 50
    assert "  … et 70 autres rejets non affichés." in lines


def test_progress_bar_draws_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        with Progress(stream, total=4, label="Réseaux") as progress:
            for _ in range(4):
                progress.advance()

    assert terminal.getvalue().startswith("\rRéseaux ")
    assert "100%" in terminal.getvalue()
    assert log.getvalue() == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("67,6", 67.6),
        ("1 234,5", 1234.5),
        ("1\u202f234.5", 1234.5),
        (12, 12.0),
        ("", None),
        (None, None),
    ],
)
def test_numbers_accept_french_writing(raw, expected):
    assert parse_number(raw, "valeur") == expected


def test_numbers_out_of_range_are_rejected_with_the_reason():
    with pytest.raises(RowRejected, match="taux : 101 dépasse le maximum \\(100\\)"):
        parse_number("101", "taux", minimum=0, maximum=100)
    with pytest.raises(RowRejected, match="co2 : 2 devrait être inférieur à 2"):
        parse_number("2", "co2", minimum=0, below=2)
    with pytest.raises(RowRejected, match="n’est pas un nombre fini"):
        parse_number("nan", "co2")


@pytest.mark.parametrize(
    ("raw", "expected"), [("oui", True), ("checked", True), (1, True), ("non", False), ("", None)]
)
def test_booleans_of_the_national_export(raw, expected):
    assert parse_bool(raw, "reseaux classes") is expected


def test_ids_and_codes_are_normalised():
    assert parse_network_id(" 9502c ") == "9502C"
    assert parse_network_id("2a01c") == "2A01C"
    assert parse_insee_code("2a004") == "2A004"
    assert parse_insee_code(1053) == "01053"
    with pytest.raises(RowRejected, match="invalide"):
        parse_network_id("9502")


def test_communes_may_be_codes_names_or_both():
    assert parse_communes("95585, 95680") == (["95585", "95680"], "")
    assert parse_communes("Sarcelles (95585)") == (["95585"], "Sarcelles (95585)")
    assert parse_communes("SARCELLES, GARGES") == ([], "SARCELLES, GARGES")
    assert parse_communes(["2A004", "2B033"]) == (["2A004", "2B033"], "")


def test_degenerate_parts_are_dropped_and_counted():
    geom = OGRGeometry(
        "MULTILINESTRING ((2.3 48.8, 2.4 48.8), (2.5 48.9, 2.5 48.9, 2.5 48.9), (2.6 48.9))"
    )

    route, dropped = repair_lines(geom)

    assert dropped == 2
    assert route.wkt == "MULTILINESTRING ((2.3 48.8, 2.4 48.8))"
    assert route.srid == 4326


def test_a_line_is_promoted_and_lines_are_merged():
    first, _ = repair_lines(OGRGeometry("LINESTRING (2.3 48.8, 2.4 48.8)"))
    second, _ = repair_lines(
        OGRGeometry("MULTILINESTRING ((2.5 48.9, 2.6 48.9), (2.6 48.9, 2.7 49))")
    )

    merged = merge_lines([first, second])

    assert first.geom_type == "MultiLineString"
    assert merged.num_geom == 3


def test_a_route_without_valid_part_or_of_another_type_is_rejected():
    with pytest.raises(RowRejected, match="aucune partie valide"):
        repair_lines(OGRGeometry("LINESTRING (2.5 48.9, 2.5 48.9)"))
    with pytest.raises(RowRejected, match="géométrie de type POINT"):
        repair_lines(OGRGeometry("POINT (2.5 48.9)"))


def test_a_bow_tie_polygon_is_repaired_and_a_valid_one_is_not():
    bow_tie = OGRGeometry("POLYGON ((2.30 48.90, 2.31 48.91, 2.31 48.90, 2.30 48.91, 2.30 48.90))")
    square = OGRGeometry("POLYGON ((2.30 48.90, 2.31 48.90, 2.31 48.91, 2.30 48.91, 2.30 48.90))")

    repaired_zone, repaired = repair_polygons(bow_tie)
    square_zone, square_repaired = repair_polygons(square)

    assert repaired and repaired_zone.valid and repaired_zone.num_geom == 2
    assert not square_repaired and square_zone.geom_type == "MultiPolygon"
