"""What the requester wants (a study or a quote, an appointment with the operator, advice from
France Rénov’), their role for the building and the planned boiler replacement month: asked by
the form, routed, saved, told in the emails and on the requester's pages, kept by anonymisation."""

import re
from datetime import date
from unittest import mock

import pytest
from django.core import mail

from contacts.models import Lead
from contacts.services import anonymise_lead, create_lead
from tests.contacts.conftest import LABEL
from tests.contacts.factories import LeadFactory, OrganisationFactory
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db
URL = "/demande-de-contact/"
PREFILLED = {
    "adresse": LABEL,
    "chauffage": "collective",
    "lat": SARCELLES[0],
    "lon": SARCELLES[1],
    "citycode": "95585",
    "label": LABEL,
}


@pytest.fixture
def agency(db):
    return OrganisationFactory(energy_agency=True, communes=["95585"])


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Posts the form, with the emails sent as after a real commit."""

    def post(data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, data)

    return post


def error_of(response, field) -> str:
    html = response.content.decode()
    match = re.search(rf'id="id_{field}-desc-error">(.*?)</div>', html, re.S)
    assert match, f"no error on {field}"
    return match[1]


# --- Request type -------------------------------------------------------------------------------


def test_the_form_offers_a_study_or_quote_an_appointment_or_advice(client):
    html = client.get(URL).content.decode()
    assert "Que souhaitez-vous\u00a0?" in html
    for value in ("quote", "appointment", "advice"):
        assert f'name="request_type" value="{value}"' in html
    assert "Être recontacté par le gestionnaire du réseau pour une étude ou un devis" in html
    assert "Un rendez-vous avec le gestionnaire du réseau" in html
    assert (
        "Des conseils neutres et gratuits d’un conseiller France Rénov’ "
        "(espace conseil de votre territoire)" in html
    )


def test_a_request_without_its_type_is_refused_in_french(client, dalkia, lead_data):
    response = client.post(URL, {**lead_data, "request_type": ""})
    assert response.status_code == 400
    assert "Indiquez ce que vous souhaitez" in error_of(response, "request_type")
    assert not Lead.objects.exists()


def test_an_appointment_request_is_saved_and_goes_to_the_operator(
    client, dalkia, agency, lead_data
):
    assert client.post(URL, {**lead_data, "request_type": "appointment"}).status_code == 302
    lead = Lead.objects.get()
    assert lead.request_type == Lead.RequestType.APPOINTMENT
    assert lead.organisation == dalkia


def test_an_eligible_requester_choosing_advice_goes_to_the_energy_agency(
    client, dalkia, agency, lead_data
):
    assert client.post(URL, {**lead_data, "request_type": "advice"}).status_code == 302
    lead = Lead.objects.get()
    assert lead.eligible and lead.request_type == Lead.RequestType.ADVICE
    assert lead.organisation == agency
    assert "Le demandeur a choisi des conseils neutres et gratuits" in lead.routing_reason


def test_the_prefilled_form_says_who_receives_each_kind_of_request(client, dalkia, agency):
    agency.name = "ALEC <Val-d’Oise> & co"
    agency.save()
    html = client.get(URL, PREFILLED).content.decode()
    hint = re.search(r'id="id_request_type_helptext">(.*?)</span>', html, re.S)[1]
    assert "Dalkia Île-de-France (gestionnaire du réseau) pour une étude" in hint
    assert "ALEC &lt;Val-d’Oise&gt; &amp; co pour des conseils" in hint


def test_without_an_agency_the_form_says_advice_goes_through_the_national_team(client, dalkia):
    html = client.get(URL, PREFILLED).content.decode()
    hint = re.search(r'id="id_request_type_helptext">(.*?)</span>', html, re.S)[1]
    assert "l’équipe nationale de France Chaleur Urbaine, qui la transmet au conseiller" in hint


def test_an_unknown_request_type_is_refused_by_the_service(dalkia, service_data):
    with pytest.raises(ValueError, match="Unknown request type"):
        create_lead(**service_data, request_type="visit")
    assert not Lead.objects.exists()


def test_callers_that_do_not_say_the_type_create_a_study_or_quote_request(dalkia, service_data):
    lead, _ = create_lead(**service_data)
    assert lead.request_type == Lead.RequestType.QUOTE
    assert lead.organisation == dalkia


# --- Role ---------------------------------------------------------------------------------------


def test_a_condominium_requester_must_give_their_role(client, dalkia, lead_data):
    response = client.post(URL, {**lead_data, "requester_role": ""})
    assert response.status_code == 400
    assert "Indiquez votre rôle dans la copropriété." in error_of(response, "requester_role")


def test_the_role_of_a_condominium_requester_is_saved(client, dalkia, lead_data):
    client.post(URL, {**lead_data, "requester_role": "syndic_volunteer"})
    assert Lead.objects.get().requester_role == Lead.Role.SYNDIC_VOLUNTEER


def test_a_role_outside_the_list_is_refused(client, dalkia, lead_data):
    response = client.post(URL, {**lead_data, "requester_role": "maire"})
    assert response.status_code == 400
    assert "Choisissez l’un des rôles proposés." in error_of(response, "requester_role")


def test_a_professionals_role_is_their_kind(client, dalkia, lead_data):
    data = {
        **lead_data,
        "structure": "professional",
        "professional_kind": "social_landlord",
        "company_name": "Val-d’Oise Habitat",
        "requester_role": "co_owner",  # asked of condominiums only: ignored
    }
    assert client.post(URL, data).status_code == 302
    assert Lead.objects.get().requester_role == Lead.Role.SOCIAL_LANDLORD


def test_a_house_has_no_role(client, dalkia, lead_data):
    data = {**lead_data, "structure": "house", "requester_role": "council_member"}
    assert client.post(URL, data).status_code == 302
    assert Lead.objects.get().requester_role == ""


# --- Planned boiler replacement -----------------------------------------------------------------

TODAY = date(2026, 6, 15)


@pytest.fixture
def today():
    with mock.patch("contacts.forms.timezone.localdate", return_value=TODAY):
        yield TODAY


def test_the_planned_replacement_is_saved_as_the_first_day_of_its_month(
    client, dalkia, lead_data, today
):
    data = {**lead_data, "boiler_replacement_month": "3", "boiler_replacement_year": "2027"}
    assert client.post(URL, data).status_code == 302
    lead = Lead.objects.get()
    assert lead.boiler_replacement_date == date(2027, 3, 1)
    assert lead.boiler_replacement_month == "mars 2027"


def test_the_year_list_goes_from_last_year_to_ten_years_ahead(client, today):
    html = client.get(URL).content.decode()
    select = re.search(r'<select name="boiler_replacement_year".*?</select>', html, re.S)[0]
    years = re.findall(r'<option value="(\d{4})"', select)
    assert years == [str(year) for year in range(2025, 2037)]
    assert '<option value="12">décembre</option>' in html


@pytest.mark.parametrize(
    ("month", "year", "field", "message"),
    [
        ("3", "", "boiler_replacement_year", "Indiquez aussi l’année du remplacement prévu."),
        ("", "2027", "boiler_replacement_month", "Indiquez aussi le mois du remplacement prévu."),
        ("5", "2025", "boiler_replacement_month", "ne peut pas dater de plus d’un an"),
        ("7", "2036", "boiler_replacement_year", "dans les dix prochaines années"),
        ("13", "2027", "boiler_replacement_month", "Choisissez un mois de la liste."),
        ("3", "1999", "boiler_replacement_year", "Choisissez une année de la liste."),
    ],
)
def test_an_incomplete_or_absurd_replacement_date_is_refused_in_french(
    client, dalkia, lead_data, today, month, year, field, message
):
    data = {**lead_data, "boiler_replacement_month": month, "boiler_replacement_year": year}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in error_of(response, field)
    assert not Lead.objects.exists()


@pytest.mark.parametrize(("month", "year"), [("6", "2025"), ("6", "2036")])
def test_the_bounds_of_the_replacement_date_are_accepted(
    client, dalkia, lead_data, today, month, year
):
    data = {**lead_data, "boiler_replacement_month": month, "boiler_replacement_year": year}
    assert client.post(URL, data).status_code == 302


def test_the_service_keeps_the_replacement_to_the_month(dalkia, service_data):
    lead, _ = create_lead(**service_data, boiler_replacement_date=date(2027, 3, 17))
    lead.refresh_from_db()
    assert lead.boiler_replacement_date == date(2027, 3, 1)


# --- What the requester and the organisation read -----------------------------------------------


def test_the_confirmation_email_says_what_was_asked_and_the_role(send, dalkia, lead_data):
    send({**lead_data, "request_type": "appointment"})
    (message,) = [m for m in mail.outbox if m.to == ["camille.martin@exemple.fr"]]
    assert "Vous souhaitez : un rendez-vous avec le gestionnaire du réseau." in message.body
    assert "Vous êtes : copropriété, membre du conseil syndical." in message.body
    assert "qui vous recontactera pour convenir d’un rendez-vous et étudier" in message.body


def test_an_advice_request_is_confirmed_as_sent_to_the_advice_desk(send, dalkia, agency, lead_data):
    send({**lead_data, "request_type": "advice"})
    (message,) = [m for m in mail.outbox if m.to == ["camille.martin@exemple.fr"]]
    assert (
        "Votre demande de conseils a été transmise à ALEC du Val-d’Oise, espace conseil de "
        "votre territoire, qui vous recontactera pour des conseils neutres et gratuits."
    ) in message.body
    assert "étudier gratuitement le raccordement" not in message.body
    assert not [m for m in mail.outbox if m.to == ["demandes@dalkia.example.fr"]]


def test_the_notification_gives_the_type_the_role_and_the_replacement_month(
    send, dalkia, agency, lead_data
):
    data = {
        **lead_data,
        "request_type": "advice",
        "boiler_replacement_month": "3",
        "boiler_replacement_year": str(date.today().year + 1),
    }
    send(data)
    (notification,) = [m for m in mail.outbox if m.to == ["conseil@alec-95.example.fr"]]
    assert "Objet de la demande : Conseil France Rénov’ (le demandeur souhaite des conseils" in (
        notification.body
    )
    assert "Demandeur : Camille Martin, copropriété, membre du conseil syndical" in (
        notification.body
    )
    assert f"Remplacement de la chaudière prévu : mars {date.today().year + 1}" in (
        notification.body
    )
    assert "Le demandeur a choisi des conseils neutres et gratuits" in notification.body


def test_the_confirmation_page_of_an_advice_request_announces_a_france_renov_adviser(
    client, dalkia, agency, lead_data
):
    response = client.post(URL, {**lead_data, "request_type": "advice"}, follow=True)
    html = response.content.decode()
    assert "Vous souhaitez des conseils neutres et gratuits" in html
    assert "espace conseil France Rénov’ de votre territoire" in html
    assert "Un conseiller France Rénov’ de votre territoire vous recontacte" in html


def test_the_private_page_shows_the_type_the_role_and_the_replacement_month(client):
    lead = LeadFactory(
        request_type=Lead.RequestType.APPOINTMENT,
        requester_role=Lead.Role.CO_OWNER,
        boiler_replacement_date=date(2027, 10, 1),
    )
    html = client.get(f"/demande/{lead.token}/").content.decode()
    assert "<td>Rendez-vous avec le gestionnaire</td>" in html
    assert "Copropriété, copropriétaire" in html
    assert "<td>octobre 2027</td>" in html


def test_anonymisation_keeps_the_type_the_role_and_the_replacement_month():
    lead = LeadFactory(
        request_type=Lead.RequestType.ADVICE,
        requester_role=Lead.Role.COUNCIL_MEMBER,
        boiler_replacement_date=date(2027, 10, 1),
    )
    anonymise_lead(lead=lead, reason="Test.")
    lead.refresh_from_db()
    assert lead.email == "" and lead.is_anonymised
    assert lead.request_type == Lead.RequestType.ADVICE
    assert lead.requester_role == Lead.Role.COUNCIL_MEMBER
    assert lead.boiler_replacement_date == date(2027, 10, 1)


def test_the_too_far_results_advice_link_preselects_advice(client):
    html = client.get(URL, {**PREFILLED, "demande": "conseil"}).content.decode()
    assert re.search(r'<input[^>]*value="advice"[^>]*checked', html)
    plain = client.get(URL, PREFILLED).content.decode()
    assert not re.search(r'<input[^>]*value="advice"[^>]*checked', plain)
