"""Exports of the prospect list: the same search as the page, as CSV for French Excel and XLSX,
with text that a spreadsheet would run made inert."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contacts.prospects import HEADERS
from tests.contacts.factories import LeadFactory
from tests.eligibility.factories import SARCELLES, point
from tests.prospects.conftest import near_sarcelles
from tests.prospects.factories import CondominiumFactory

pytestmark = pytest.mark.django_db

INJECTED = '=HYPERLINK("http://malveillant.example","Cliquez")'


@pytest.fixture
def condominiums(dalkia):
    hostile = CondominiumFactory(
        numero_immatriculation="AA0000100",
        name=INJECTED,
        adresse_reference="@SUM(A1) 95200 Sarcelles",
        location=point(SARCELLES),
    )
    LeadFactory(organisation=dalkia, boiler_age_years=23, general_assembly_date=date(2027, 3, 18))
    plain = near_sarcelles(
        150, numero_immatriculation="AA0000101", name="Les Mouettes", oil=True, nb_lot_habitation=12
    )
    return hostile, plain


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: French Excel reads accents
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_lists_the_prospects_nearest_first(dalkia_client, condominiums):
    response = dalkia_client.get(reverse("prospects:export", args=["csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="prospects-')
    header, first, second = read_csv(response)
    assert header == HEADERS
    row = dict(zip(header, first, strict=True))
    assert row["numéro d’immatriculation"] == "AA0000100"
    assert row["nom d’usage"] == "'" + INJECTED
    assert row["adresse de référence"] == "'@SUM(A1) 95200 Sarcelles"
    assert row["réseau le plus proche"] == "9502C"
    assert row["distance au réseau (m)"] == "48"
    assert row["énergie de chauffage"] == "Gaz collectif"
    assert row["période de construction"] == "De 1961 à 1974"
    assert row["âge de la chaudière (ans)"] == "23"
    assert row["assemblée générale prévue"] == "18/03/2027"
    other = dict(zip(header, second, strict=True))
    assert other["nom d’usage"] == "Les Mouettes"
    assert other["énergie de chauffage"] == "Fioul domestique"
    assert other["âge de la chaudière (ans)"] == ""


def test_the_export_follows_the_filters_of_the_list(dalkia_client, condominiums):
    response = dalkia_client.get(
        reverse("prospects:export", args=["csv"]), {"energie": "fioul_domestique", "distance": 500}
    )

    _, *rows = read_csv(response)
    assert [row[1] for row in rows] == ["Les Mouettes"]


def test_the_xlsx_export_has_the_same_rows(dalkia_client, condominiums):
    response = dalkia_client.get(reverse("prospects:export", args=["xlsx"]))

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert list(values[0]) == HEADERS
    assert len(values) == 3
    first = dict(zip(HEADERS, values[1], strict=True))
    assert first["nom d’usage"] == "'" + INJECTED
    assert first["lots d’habitation"] == 48
    assert first["assemblée générale prévue"].date() == date(2027, 3, 18)
    assert values[2][HEADERS.index("nom d’usage")] == "Les Mouettes"


def test_an_unknown_export_format_is_a_404(dalkia_client):
    assert dalkia_client.get(reverse("prospects:export", args=["pdf"])).status_code == 404


def test_the_exports_carry_the_syndic_the_mandate_and_the_energy_classes(dalkia_client):
    near_sarcelles(
        90,
        name="Résidence Les Tilleuls",
        representant_legal="CABINET EXEMPLE",
        representant_legal_siret="12345678900011",
        type_syndic="professionnel",
        mandat="mandat_en_cours",
        date_fin_mandat=date(2028, 6, 30),
        dpe_e=2,
        dpe_non_determine=1,
    )

    csv_response = dalkia_client.get(reverse("prospects:export", args=["csv"]))
    xlsx_response = dalkia_client.get(reverse("prospects:export", args=["xlsx"]))

    header, row = read_csv(csv_response)
    values = dict(zip(header, row, strict=True))
    assert values["représentant légal (syndic)"] == "CABINET EXEMPLE"
    assert values["SIRET du représentant légal"] == "12345678900011"
    assert values["type de syndic"] == "Professionnel"
    assert values["mandat du syndic"] == "Mandat en cours"
    assert values["fin du dernier mandat"] == "30/06/2028"
    assert (values["bâtiments DPE E"], values["bâtiments DPE non déterminée"]) == ("2", "1")
    assert values["bâtiments DPE A"] == ""
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = dict(zip(HEADERS, list(sheet.values)[1], strict=True))
    assert cells["fin du dernier mandat"].date() == date(2028, 6, 30)
    assert cells["bâtiments DPE E"] == 2
