"""The back office shows what the requester wants, their role and the planned boiler replacement:
on the lead's page, in the list (filterable), in the exports."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from contacts.models import Lead
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/contacts/lead/"


@pytest.fixture
def leads(dalkia):
    advice = LeadFactory(
        organisation=dalkia,
        request_type=Lead.RequestType.ADVICE,
        requester_role=Lead.Role.COUNCIL_MEMBER,
        boiler_replacement_date=date(2027, 3, 1),
        routing_reason="Le demandeur a choisi des conseils neutres et gratuits (France Rénov’).",
    )
    appointment = LeadFactory(
        organisation=dalkia,
        request_type=Lead.RequestType.APPOINTMENT,
        requester_role=Lead.Role.SYNDIC_PROFESSIONAL,
    )
    return advice, appointment


def test_the_lead_page_shows_the_request_the_role_and_the_replacement_month(dalkia_client, leads):
    html = dalkia_client.get(f"{CHANGELIST}{leads[0].pk}/change/").content.decode()
    assert "Objet de la demande" in html
    assert "Des conseils neutres et gratuits d’un conseiller France Rénov’" in html
    assert "Membre du conseil syndical" in html
    assert "mars 2027" in html
    assert "Le demandeur a choisi des conseils neutres et gratuits (France Rénov’)." in html


def test_the_list_shows_the_type_and_the_role_in_short(dalkia_client, leads):
    html = dalkia_client.get(CHANGELIST).content.decode()
    assert '<td class="field-request_type">Conseil France Rénov’</td>' in html
    # The role is under the requester's name (the list fits a 1280 px screen).
    assert re.search(r'<td class="field-requester">[^<]*<br>Syndic professionnel<br>', html)


def test_the_list_filters_by_request_type(dalkia_client, leads):
    response = dalkia_client.get(CHANGELIST, {"request_type__exact": "advice"})
    assert list(response.context["cl"].result_list) == [leads[0]]
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert "objet de la demande" in filters and "rôle du demandeur" in filters


def test_the_list_filters_by_role(dalkia_client, leads):
    response = dalkia_client.get(CHANGELIST, {"requester_role__exact": "syndic_professional"})
    assert list(response.context["cl"].result_list) == [leads[1]]


def test_the_csv_export_has_the_type_the_role_and_the_replacement_month(dalkia_client, leads):
    response = dalkia_client.get("/admin/contacts/lead/export/csv/")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    advice = next(row for row in rows if row["n° de demande"] == str(leads[0].pk))
    assert advice["objet de la demande"] == "Conseil France Rénov’"
    assert advice["rôle du demandeur"] == "Membre du conseil syndical"
    assert advice["remplacement de la chaudière prévu"] == "03/2027"
    appointment = next(row for row in rows if row["n° de demande"] == str(leads[1].pk))
    assert appointment["remplacement de la chaudière prévu"] == ""


def test_the_xlsx_export_writes_the_replacement_as_a_month(dalkia_client, leads):
    response = dalkia_client.get("/admin/contacts/lead/export/xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("remplacement de la chaudière prévu")
    cells = {row[0].value: row[column] for row in sheet.iter_rows(min_row=2)}
    assert cells[leads[0].pk].value.date() == date(2027, 3, 1)
    assert cells[leads[0].pk].number_format == "MM/YYYY"
    roles = {
        row[0].value: row[headers.index("rôle du demandeur")].value
        for row in sheet.iter_rows(min_row=2)
    }
    assert roles[leads[1].pk] == "Syndic professionnel"
