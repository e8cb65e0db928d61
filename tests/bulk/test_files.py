"""Reading uploaded files: encodings, delimiters, column roles, and the files that are refused
with a clear French message."""

import pytest

from contacts.bulk_files import BulkFileError, inspect, parse_mapping

HEADER = "nom;adresse;nombre de logements\n"
ROW = "Résidence Les Érables;15 allée Paul Dukas 95200 Sarcelles;48\n"


@pytest.mark.parametrize(
    ("data", "encoding", "first_cell"),
    [
        ((HEADER + ROW).encode("utf-8"), "utf-8", "Résidence Les Érables"),
        (b"\xef\xbb\xbf" + (HEADER + ROW).encode("utf-8"), "utf-8-sig", "Résidence Les Érables"),
        ((HEADER + ROW).encode("latin-1"), "cp1252", "Résidence Les Érables"),
        (
            (HEADER + "Résidence « Œillets »;1 rue X 95200 Sarcelles;3\n").encode("cp1252"),
            "cp1252",
            "Résidence « Œillets »",
        ),
        # Excel's « Texte Unicode »: UTF-16 with its BOM (and tabs).
        (
            (HEADER + ROW).replace(";", "\t").encode("utf-16"),
            "utf-16",
            "Résidence Les Érables",
        ),
        # 0x81 is undefined in Windows-1252: only Latin-1 reads it.
        (
            (HEADER + ROW).encode("latin-1") + b"Caf\x81;2 rue Y 95200 Sarcelles;4\n",
            "latin-1",
            "Résidence Les Érables",
        ),
    ],
)
def test_the_encoding_is_detected_and_accents_are_read_back(data, encoding, first_cell):
    inspection = inspect(data)

    assert inspection.encoding == encoding
    assert inspection.preview[0][0] == first_cell
    assert inspection.columns == ["nom", "adresse", "nombre de logements"]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_each_delimiter_is_detected(delimiter):
    text = delimiter.join(["id", "latitude", "longitude"]) + "\n"
    text += delimiter.join(["1", "48.974443", "2.372514"]) + "\n"
    text += delimiter.join(["2", "49.004336", "2.419424"]) + "\n"

    inspection = inspect(text.encode())

    assert inspection.delimiter == delimiter
    assert inspection.mapping == {"lat": 1, "lon": 2}
    assert inspection.total_rows == 2


def test_commas_inside_a_semicolon_file_do_not_fool_the_detection():
    text = "adresse;commentaire\n15 allée Paul Dukas, 95200 Sarcelles;chaudière de 1998, gaz\n"
    inspection = inspect(text.encode())
    assert inspection.delimiter == ";"
    assert inspection.preview == [
        ["15 allée Paul Dukas, 95200 Sarcelles", "chaudière de 1998, gaz"]
    ]


def test_a_single_column_of_addresses_is_the_address_whatever_its_name():
    inspection = inspect("Lieux à tester\n15 allée Paul Dukas 95200 Sarcelles\n".encode())
    assert inspection.mapping == {"address": 0}


def test_address_parts_are_recognised_from_usual_column_names():
    text = "N°;Nom de la voie;Code postal;Ville;Code INSEE\n15;Allée Paul Dukas;95200;Sarcelles;95585\n"
    assert inspect(text.encode()).mapping == {
        "number": 0,
        "street": 1,
        "postcode": 2,
        "city": 3,
        "citycode": 4,
    }


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        (b"", "empty_file", "vide"),
        (b"  \n\n", "empty_file", "vide"),
        (b"adresse\n", "empty_file", "que la ligne des noms"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet_file", "au format CSV"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file", "binaires"),
        (bytes(range(1, 32)) * 50, "binary_file", "caractères de contrôle"),
    ],
)
def test_unusable_files_are_refused_with_a_french_message(data, code, words):
    with pytest.raises(BulkFileError) as raised:
        inspect(data)
    assert raised.value.code == code
    assert words in raised.value.message


def test_a_file_with_too_many_rows_is_refused(settings):
    settings.BULK_MAX_ROWS = 3
    data = ("latitude;longitude\n" + "48.97;2.37\n" * 4).encode()
    with pytest.raises(BulkFileError) as raised:
        inspect(data)
    assert raised.value.code == "too_many_rows"
    assert "plus de 3 lignes" in raised.value.message


def test_a_file_too_big_is_refused_before_being_read(settings):
    settings.BULK_MAX_BYTES = 100
    with pytest.raises(BulkFileError) as raised:
        inspect(b"adresse\n" + b"1 rue de Paris 75001 Paris\n" * 10)
    assert raised.value.code == "file_too_large"


@pytest.mark.parametrize(
    ("mapping", "words"),
    [
        ({}, "Aucune colonne exploitable"),
        ({"number": 0}, "Aucune colonne exploitable"),
        ({"lat": 0}, "à la fois la colonne de latitude et celle de longitude"),
        ({"address": 7}, "n’existe pas"),
        ({"lat": 0, "lon": 0}, "deux rôles"),
        ({"altitude": 0}, "Rôle de colonne inconnu"),
    ],
)
def test_a_mapping_without_a_usable_column_is_refused(mapping, words):
    with pytest.raises(BulkFileError) as raised:
        parse_mapping(mapping, 3)
    assert words in raised.value.message


def test_a_street_with_its_commune_is_enough_to_geocode():
    assert parse_mapping({"street": "1", "city": 2}, 3) == {"street": 1, "city": 2}
