"""Exports of the leads a staff member sees, as CSV for French Excel and XLSX, with formulas made
inert (CSV injection)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from contacts.exports import HEADERS, neutralise
from contacts.models import Lead
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db

INJECTED = '=HYPERLINK("http://malveillant.example","Cliquez")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Sarcelles", "Sarcelles"),
        ("", ""),
        (48, 48),
        (None, None),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_made_inert(value, expected):
    assert neutralise(value) == expected


@pytest.fixture
def leads(dalkia):
    plain = LeadFactory(organisation=dalkia, first_name="Camille", last_name="Durand", dwellings=48)
    hostile = LeadFactory(
        organisation=dalkia,
        first_name=INJECTED,
        last_name="@cmd",
        comment="-2+3",
        status=Lead.Status.CONTACTED,
    )
    return plain, hostile


def read_csv(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: French Excel reads the accents
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_csv_export_is_for_french_excel(dalkia_client, leads):
    response = dalkia_client.get("/admin/contacts/lead/export/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="demandes-de-contact-')
    rows = read_csv(response)
    assert rows[0] == HEADERS
    by_id = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    plain = by_id[str(leads[0].pk)]
    assert plain["prénom"] == "Camille" and plain["nombre de logements"] == "48"
    assert plain["statut"] == "À traiter" and plain["commune"] == "95200 Sarcelles"
    assert plain["organisme destinataire"] == "Dalkia Île-de-France"
    assert plain["énergie de chauffage"] == "Gaz" and plain["éligible"] == "oui"
    hostile = by_id[str(leads[1].pk)]
    assert hostile["prénom"] == "'" + INJECTED
    assert hostile["nom"] == "'@cmd" and hostile["commentaire"] == "'-2+3"
    assert hostile["téléphone"] == "01 23 45 67 89"


def test_the_export_follows_the_lists_filters_and_search(dalkia_client, leads):
    rows = read_csv(dalkia_client.get("/admin/contacts/lead/export/csv/?statut=contacted"))
    assert [row[0] for row in rows[1:]] == [str(leads[1].pk)]
    rows = read_csv(dalkia_client.get("/admin/contacts/lead/export/csv/?q=Durand"))
    assert [row[0] for row in rows[1:]] == [str(leads[0].pk)]


def test_the_list_links_to_the_exports_of_what_it_shows(dalkia_client, leads):
    html = dalkia_client.get("/admin/contacts/lead/?statut=contacted").content.decode()
    assert 'href="/admin/contacts/lead/export/csv/?statut=contacted"' in html
    assert 'href="/admin/contacts/lead/export/xlsx/?statut=contacted"' in html


def test_the_xlsx_export_holds_values_and_no_formula(dalkia_client, leads):
    response = dalkia_client.get("/admin/contacts/lead/export/xlsx/")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_id = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    plain = by_id[leads[0].pk]
    assert plain["nombre de logements"] == 48 and plain["date de la demande"].year >= 2025
    hostile = by_id[leads[1].pk]
    assert hostile["prénom"] == "'" + INJECTED
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_export_action_on_a_selection(dalkia_client, leads):
    response = dalkia_client.post(
        "/admin/contacts/lead/", {"action": "export_xlsx", "_selected_action": [leads[0].pk]}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [leads[0].pk]


def test_an_unknown_format_is_not_found(dalkia_client):
    assert dalkia_client.get("/admin/contacts/lead/export/pdf/").status_code == 404


def test_staff_without_permissions_cannot_export(client, dalkia_user, leads):
    dalkia_user.groups.clear()
    client.force_login(dalkia_user)
    assert client.get("/admin/contacts/lead/export/csv/").status_code == 403


def test_an_export_with_invalid_filters_goes_back_to_the_list(dalkia_client, leads):
    response = dalkia_client.get("/admin/contacts/lead/export/csv/?created_at__year=abc")
    assert response.status_code == 302 and response["Location"] == "/admin/contacts/lead/"
