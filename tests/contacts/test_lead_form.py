"""The contact request form: prefilled from the result page or standalone, validated in French,
protected (CSRF, honeypot, rate limit), and never losing a request."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from contacts.models import Lead
from eligibility import geocoding
from tests.contacts.conftest import LABEL
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db
URL = "/demande-de-contact/"


def test_the_standalone_form_has_the_address_autocomplete_and_hidden_coordinates(client):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="fcu-autocomplete" data-autocomplete-url="/api/v1/addresses"' in html
    for name in ("lat", "lon", "citycode", "label"):
        assert f'type="hidden" name="{name}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<div class="fr-hidden" aria-hidden="true">' in html  # the honeypot
    assert 'href="/donnees-personnelles/"' in html
    assert 'id="verdict"' not in html


def test_the_form_is_prefilled_from_the_result_page(client, dalkia):
    query = {
        "adresse": LABEL,
        "chauffage": "individual",
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "label": LABEL,
    }
    html = client.get(URL, query).content.decode()
    assert f'value="{LABEL}"' in html
    assert f'name="lat" value="{SARCELLES[0]}"' in html
    assert 'name="citycode" value="95585"' in html
    assert re.search(r'value="individual"[^>]*\schecked', html)
    assert "Votre immeuble est potentiellement raccordable" in html
    assert "Grand Ensemble Sarcelles-Locheres" in html


def test_the_result_page_links_to_the_prefilled_form(client, dalkia):
    query = {
        "adresse": LABEL,
        "chauffage": "collective",
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "label": LABEL,
    }
    html = client.get("/eligibilite/", query).content.decode()
    assert 'href="/demande-de-contact/?adresse=15+All' in html
    assert "Demander une étude gratuite" in html


def test_a_valid_request_is_saved_routed_and_confirmed(client, dalkia, lead_data):
    response = client.post(URL, lead_data)
    assert response.status_code == 302
    assert response["Location"] == "/demande-de-contact/confirmation/"
    lead = Lead.objects.get()
    assert lead.organisation == dalkia
    assert lead.category == "existing_very_close" and lead.eligible
    assert lead.distance_m == 48 and lead.network_id == "9502C"
    assert lead.heat_network.network_id == "9502C"
    assert lead.code_insee == "95585"
    assert lead.consent and lead.consent_at is not None
    assert lead.events.get().kind == "created"

    html = client.get(response["Location"]).content.decode()
    assert "Votre demande est enregistrée" in html
    assert "Dalkia Île-de-France" in html
    assert "Je donne mon avis" in html and 'href="https://jedonnemonavis' in html


def test_the_confirmation_page_needs_a_request_sent_in_this_session(client):
    response = client.get("/demande-de-contact/confirmation/")
    assert response.status_code == 302 and response["Location"] == URL


def test_without_coordinates_the_address_is_geocoded_on_the_server(client, dalkia, lead_data):
    data = {**lead_data, "lat": "", "lon": "", "citycode": "", "label": ""}
    data["adresse"] = "15 allée Paul Dukas Sarcelles"
    assert client.post(URL, data).status_code == 302
    lead = Lead.objects.get()
    assert lead.address_label == LABEL
    assert lead.location is not None and lead.organisation == dalkia


def test_coordinates_of_another_label_are_ignored(client, dalkia, lead_data):
    """The visitor edited the address after picking a suggestion: the text is geocoded again."""
    data = {**lead_data, "adresse": "15 allée Paul Dukas Sarcelles"}
    with mock.patch.object(geocoding, "geocode", wraps=geocoding.geocode) as geocode:
        client.post(URL, data)
    geocode.assert_called_once_with("15 allée Paul Dukas Sarcelles")


def test_the_request_is_saved_when_the_geocoder_is_down(
    client, dalkia, lead_data, mailoutbox, django_capture_on_commit_callbacks
):
    data = {**lead_data, "lat": "", "lon": "", "citycode": "", "label": ""}
    unavailable = geocoding.GeocoderError("The address service is unavailable.")
    with (
        mock.patch.object(geocoding, "geocode", side_effect=unavailable),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(URL, data)
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.address_label == LABEL
    assert lead.location is None and lead.category == ""
    assert lead.organisation is None
    assert "non localisée" in lead.routing_reason
    assert [m.to for m in mailoutbox] == [["camille.martin@exemple.fr"]]


def test_an_unknown_address_offers_suggestions_or_to_keep_it_as_typed(client, dalkia, lead_data):
    data = {**lead_data, "lat": "", "lon": "", "citycode": "", "label": ""}
    data["adresse"] = "15 allee paul dukkas sarcel"
    suggestion = geocoding.GeocodedAddress(
        label=LABEL,
        lat=SARCELLES[0],
        lon=SARCELLES[1],
        citycode="95585",
        postcode="95200",
        city="Sarcelles",
        ban_id="95585_1920_00015",
        score=0.4,
        kind="housenumber",
    )
    not_found = geocoding.AddressNotFound(data["adresse"], [suggestion])
    with mock.patch.object(geocoding, "geocode", side_effect=not_found):
        response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nous ne trouvons pas cette adresse" in html
    assert f'name="adresse_choisie" value="{LABEL}"' in html
    assert not Lead.objects.exists()

    response = client.post(URL, {**data, "adresse_choisie": "__tel_que_saisi__"})
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.address_label == "15 allee paul dukkas sarcel" and lead.location is None


def test_a_chosen_suggestion_is_geocoded(client, dalkia, lead_data):
    data = {**lead_data, "lat": "", "lon": "", "citycode": "", "label": ""}
    data.update(adresse="15 allee paul dukkas", adresse_choisie=LABEL)
    assert client.post(URL, data).status_code == 302
    assert Lead.objects.get().organisation == dalkia


TOO_LONG = "x" * 101


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consent": None}, "consent", "Cochez la case pour accepter la transmission"),
        ({"email": "camille.martin"}, "email", "Indiquez une adresse électronique valide"),
        ({"email": ""}, "email", "Indiquez votre adresse électronique."),
        ({"phone": "12345"}, "phone", "Indiquez un numéro de téléphone français"),
        ({"phone": "+44 20 7946 0958"}, "phone", "Indiquez un numéro de téléphone français"),
        ({"dwellings": "-3"}, "dwellings", "Le nombre de logements doit être d’au moins 1."),
        ({"dwellings": "douze"}, "dwellings", "Indiquez un nombre entier"),
        ({"dwellings": ""}, "dwellings", "Indiquez le nombre de logements de la copropriété."),
        ({"floor_area_m2": "5000000"}, "floor_area_m2", "ne peut pas dépasser 1 000 000 m²"),
        ({"floor_area_m2": "3"}, "floor_area_m2", "au moins 10 m²"),
        ({"boiler_age_years": "-2"}, "boiler_age_years", "ne peut pas être négatif"),
        ({"boiler_age_years": "250"}, "boiler_age_years", "ne peut pas dépasser 100 ans"),
        ({"first_name": TOO_LONG}, "first_name", "Le prénom ne peut pas dépasser 100 caractères."),
        ({"last_name": ""}, "last_name", "Indiquez le nom."),
        ({"comment": "a" * 3001}, "comment", "ne peut pas dépasser 3 000 caractères"),
        ({"adresse": "", "label": ""}, "adresse", "Indiquez l’adresse de l’immeuble."),
        ({"adresse": "r" * 201}, "adresse", "L’adresse ne peut pas dépasser 200 caractères."),
        ({"heating_energy": "charbon"}, "heating_energy", "Choisissez l’une des énergies"),
        ({"heating_type": ""}, "heating_type", "Indiquez le mode de chauffage"),
        ({"structure": ""}, "structure", "Indiquez si vous représentez"),
        ({"structure": "professional"}, "professional_kind", "Indiquez le type de professionnel."),
        ({"general_assembly_date": "31/02/2027"}, "general_assembly_date", "date valide"),
    ],
)
def test_every_bad_input_gives_a_french_message_and_saves_nothing(
    client, dalkia, lead_data, changes, field, message
):
    data = {key: value for key, value in {**lead_data, **changes}.items() if value is not None}
    response = client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="id_{field}-desc-error"' in html  # the DSFR error state of the field
    assert "Le formulaire contient" in html
    assert not Lead.objects.exists()


def test_a_past_general_assembly_date_is_refused(client, dalkia, lead_data):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(URL, {**lead_data, "general_assembly_date": yesterday})
    assert response.status_code == 400
    assert "La date de l’assemblée générale doit être à venir." in response.content.decode()
    assert not Lead.objects.exists()


def test_a_professional_gives_a_kind_and_a_company(client, dalkia, lead_data):
    data = {**lead_data, "structure": "professional", "professional_kind": "syndic"}
    response = client.post(URL, data)
    assert "Indiquez le nom de votre société ou organisme." in response.content.decode()
    client.post(URL, {**data, "company_name": "Syndic Foncia Val-d’Oise", "dwellings": ""})
    lead = Lead.objects.get()
    assert (lead.professional_kind, lead.company_name) == ("syndic", "Syndic Foncia Val-d’Oise")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0123456789", "01 23 45 67 89"),
        ("01.23.45.67.89", "01 23 45 67 89"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+262 692 12 34 56", "+262 6 92 12 34 56"),
        ("", ""),
    ],
)
def test_french_phone_numbers_are_accepted_and_normalised(client, dalkia, lead_data, typed, stored):
    assert client.post(URL, {**lead_data, "phone": typed}).status_code == 302
    assert Lead.objects.get().phone == stored


def test_the_form_refuses_a_post_without_csrf_token(dalkia, lead_data):
    response = Client(enforce_csrf_checks=True).post(URL, lead_data)
    assert response.status_code == 403
    assert not Lead.objects.exists()


def test_too_many_requests_get_a_french_429_page(client, dalkia, lead_data, settings):
    settings.RATELIMIT_FORMS = "2/600"
    for n in range(2):
        client.post(URL, {**lead_data, "email": f"personne{n}@exemple.fr"})
    response = client.post(URL, {**lead_data, "email": "troisieme@exemple.fr"})
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 600
    assert Lead.objects.count() == 2


def test_a_filled_honeypot_sends_the_request_to_moderation(client, dalkia, lead_data):
    response = client.post(URL, {**lead_data, "site_web": "https://seo.example"})
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.status == Lead.Status.MODERATION
    assert "champ piège" in lead.routing_reason
    html = client.get(response["Location"]).content.decode()
    assert "vérifie votre demande" in html


def test_the_same_request_twice_keeps_one_lead(client, dalkia, lead_data):
    client.post(URL, lead_data)
    response = client.post(URL, {**lead_data, "email": "Camille.Martin@Exemple.fr"})
    assert Lead.objects.count() == 1
    assert "Demande déjà reçue" in client.get(response["Location"]).content.decode()


def test_html_typed_in_the_comment_is_shown_as_text(client, dalkia, lead_data):
    comment = '<script>alert("x")</script><b>urgent</b>'
    client.post(URL, {**lead_data, "comment": comment, "first_name": "<i>Camille</i>"})
    lead = Lead.objects.get()
    assert lead.comment == comment
    html = client.get(f"/demande/{lead.token}/").content.decode()
    assert "<script>alert" not in html and "<b>urgent</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;urgent&lt;/b&gt;" in html
    assert "&lt;i&gt;Camille&lt;/i&gt;" in html


def test_the_error_summary_links_to_each_field(client, dalkia, lead_data):
    data = {**lead_data, "structure": "", "email": "x"}
    html = client.post(URL, data).content.decode()
    assert 'href="#radio-id_structure"' in html and 'id="radio-id_structure"' in html
    assert 'href="#id_email"' in html
