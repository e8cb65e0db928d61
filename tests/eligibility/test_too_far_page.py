"""The result page of an address too far from any network: the nearest network and its distance,
the other solutions (heat pump, France Rénov’, the agency of the territory) and guides that fit."""

import pytest

from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of
from tests.library.factories import DocumentFactory, TopicFactory

pytestmark = pytest.mark.django_db

RESULT = {
    "adresse": "15 Allée Paul Dukas 95200 Sarcelles",
    "label": "15 Allée Paul Dukas 95200 Sarcelles",
    "lat": str(SARCELLES[0]),
    "lon": str(SARCELLES[1]),
    "citycode": "95585",
    "chauffage": "collective",
}


@pytest.fixture
def network_3_km_away():
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 3200),
    )


def result(client):
    return client.get("/eligibilite/", RESULT).content.decode()


def test_the_too_far_page_names_the_nearest_network_and_its_distance(client, network_3_km_away):
    html = result(client)
    assert "Le réseau le plus proche : Grand Ensemble Sarcelles-Locheres" in html
    assert "<td>3\xa0200\xa0m</td>" in html
    assert "est à 3\xa0200\xa0m de cette adresse" in html


def test_the_too_far_page_offers_a_heat_pump_and_france_renov(client, network_3_km_away):
    html = result(client)
    section = html[html.index('id="alternatives"') :]
    assert "Une pompe à chaleur collective" in section
    assert 'href="https://france-renov.gouv.fr/"' in section
    assert "0&nbsp;808&nbsp;800&nbsp;700" in section


def test_the_too_far_page_names_the_energy_agency_of_the_territory(client, network_3_km_away):
    OrganisationFactory(
        energy_agency=True, name="Agence locale de l’énergie du Val-d’Oise", departements=["95"]
    )
    html = result(client)
    card = html[html.index('id="conseiller-du-territoire"') :]
    assert "Être conseillé par Agence locale de l’énergie du Val-d’Oise" in card
    assert "demande=conseil" in card[: card.index("</a>")]


def test_the_too_far_page_names_no_agency_when_none_covers_the_territory(client, network_3_km_away):
    OrganisationFactory(energy_agency=True, name="ALEC de Lyon", departements=["69"])
    assert 'id="conseiller-du-territoire"' not in result(client)


def test_the_too_far_contact_link_preselects_advice(client, network_3_km_away):
    html = result(client)
    assert "Être conseillé" in html
    link = html[: html.index(">Être conseillé</a>")]
    assert "demande=conseil" in link[link.rindex("href=") :]


def test_the_too_far_page_links_the_guides_on_other_solutions_not_the_network_ones(
    client, network_3_km_away
):
    DocumentFactory(title="Raccordé au réseau de Sarcelles", type="rex", network=network_3_km_away)
    DocumentFactory(title="Les étapes du raccordement")
    DocumentFactory(
        title="Pas de réseau à proximité : les autres solutions",
        topics=[TopicFactory(slug="autres-solutions", name="Autres solutions de chauffage")],
    )
    html = result(client)
    section = html[html.index('id="guides-utiles"') :]
    assert "Pas de réseau à proximité : les autres solutions" in section
    assert "Raccordé au réseau de Sarcelles" not in section
    assert "Les étapes du raccordement" not in section


def test_the_confirmation_email_of_a_too_far_request_names_the_nearest_network_and_france_renov(
    network_3_km_away,
):
    from django.template.loader import render_to_string

    from contacts.services import _requester_context
    from tests.contacts.factories import LeadFactory

    lead = LeadFactory(
        category="too_far",
        eligible=False,
        network_id="9502C",
        network_name="Grand Ensemble Sarcelles-Locheres",
        distance_m=3200,
    )
    body = render_to_string("emails/lead_confirmation_body.txt", _requester_context(lead))
    assert "le plus proche, « Grand Ensemble Sarcelles-Locheres », est à 3\xa0200\xa0m" in body
    assert "0 808 800 700" in body
