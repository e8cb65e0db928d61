"""Routing a lead (product.md): eligible or a network within 500 m → its operator; otherwise the
energy agency or authority of the commune, then of the département; otherwise the national
triage queue. Suspected spam → moderation."""

import pytest

from contacts.models import Lead
from contacts.routing import route, spam_signals
from contacts.services import create_lead
from eligibility.rules import evaluate
from tests.contacts.factories import OrganisationFactory
from tests.eligibility.factories import (
    SAINT_DENIS_REUNION,
    SARCELLES,
    FutureNetworkFactory,
    HeatNetworkFactory,
    route_east_of,
)

pytestmark = pytest.mark.django_db


def verdict_at_sarcelles():
    return evaluate(lat=SARCELLES[0], lon=SARCELLES[1], citycode="95585")


def network_at(metres, **fields):
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA",
        route=route_east_of(SARCELLES, metres),
        **fields,
    )


def test_an_eligible_address_goes_to_the_operator_of_the_network(sarcelles_network, dalkia):
    OrganisationFactory(energy_agency=True, communes=["95585"])
    routing = route(verdict_at_sarcelles(), "95585")
    assert routing.organisation == dalkia
    assert "9502C" in routing.reason and "48 m" in routing.reason
    assert "gestionnaire" in routing.reason


def test_a_network_far_but_within_500_m_goes_to_its_operator():
    network = network_at(400)
    operator = OrganisationFactory(name="Dalkia", networks=[network])
    OrganisationFactory(energy_agency=True, communes=["95585"])
    verdict = verdict_at_sarcelles()
    assert verdict.category == "existing_far" and not verdict.eligible
    routing = route(verdict, "95585")
    assert routing.organisation == operator
    assert "400 m" in routing.reason


def test_a_network_beyond_500_m_goes_to_the_agency_of_the_commune():
    network = network_at(800)
    OrganisationFactory(name="Dalkia", networks=[network])
    agency = OrganisationFactory(energy_agency=True, communes=["95585"])
    OrganisationFactory(local_authority=True, name="Département du Val-d’Oise", departements=["95"])
    routing = route(verdict_at_sarcelles(), "95585")
    assert routing.organisation == agency
    assert "commune 95585" in routing.reason


def test_without_an_organisation_for_the_commune_the_departement_is_used():
    network_at(800)
    OrganisationFactory(energy_agency=True, name="ALEC de Plaine Commune", communes=["93066"])
    authority = OrganisationFactory(
        local_authority=True, name="Département du Val-d’Oise", departements=["95"]
    )
    routing = route(verdict_at_sarcelles(), "95585")
    assert routing.organisation == authority
    assert "département 95" in routing.reason


def test_overseas_departements_have_three_digits():
    OrganisationFactory(energy_agency=True, name="SPL Horizon Réunion", departements=["974"])
    OrganisationFactory(energy_agency=True, name="Agence corse", departements=["97"])
    verdict = evaluate(lat=SAINT_DENIS_REUNION[0], lon=SAINT_DENIS_REUNION[1], citycode="97411")
    assert route(verdict, "97411").organisation.name == "SPL Horizon Réunion"


def test_nobody_covering_the_address_means_the_national_triage_queue():
    network_at(800)
    OrganisationFactory(energy_agency=True, name="ALEC de Plaine Commune", departements=["93"])
    routing = route(verdict_at_sarcelles(), "95585")
    assert routing.organisation is None
    assert "file de tri" in routing.reason


def test_an_address_that_could_not_be_located_goes_to_the_national_triage_queue():
    OrganisationFactory(energy_agency=True, departements=["95"])
    routing = route(None, "")
    assert routing.organisation is None
    assert "non localisée" in routing.reason


def test_a_network_whose_operator_has_no_account_falls_back_to_the_territory(sarcelles_network):
    agency = OrganisationFactory(energy_agency=True, communes=["95585"])
    routing = route(verdict_at_sarcelles(), "95585")
    assert routing.organisation == agency
    assert "n’a pas de compte" in routing.reason


def test_a_future_network_goes_to_the_organisation_building_it():
    future = FutureNetworkFactory(route=route_east_of(SARCELLES, 150))
    builder = OrganisationFactory(name="Coriance", future_networks=[future])
    verdict = verdict_at_sarcelles()
    assert verdict.category == "future_close"
    assert route(verdict, "95585").organisation == builder


def test_a_network_without_a_route_in_the_commune_goes_to_its_operator():
    network = HeatNetworkFactory(network_id="9599C", communes=["95585"], route=None)
    operator = OrganisationFactory(name="Régie de Sarcelles", networks=[network])
    OrganisationFactory(energy_agency=True, communes=["95585"])
    verdict = verdict_at_sarcelles()
    assert verdict.category == "city_network_without_route"
    assert route(verdict, "95585").organisation == operator


@pytest.mark.parametrize(
    ("fields", "signal"),
    [
        ({"honeypot": "http://spam.example"}, "champ piège"),
        ({"comment": "Super offre http://casino.example"}, "lien"),
        ({"comment": "Посетите наш сайт сегодня"}, "cyrillique"),
        ({"texts": ["Иван", "Петров"]}, "cyrillique"),
        ({"recent_leads_from_ip": 5}, "même adresse IP"),
    ],
)
def test_spam_signals(fields, signal):
    arguments = {"honeypot": "", "comment": "", "texts": [], "recent_leads_from_ip": 0, **fields}
    assert any(signal in reason for reason in spam_signals(**arguments))


def test_an_ordinary_request_is_not_spam():
    signals = spam_signals(
        honeypot="",
        comment="Bonjour, notre chaudière gaz a 20 ans ; joignable au 01 23 45 67 89 (nom@exemple.fr).",
        texts=["Zoé", "Lefèvre-Dupont"],
        recent_leads_from_ip=4,
    )
    assert signals == []


def test_suspected_spam_goes_to_moderation_without_any_email(
    service_data, dalkia, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lead, created = create_lead(**service_data, comment="Visit https://pills.example")
    assert created
    assert lead.status == Lead.Status.MODERATION
    assert lead.organisation == dalkia  # ready for when a moderator releases it
    assert lead.routing_reason.startswith("Modération (lien dans le commentaire)")
    assert lead.requester_status_label == "En cours de traitement"
    assert mailoutbox == []


def test_a_burst_from_one_client_address_goes_to_moderation(service_data, dalkia):
    statuses = []
    for n in range(6):
        data = {**service_data, "email": f"personne{n}@exemple.fr"}
        lead, _ = create_lead(**data, request_ip="203.0.113.7")
        statuses.append(lead.status)
    assert statuses == [Lead.Status.NEW] * 5 + [Lead.Status.MODERATION]
    lead, _ = create_lead(**{**service_data, "email": "autre@exemple.fr"}, request_ip="203.0.113.8")
    assert lead.status == Lead.Status.NEW


# --- Advice (France Rénov’): the territory's energy agency, even when eligible ------------------

ADVICE = Lead.RequestType.ADVICE


def test_an_eligible_requester_asking_for_advice_goes_to_the_agency_of_the_commune(
    sarcelles_network, dalkia
):
    agency = OrganisationFactory(energy_agency=True, communes=["95585"])
    routing = route(verdict_at_sarcelles(), "95585", request_type=ADVICE)
    assert routing.organisation == agency
    assert "conseils neutres et gratuits (France Rénov’)" in routing.reason
    assert "relève de l’espace conseil du territoire, non du gestionnaire du réseau" in (
        routing.reason
    )
    assert "commune 95585" in routing.reason


def test_advice_far_from_any_network_does_not_mention_an_operator():
    network_at(800)
    agency = OrganisationFactory(energy_agency=True, communes=["95585"])
    routing = route(verdict_at_sarcelles(), "95585", request_type=ADVICE)
    assert routing.organisation == agency
    assert "relève de l’espace conseil du territoire. Territoire" in routing.reason
    assert "gestionnaire" not in routing.reason


def test_an_appointment_request_keeps_the_operator_routing(sarcelles_network, dalkia):
    OrganisationFactory(energy_agency=True, communes=["95585"])
    routing = route(verdict_at_sarcelles(), "95585", request_type=Lead.RequestType.APPOINTMENT)
    assert routing.organisation == dalkia


def test_advice_goes_to_the_agency_of_the_departement_rather_than_a_local_authority(
    sarcelles_network, dalkia
):
    OrganisationFactory(local_authority=True, name="Ville de Sarcelles", communes=["95585"])
    agency = OrganisationFactory(energy_agency=True, departements=["95"])
    routing = route(verdict_at_sarcelles(), "95585", request_type=ADVICE)
    assert routing.organisation == agency
    assert "département 95" in routing.reason


def test_advice_without_an_agency_for_the_territory_goes_to_the_national_triage_queue(
    sarcelles_network, dalkia
):
    OrganisationFactory(local_authority=True, departements=["95"])
    routing = route(verdict_at_sarcelles(), "95585", request_type=ADVICE)
    assert routing.organisation is None
    assert "Aucun espace conseil ne couvre la commune 95585" in routing.reason


def test_advice_for_an_address_that_could_not_be_located_goes_to_the_national_triage_queue():
    OrganisationFactory(energy_agency=True, departements=["95"])
    routing = route(None, "", request_type=ADVICE)
    assert routing.organisation is None
    assert "non localisée" in routing.reason


def test_a_lead_asking_for_advice_is_saved_with_its_type_and_sent_to_the_agency(
    sarcelles_network, dalkia, service_data
):
    agency = OrganisationFactory(energy_agency=True, communes=["95585"])
    lead, created = create_lead(**service_data, request_type=ADVICE)
    assert created and lead.request_type == ADVICE
    assert lead.eligible and lead.network_id == "9502C"  # the verdict is kept all the same
    assert lead.organisation == agency
    assert "France Rénov’" in lead.events.get().note
