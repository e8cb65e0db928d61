"""The requester's email and phone are links on the lead's page and in the list: `mailto:` and
`tel:` in the international form (E.164), shown grouped the French way, always escaped."""

import pytest
from django.test import Client

from contacts import phones, services
from tests.backoffice.conftest import log_in
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("01 23 45 67 89", "+33123456789"),
        ("06 12 34 56 78", "+33612345678"),
        ("0123456789", "+33123456789"),
        ("01.23.45.67.89", "+33123456789"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("0033 1 23 45 67 89", "+33123456789"),
        ("02 62 12 34 56", "+262262123456"),  # Réunion, dialled nationally
        ("06 92 12 34 56", "+262692123456"),
        ("06 39 12 34 56", "+262639123456"),  # Mayotte
        ("05 90 12 34 56", "+590590123456"),  # Guadeloupe
        ("06 94 12 34 56", "+594694123456"),  # French Guiana
        ("05 96 12 34 56", "+596596123456"),  # Martinique
        ("+262 6 92 12 34 56", "+262692123456"),
        ("12345", ""),
        ("+44 20 7946 0958", ""),
        ("", ""),
    ],
)
def test_french_numbers_are_dialled_in_e164(stored, expected):
    assert phones.e164(stored) == expected


def test_numbers_are_shown_grouped_by_two_digits():
    assert phones.grouped("0123456789") == "01 23 45 67 89"
    assert phones.grouped("+33 1 23 45 67 89") == "01 23 45 67 89"
    assert phones.grouped("+262 692 12 34 56") == "+262 6 92 12 34 56"
    assert phones.grouped(" inconnu ") == "inconnu"


def test_the_lead_page_links_the_requesters_email_and_phone(dalkia_client, dalkia):
    lead = LeadFactory(organisation=dalkia, email="camille.martin@exemple.fr", phone="0123456789")
    html = dalkia_client.get(f"/admin/contacts/lead/{lead.pk}/change/").content.decode()
    assert 'href="mailto:camille.martin@exemple.fr"' in html
    assert 'href="tel:+33123456789"' in html
    assert ">01 23 45 67 89</a>" in html


def test_the_list_shows_the_requesters_name_with_email_and_phone_links(dalkia_client, dalkia):
    LeadFactory(
        organisation=dalkia,
        first_name="Dominique",
        last_name="Lefèvre",
        company_name="Syndic des Tilleuls",
        email="d.lefevre@exemple.fr",
        phone="06 92 12 34 56",
    )
    html = dalkia_client.get("/admin/contacts/lead/").content.decode()
    row = html.split('id="result_list"')[1].split("</table>")[0]
    assert "Dominique Lefèvre (Syndic des Tilleuls)" in row
    assert 'href="mailto:d.lefevre@exemple.fr"' in row
    assert '<a href="tel:+262692123456" class="lead-phone">06 92 12 34 56</a>' in row


def test_links_escape_what_the_requester_typed(dalkia_client, dalkia):
    lead = LeadFactory(
        organisation=dalkia,
        first_name='<img src=x onerror="alert(1)">',
        email="o'brien\"+<b>@exemple.fr",
        phone='"><b>12</b>',
    )
    for url in ["/admin/contacts/lead/", f"/admin/contacts/lead/{lead.pk}/change/"]:
        html = dalkia_client.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "<b>@" not in html
        assert 'href="mailto:o%27brien%22+%3Cb%3E@exemple.fr"' in html
        assert 'href="tel:' not in html  # not a French number: shown as text, escaped
        assert "&quot;&gt;&lt;b&gt;12&lt;/b&gt;" in html


def test_an_anonymised_lead_has_no_links(dalkia_client, dalkia):
    lead = LeadFactory(organisation=dalkia, dwellings=12)
    services.anonymise_lead(lead=lead, reason="Durée de conservation écoulée.")
    html = dalkia_client.get("/admin/contacts/lead/").content.decode()
    row = html.split('id="result_list"')[1].split("</table>")[0]
    assert "Demande anonymisée" in row
    assert "mailto:" not in row and "tel:" not in row


def test_the_list_names_the_organisation_for_the_national_team_only(
    dalkia_user, national_client, dalkia_lead
):
    operator = log_in(Client(), dalkia_user).get("/admin/contacts/lead/").content.decode()
    national = national_client.get("/admin/contacts/lead/").content.decode()
    assert "Camille Martin" in operator
    assert "column-recipient" not in operator
    assert "column-recipient" in national
    assert '<td class="field-recipient">Dalkia Île-de-France</td>' in national
