"""Least privilege between organisations: a staff member reaches their organisation's leads and
nothing else, whatever the way in (list, URL, filters, search, autocomplete, exports, inlines)."""

import pytest

from contacts import services
from contacts.models import Lead, LeadEvent, OutgoingEmail
from tests.backoffice.conftest import log_in
from tests.contacts.factories import LeadFactory, UserFactory
from tests.eligibility.factories import PARIS_15, TAVERNY

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/contacts/lead/"


def change_url(lead):
    return f"/admin/contacts/lead/{lead.pk}/change/"


def test_an_operator_lists_its_leads_and_not_another_operators(
    dalkia_client, dalkia_lead, coriance_lead
):
    response = dalkia_client.get(CHANGELIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [dalkia_lead]
    assert "Allée Paul Dukas" in html
    assert "Villiers-le-Bel" not in html
    assert "Coriance" not in html


@pytest.mark.parametrize("suffix", ["change/", "history/", "delete/", "", "traiter/reponse/"])
def test_another_operators_lead_is_not_found_by_its_url(dalkia_client, coriance_lead, suffix):
    response = dalkia_client.get(f"/admin/contacts/lead/{coriance_lead.pk}/{suffix}", follow=True)
    assert response.status_code in {403, 404}
    assert "Dominique" not in response.content.decode()


def test_a_missing_and_a_hidden_lead_answer_alike(dalkia_client, coriance_lead):
    hidden = dalkia_client.get(change_url(coriance_lead))
    missing = dalkia_client.get("/admin/contacts/lead/999999/change/")
    assert hidden.status_code == missing.status_code == 404


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("statut", {"status": "contacted"}),
        ("reponse", {"message": "Bonjour"}),
        ("note", {"note": "Vu"}),
        ("demande-de-reaffectation", {"reason": "Pas chez nous"}),
    ],
)
def test_another_operators_lead_cannot_be_acted_on(
    dalkia_client, coriance_lead, mailoutbox, action, data
):
    response = dalkia_client.post(
        f"/admin/contacts/lead/{coriance_lead.pk}/traiter/{action}/", data
    )
    assert response.status_code == 404
    assert LeadEvent.objects.filter(lead=coriance_lead).count() == 0
    assert mailoutbox == []
    coriance_lead.refresh_from_db()
    assert coriance_lead.status == Lead.Status.NEW


def test_filters_only_offer_the_operators_own_networks(dalkia_client, dalkia_lead, coriance_lead):
    response = dalkia_client.get(CHANGELIST)
    html = response.content.decode()
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert "réseau" in filters
    assert [choice[0] for choice in filters["réseau"].lookup_choices] == ["9502C"]
    assert "organisme destinataire" not in filters
    assert "moderation" not in dict(filters["statut"].lookup_choices)
    assert "9514C" not in html


def test_filtering_by_another_organisation_finds_nothing(dalkia_client, coriance_lead, coriance):
    response = dalkia_client.get(f"{CHANGELIST}?organisation__id__exact={coriance.pk}")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert "Dominique" not in response.content.decode()
    response = dalkia_client.get(f"{CHANGELIST}?reseau=9514C")
    assert list(response.context["cl"].result_list) == []


def test_search_never_finds_another_organisations_lead(dalkia_client, dalkia_lead, coriance_lead):
    assert list(dalkia_client.get(f"{CHANGELIST}?q=Secret").context["cl"].result_list) == []
    assert list(dalkia_client.get(f"{CHANGELIST}?q=Villiers").context["cl"].result_list) == []
    assert list(dalkia_client.get(f"{CHANGELIST}?q=Martin").context["cl"].result_list) == [
        dalkia_lead
    ]


def test_autocomplete_never_offers_another_organisations_lead(
    dalkia_client, dalkia_lead, coriance_lead
):
    response = dalkia_client.get(
        "/admin/autocomplete/",
        {"app_label": "contacts", "model_name": "leadevent", "field_name": "lead", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert ids == {dalkia_lead.pk}


def test_exports_contain_only_the_operators_leads(dalkia_client, dalkia_lead, coriance_lead):
    for fmt in ["csv", "xlsx"]:
        response = dalkia_client.get(f"/admin/contacts/lead/export/{fmt}/")
        assert response.status_code == 200
    csv = dalkia_client.get("/admin/contacts/lead/export/csv/").content.decode("utf-8-sig")
    assert "Camille" in csv and "Dominique" not in csv and "Secret" not in csv
    # The admin action ignores another organisation's ids slipped into the selection.
    response = dalkia_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [dalkia_lead.pk, coriance_lead.pk]},
    )
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "Camille" in body and "Dominique" not in body


def test_leads_held_in_moderation_are_hidden_from_the_organisation(dalkia_client, dalkia):
    held = LeadFactory(organisation=dalkia, moderated=True, last_name="Spammeur")
    assert dalkia_client.get(change_url(held)).status_code == 404
    assert "Spammeur" not in dalkia_client.get(CHANGELIST).content.decode()


def test_staff_without_an_organisation_see_no_lead(client, dalkia_lead, dalkia_user):
    dalkia_user.membership.delete()
    dalkia_user.refresh_from_db()
    client.force_login(dalkia_user)
    assert list(client.get(CHANGELIST).context["cl"].result_list) == []
    assert client.get(change_url(dalkia_lead)).status_code == 404


def test_staff_without_the_groups_permissions_are_refused(client, dalkia_lead, dalkia_user):
    dalkia_user.groups.clear()
    client.force_login(dalkia_user)
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(change_url(dalkia_lead)).status_code == 403


def test_a_user_who_is_not_staff_is_sent_to_the_login(client, dalkia_lead):
    user = UserFactory(username="visiteur", is_staff=False)
    client.force_login(user)
    response = client.get(change_url(dalkia_lead))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/contacts/organisation/",
        "/admin/contacts/outgoingemail/",
        "/admin/admin/logentry/",
        "/admin/auth/user/",
        "/admin/eligibility/heatnetwork/",
    ],
)
def test_operators_do_not_reach_the_national_teams_pages(dalkia_client, url):
    assert dalkia_client.get(url).status_code == 403


def test_an_operator_only_sees_the_emails_sent_to_the_requester_and_to_itself(
    dalkia_client, dalkia_lead
):
    for kind, recipient in [
        (OutgoingEmail.Kind.CONFIRMATION, dalkia_lead.email),
        (OutgoingEmail.Kind.NOTIFICATION, "demandes@dalkia.example.fr"),
        (OutgoingEmail.Kind.NOTIFICATION, "ailleurs@autre-organisme.example.fr"),
    ]:
        OutgoingEmail.objects.create(
            lead=dalkia_lead, kind=kind, recipient=recipient, subject="Objet", body="-"
        )
    html = dalkia_client.get(change_url(dalkia_lead)).content.decode()
    assert "demandes@dalkia.example.fr" in html
    assert "ailleurs@autre-organisme.example.fr" not in html


def test_the_national_team_sees_every_lead(national_client, dalkia_lead, coriance_lead, dalkia):
    moderated = LeadFactory(organisation=dalkia, moderated=True)
    response = national_client.get(CHANGELIST)
    assert set(response.context["cl"].result_list) == {dalkia_lead, coriance_lead, moderated}
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    assert {label for _, label in filters["organisme destinataire"].lookup_choices} == {
        "Dalkia Île-de-France",
        "Coriance Villiers-le-Bel",
    }
    assert national_client.get(change_url(coriance_lead)).status_code == 200


def test_an_agency_sees_the_leads_of_its_territory_only(
    client, agency_user, dalkia, service_kwargs
):
    in_territory, _ = services.create_lead(
        **service_kwargs,
        email="taverny@exemple.fr",
        address_label="Taverny",
        lat=TAVERNY[0],
        lon=TAVERNY[1],
        citycode="95607",
    )
    in_paris, _ = services.create_lead(
        **service_kwargs,
        email="paris@exemple.fr",
        address_label="Rue de Vaugirard 75015 Paris",
        lat=PARIS_15[0],
        lon=PARIS_15[1],
        citycode="75115",
    )
    near_network, _ = services.create_lead(
        **service_kwargs,
        email="sarcelles@exemple.fr",
        address_label="Sarcelles",
        lat=48.974443,
        lon=2.372514,
        citycode="95585",
    )
    assert in_territory.organisation == agency_user.membership.organisation
    assert in_paris.organisation is None and near_network.organisation == dalkia
    log_in(client, agency_user)
    assert list(client.get(CHANGELIST).context["cl"].result_list) == [in_territory]
    assert client.get(change_url(in_paris)).status_code == 404
    assert client.get(change_url(near_network)).status_code == 404


@pytest.fixture
def service_kwargs():
    return {
        "structure": "condominium",
        "first_name": "Exemple",
        "last_name": "Dupont",
        "heating_energy": "gas",
        "heating_type": "collective",
        "consent": True,
    }


def test_the_reassigned_lead_leaves_the_former_operators_reach(
    national_user, dalkia_user, dalkia_lead, coriance, client
):
    services.reassign_lead(
        lead=dalkia_lead, organisation=coriance, actor=national_user, reason="Hors périmètre."
    )
    log_in(client, dalkia_user)
    assert client.get(change_url(dalkia_lead)).status_code == 404
    assert list(client.get(CHANGELIST).context["cl"].result_list) == []
