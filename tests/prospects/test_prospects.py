"""Prospect lists (journey 7): collectively heated condominiums not yet connected, near an
operator's networks or in an agency's territory, each organisation seeing only its own."""

from datetime import date

import pytest
from django.urls import reverse

from contacts import prospects
from contacts.models import Organisation
from tests.contacts.factories import (
    LeadFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.eligibility.factories import PARIS_15, SARCELLES, AddressFactory, offset, point
from tests.prospects.conftest import log_in, near_sarcelles
from tests.prospects.factories import CondominiumFactory

pytestmark = pytest.mark.django_db

URL = reverse("prospects:list")


def names(matches_or_rows):
    return [row.condominium.name for row in matches_or_rows]


def search(organisation, user, **filters):
    scope = prospects.scope_for(organisation)
    return prospects.load(prospects.find(scope, prospects.Filters(**filters)), user=user)


def test_a_condominium_150_m_from_the_route_is_in_at_200_m_and_out_at_100_m(dalkia, dalkia_user):
    near_sarcelles(150, name="Les Mouettes")

    inside = search(dalkia, dalkia_user, radius=200)
    outside = search(dalkia, dalkia_user, radius=100)

    assert names(inside) == ["Les Mouettes"]
    assert inside[0].distance_m == pytest.approx(150, abs=1)
    assert inside[0].network.id == "9502C"
    assert outside == []


def test_prospects_are_sorted_by_distance(dalkia, dalkia_user):
    near_sarcelles(180, name="Loin")
    near_sarcelles(60, name="Près")
    near_sarcelles(120, name="Entre les deux")

    rows = search(dalkia, dalkia_user)

    assert names(rows) == ["Près", "Entre les deux", "Loin"]
    assert [row.distance_m for row in rows] == [
        pytest.approx(60, abs=1),
        pytest.approx(120, abs=1),
        pytest.approx(180, abs=1),
    ]


def test_connected_and_individually_heated_condominiums_are_left_out(dalkia, dalkia_user):
    near_sarcelles(60, name="Chauffage collectif")
    near_sarcelles(70, name="Chauffage mixte", type_chauffage="mixte")
    near_sarcelles(60, name="Déjà raccordée", connected=True)
    near_sarcelles(60, name="Chauffage individuel", individual=True)

    assert names(search(dalkia, dalkia_user)) == ["Chauffage collectif", "Chauffage mixte"]


def test_energy_and_minimum_dwellings_filter_the_list(dalkia, dalkia_user):
    near_sarcelles(60, name="Gaz, 48 logements")
    near_sarcelles(70, name="Fioul, 48 logements", oil=True)
    near_sarcelles(80, name="Fioul, 12 logements", oil=True, nb_lot_habitation=12)

    rows = search(dalkia, dalkia_user, energy="fioul_domestique", min_dwellings=20)

    assert names(rows) == ["Fioul, 48 logements"]


def test_each_condominium_is_listed_once_with_the_nearest_of_the_organisations_networks(
    dalkia, dalkia_user, villiers_network
):
    dalkia.networks.add(villiers_network)
    near_sarcelles(90, name="Les Mouettes")

    rows = search(dalkia, dalkia_user, radius=1000)

    assert names(rows) == ["Les Mouettes"]
    assert rows[0].network.id == "9502C"


def test_an_operator_sees_only_its_own_networks_prospects(
    dalkia_client, coriance, villiers_condominium
):
    near_sarcelles(100, name="Les Mouettes")

    response = dalkia_client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Les Mouettes" in content
    assert "Résidence Sedar Senghor" not in content
    assert "9514C" not in content


def test_another_organisations_network_or_organisation_in_the_query_is_a_404(
    dalkia_client, coriance, villiers_condominium
):
    assert dalkia_client.get(URL, {"reseau": "9514C"}).status_code == 404
    assert dalkia_client.get(URL, {"reseau": "inconnu"}).status_code == 404
    assert dalkia_client.get(URL, {"organisme": coriance.pk}).status_code == 404
    export = reverse("prospects:export", args=["csv"])
    assert dalkia_client.get(export, {"reseau": "9514C"}).status_code == 404
    assert dalkia_client.get(export, {"organisme": coriance.pk}).status_code == 404
    assert dalkia_client.get(URL, {"reseau": "9502C"}).status_code == 200


def test_a_staff_member_of_no_organisation_sees_nothing(client, dalkia):
    near_sarcelles(100, name="Les Mouettes")
    client.force_login(UserFactory(username="sans.organisme"))

    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "rattaché à aucun organisme" in content
    assert "Les Mouettes" not in content
    assert client.get(URL, {"organisme": dalkia.pk}).status_code == 404
    assert client.get(reverse("prospects:export", args=["csv"])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_national_team_picks_any_organisation(national_client, coriance, villiers_condominium):
    near_sarcelles(100, name="Les Mouettes")

    without_choice = national_client.get(URL)
    response = national_client.get(URL, {"organisme": coriance.pk})

    assert "Choisissez l’organisme" in without_choice.content.decode()
    assert "Résidence Sedar Senghor" not in without_choice.content.decode()
    content = response.content.decode()
    assert "Résidence Sedar Senghor" in content
    assert "Les Mouettes" not in content
    assert national_client.get(URL, {"organisme": 999999}).status_code == 404


def test_an_energy_agency_sees_its_territory_with_the_nearest_network(
    agency, agency_user, sarcelles_network
):
    near_sarcelles(150, name="À Sarcelles")
    CondominiumFactory(name="Loin de tout", code_insee="95607", location=point((49.0265, 2.2195)))
    CondominiumFactory(name="À Paris", code_insee="75115", location=point(PARIS_15))

    rows = search(agency, agency_user, radius=None)

    assert names(rows) == ["À Sarcelles", "Loin de tout"]
    assert rows[0].network.id == "9502C"
    assert rows[0].distance_m == pytest.approx(150, abs=1)
    assert rows[1].network is None and rows[1].distance_m is None
    assert names(search(agency, agency_user, radius=200)) == ["À Sarcelles"]


def test_a_local_authority_sees_only_its_communes(agency_user, villiers_condominium):
    near_sarcelles(150, name="À Sarcelles")
    villiers = OrganisationFactory(
        name="Ville de Villiers-le-Bel", local_authority=True, communes=["95680"]
    )

    assert names(search(villiers, agency_user, radius=None)) == ["Résidence Sedar Senghor"]


def test_a_territory_without_communes_or_departements_sees_nothing(agency_user):
    near_sarcelles(150, name="À Sarcelles")
    empty = OrganisationFactory(name="Collectivité sans territoire", local_authority=True)

    assert search(empty, agency_user, radius=None) == []


def test_the_leads_boiler_age_and_general_assembly_date_enrich_the_prospect(
    dalkia, dalkia_client, dalkia_user
):
    CondominiumFactory(name="Résidence Paul Dukas", location=point(SARCELLES))
    lead = LeadFactory(
        organisation=dalkia, boiler_age_years=23, general_assembly_date=date(2027, 3, 18)
    )

    (row,) = search(dalkia, dalkia_user)
    content = dalkia_client.get(URL).content.decode()

    assert row.lead == lead
    assert "Chaudière : 23 ans" in content
    assert "18 mars 2027" in content


def test_a_lead_the_user_may_not_see_does_not_enrich_the_prospect(dalkia, dalkia_user, coriance):
    CondominiumFactory(name="Résidence Paul Dukas", location=point(SARCELLES))
    LeadFactory(organisation=coriance, boiler_age_years=23)
    LeadFactory(organisation=dalkia, moderated=True, boiler_age_years=31)

    (row,) = search(dalkia, dalkia_user)

    assert row.lead is None


def test_a_lead_of_another_building_does_not_enrich_the_prospect(dalkia, dalkia_user):
    near_sarcelles(108, name="À 60 m de la demande")  # 60 m west of the lead's address
    LeadFactory(organisation=dalkia, boiler_age_years=23)

    (row,) = search(dalkia, dalkia_user)

    assert row.condominium.name == "À 60 m de la demande"
    assert row.lead is None


def test_a_lead_at_the_condominiums_ban_address_enriches_it_even_40_m_away(dalkia, dalkia_user):
    # The register places the condominium 40 m west of its BAN address (15 allée Paul Dukas),
    # where the lead was geocoded.
    AddressFactory()
    near_sarcelles(88, name="Résidence Paul Dukas")
    lead = LeadFactory(organisation=dalkia, address_label="15 Allée Paul Dukas 95200 Sarcelles")
    LeadFactory(
        organisation=dalkia,
        address_label="17 Allée Paul Dukas 95200 Sarcelles",
        location=point(offset(SARCELLES, metres=35, bearing=0)),
    )

    (row,) = search(dalkia, dalkia_user)

    assert row.lead == lead


def test_an_invalid_filter_gets_a_french_message_not_an_error(dalkia_client):
    near_sarcelles(100, name="Les Mouettes")

    response = dalkia_client.get(URL, {"logements_min": "beaucoup", "distance": "30"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Indiquez un nombre entier de logements" in content
    assert "Sélectionnez un choix valide" in content
    assert "Les Mouettes" not in content


def test_the_list_is_paginated(dalkia_client):
    for index in range(55):
        near_sarcelles(60 + index, name=f"Copropriété {index:02d}")

    first = dalkia_client.get(URL).content.decode()
    second = dalkia_client.get(URL, {"page": 2}).content.decode()

    assert "55 copropriétés" in first
    assert "Copropriété 00" in first and "Copropriété 54" not in first
    assert "Copropriété 54" in second and "Copropriété 00" not in second


def test_the_map_receives_the_points_as_lat_lon(dalkia_client):
    near_sarcelles(100, name="Les Mouettes")

    response = dalkia_client.get(URL)

    data = response.context["map_data"]
    (point_data,) = data["points"]
    assert point_data["name"] == "Les Mouettes"
    assert point_data["lat"] == pytest.approx(SARCELLES[0], abs=0.001)
    assert point_data["lon"] == pytest.approx(SARCELLES[1], abs=0.01)
    assert data["routes"][0]["label"].startswith("9502C")
    assert 'id="donnees-prospects"' in response.content.decode()


def test_an_operator_without_routed_networks_is_told_so(client):
    operator = OrganisationFactory(name="Gestionnaire sans tracé", kind=Organisation.Kind.OPERATOR)
    user = UserFactory(username="gestionnaire.sans.trace")
    MembershipFactory(user=user, organisation=operator)
    client.force_login(user)

    assert "Aucun réseau avec un tracé" in client.get(URL).content.decode()


def test_the_agencys_page_shows_its_whole_territory_by_default(
    client, agency_user, sarcelles_network
):
    near_sarcelles(150, name="À Sarcelles")
    CondominiumFactory(name="Loin de tout", code_insee="95607", location=point((49.0265, 2.2195)))
    log_in(client, agency_user)

    response = client.get(URL)

    content = response.content.decode()
    assert response.status_code == 200
    assert '<option value="tout" selected>Tout le territoire</option>' in content
    assert "À Sarcelles" in content and "Loin de tout" in content
    assert "aucun à moins de 1&nbsp;000&nbsp;m" in content
    assert client.get(URL, {"reseau": "9502C"}).status_code == 404
