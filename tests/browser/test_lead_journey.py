"""Journey 2: from the eligibility result to a contact request, its confirmation and the email."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.core import mail

from contacts.models import Lead
from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.fixture
def sarcelles():
    AddressFactory()
    network = HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )
    return OrganisationFactory(
        name="Dalkia Île-de-France", email="demandes@dalkia.example.fr", networks=[network]
    )


def fill_requester(
    page, request_type="Être recontacté par le gestionnaire du réseau pour une étude"
):
    page.get_by_text(request_type).click()
    page.get_by_text("Copropriété", exact=True).click()
    page.get_by_label("Votre rôle dans la copropriété").select_option(
        label="Membre du conseil syndical"
    )
    page.get_by_text("Gaz", exact=True).click()
    page.get_by_label("Nombre de logements").fill("48")
    page.get_by_label("Prénom").fill("Camille")
    page.locator("#id_last_name").fill("Martin")
    page.get_by_label("Adresse électronique").fill("camille.martin@exemple.fr")
    page.get_by_label("Commentaire (facultatif)").fill("Chaudière de 1998 <à remplacer>.")
    page.locator("label[for=id_consent]").click()


def test_from_the_result_page_to_the_confirmation_and_the_email(page, sarcelles):
    query = {
        "adresse": LABEL,
        "chauffage": "collective",
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "label": LABEL,
    }
    page.goto(f"/eligibilite/?{urlencode(query)}")
    page.get_by_role("link", name="Demander une étude gratuite").click()

    page.wait_for_url("**/demande-de-contact/?**")
    assert page.get_by_label("Adresse de l’immeuble").input_value() == LABEL
    assert "potentiellement raccordable" in page.locator("#verdict").inner_text()
    assert page.get_by_label("Collectif (une chaudière pour tout l’immeuble)").is_checked()
    assert serious_accessibility_violations(page) == []

    fill_requester(page)
    page.get_by_role("button", name="Envoyer ma demande").click()

    page.wait_for_url("**/demande-de-contact/confirmation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Votre demande est enregistrée"
    assert "Dalkia Île-de-France" in page.locator("#destinataire").inner_text()
    assert page.get_by_role("link", name="Je donne mon avis").count() == 1
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []

    lead = Lead.objects.get()
    assert lead.organisation == sarcelles and lead.eligible
    assert lead.request_type == "quote" and lead.requester_role == "council_member"
    (confirmation,) = [m for m in mail.outbox if m.to == ["camille.martin@exemple.fr"]]
    assert f"/demande/{lead.token}/" in confirmation.body
    (notification,) = [m for m in mail.outbox if m.to == ["demandes@dalkia.example.fr"]]
    assert "Chaudière de 1998 <à remplacer>." in notification.body

    page.goto(f"/demande/{lead.token}/")
    assert "En cours de traitement" in page.locator("#statut").text_content()
    assert serious_accessibility_violations(page) == []


def test_the_standalone_form_with_the_autocomplete_and_its_error_states(page, sarcelles):
    page.goto("/demande-de-contact/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    summary = page.locator("#erreurs-formulaire")
    assert "Indiquez l’adresse de l’immeuble." in summary.inner_text()
    assert page.get_by_label("Prénom").get_attribute("aria-invalid") == "true"
    assert serious_accessibility_violations(page) == []
    # The browser reports the form's 400 status as a console error: that one is expected.
    assert [str(e.text) for e in page.console_errors] == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.console_errors.clear()

    field = page.get_by_role("combobox", name="Adresse de l’immeuble")
    field.press_sequentially("15 allee paul duk", delay=30)
    page.get_by_role("option", name=LABEL).wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    page.get_by_text("Individuel (une chaudière ou des radiateurs par logement)").click()
    fill_requester(page)
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/demande-de-contact/confirmation/")
    lead = Lead.objects.get()
    assert lead.location is not None and lead.code_insee == "95585"
    assert lead.heating_type == "individual"
    assert "boucle d’eau chaude collective" in page.content()
    assert page.console_errors == []


def test_an_eligible_requester_asks_for_advice_with_a_planned_replacement(page, sarcelles):
    agency = OrganisationFactory(
        energy_agency=True, communes=["95585"], name="ALEC du Val-d’Oise (France Rénov’)"
    )
    query = {
        "adresse": LABEL,
        "chauffage": "collective",
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "label": LABEL,
    }
    page.goto(f"/demande-de-contact/?{urlencode(query)}")
    hint = page.locator("#id_request_type_helptext").inner_text()
    assert "Dalkia Île-de-France (gestionnaire du réseau)" in hint
    assert "ALEC du Val-d’Oise (France Rénov’) pour des conseils" in hint

    fill_requester(page, request_type="Des conseils neutres et gratuits")
    replacement = page.get_by_role("group", name="Remplacement de la chaudière prévu")
    replacement.get_by_label("Mois").select_option(label="mars")
    replacement.get_by_label("Année").select_option(str(date.today().year + 1))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Envoyer ma demande").click()

    page.wait_for_url("**/demande-de-contact/confirmation/")
    assert "ALEC du Val-d’Oise (France Rénov’)" in page.locator("#destinataire").inner_text()
    assert "conseiller France Rénov’" in page.content()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
    lead = Lead.objects.get()
    assert lead.organisation == agency and lead.eligible
    assert lead.request_type == "advice"
    assert lead.boiler_replacement_date == date(date.today().year + 1, 3, 1)


def test_a_missing_role_and_half_a_replacement_date_are_explained(page, sarcelles):
    page.goto("/demande-de-contact/")
    page.get_by_role("group", name="Remplacement de la chaudière prévu").get_by_label(
        "Mois"
    ).select_option(label="mars")
    page.get_by_text("Copropriété", exact=True).click()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_load_state()
    summary = page.locator("#erreurs-formulaire").inner_text()
    assert "Indiquez ce que vous souhaitez" in summary
    assert "Indiquez votre rôle dans la copropriété." in summary
    assert "Indiquez aussi l’année du remplacement prévu." in summary
    assert (
        page.get_by_label("Votre rôle dans la copropriété").get_attribute("aria-invalid") == "true"
    )
    assert serious_accessibility_violations(page) == []


def test_the_role_shows_for_a_condominium_and_the_company_for_a_professional(page, sarcelles):
    page.goto("/demande-de-contact/")
    role = page.get_by_label("Votre rôle dans la copropriété")
    kind = page.get_by_label("Type de professionnel")
    assert not role.is_visible() and not kind.is_visible()
    page.get_by_text("Copropriété", exact=True).click()
    assert role.is_visible() and not kind.is_visible()
    page.get_by_text("Professionnel", exact=True).click()
    assert kind.is_visible() and page.get_by_label("Nom de la société").is_visible()
    assert not role.is_visible()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
