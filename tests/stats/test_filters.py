"""Figures of a région or a département: every series whose records carry a commune is filtered,
downloads are national only, and the small-count rule still holds under a filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import LeadEvent
from eligibility.models import EligibilityCheck
from library.models import DocumentDownload
from stats import queries
from stats.territories import FRANCE, Territory
from tests.ambassadors.factories import AmbassadorFactory
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
VAL_D_OISE = Territory("departement", "95")
ILE_DE_FRANCE = Territory("region", "11")
BRETAGNE = Territory("region", "53")
ILLE_ET_VILAINE = Territory("departement", "35")
REUNION = Territory("departement", "974")
CORSE_DU_SUD = Territory("departement", "2A")
# Real INSEE codes: Sarcelles, Paris, Rennes, Ajaccio, Saint-Denis (La Réunion).
SARCELLES, PARIS, RENNES, AJACCIO, SAINT_DENIS_REUNION = "95585", "75056", "35238", "2A004", "97411"


def lead_in(code_insee, **kwargs):
    return LeadFactory(code_insee=code_insee, location=None, **kwargs)


def reply(lead, staff, hours):
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.REPLY,
        actor=staff,
        created_at=lead.created_at + timedelta(hours=hours),
    )


@pytest.fixture
def activity():
    for code, eligible in [
        (SARCELLES, True),
        (SARCELLES, False),
        (PARIS, True),
        (RENNES, True),
        (AJACCIO, False),
        (SAINT_DENIS_REUNION, True),
        ("", False),  # no commune: France only
    ]:
        EligibilityCheck.objects.create(
            channel="web", code_insee=code, category="x", eligible=eligible
        )
    operator = OrganisationFactory(name="Réseau A")
    lead_in(SARCELLES, organisation=operator, status="voted", dwellings=40)
    lead_in(RENNES, organisation=None)
    lead_in(
        SAINT_DENIS_REUNION,
        organisation=operator,
        followup_contacted=True,
        followup_answered_at=timezone.now(),
    )
    AmbassadorFactory(published_at=timezone.now())  # Sarcelles
    DocumentDownload.objects.create()


def figures(territory):
    return queries.statistics(territory=territory)["since_launch"]


def test_each_territory_counts_the_records_of_its_communes(activity):
    assert figures(FRANCE)["checks"] == 7
    assert figures(ILE_DE_FRANCE)["checks"] == 3
    assert figures(VAL_D_OISE)["checks"] == 2
    assert figures(VAL_D_OISE)["checks_eligible"] == 1
    assert figures(VAL_D_OISE)["eligible_share"] == 50.0
    assert figures(BRETAGNE)["checks"] == 1
    assert figures(CORSE_DU_SUD)["checks"] == 1
    assert figures(REUNION)["checks"] == 1
    assert figures(Territory("departement", "13"))["checks"] == 0


def test_leads_projects_followups_and_ambassadors_are_filtered(activity):
    val_d_oise = figures(VAL_D_OISE)
    assert val_d_oise["leads"] == 1
    assert val_d_oise["leads_operator"] == 1
    assert val_d_oise["projects"][0] == {"stage": "Voté en AG", "projects": 1, "dwellings": 40}
    assert val_d_oise["ambassadors_published"] == 1
    assert val_d_oise["followup_yes"] == 0
    bretagne = figures(BRETAGNE)
    assert (bretagne["leads"], bretagne["leads_national"], bretagne["leads_operator"]) == (1, 1, 0)
    assert bretagne["ambassadors_published"] == 0
    assert figures(REUNION)["followup_yes"] == 1
    assert figures(FRANCE)["leads"] == 3


def test_downloads_are_national_only(activity):
    national = queries.statistics(territory=FRANCE)
    assert national["since_launch"]["downloads"] == 1
    assert national["series"][-1]["downloads"] == 1
    filtered = queries.statistics(territory=VAL_D_OISE)
    assert filtered["national_only"] == ["downloads"]
    assert filtered["since_launch"]["downloads"] is None
    assert all(row["downloads"] is None for row in filtered["series"])
    assert filtered["national_figures"]["since_launch"]["downloads"] == 1
    assert filtered["territory"] == {
        "type": "departement",
        "code": "95",
        "name": "Val-d'Oise",
        "region": {"code": "11", "name": "Île-de-France"},
    }


def test_a_territory_without_activity_has_the_current_month_with_zeros(activity):
    series = queries.statistics(territory=Territory("region", "06"))["series"]
    assert len(series) == 1
    assert series[0]["checks"] == series[0]["leads"] == 0


def test_under_a_filter_an_operator_is_shown_only_when_no_difference_isolates_few_leads():
    staff = UserFactory()
    spread = OrganisationFactory(name="Réseau réparti")  # 12 in Val-d'Oise, 3 in Ille-et-Vilaine
    for lead in [lead_in(SARCELLES, organisation=spread) for _ in range(12)][:6]:
        reply(lead, staff, 2)
    for _ in range(3):
        lead_in(RENNES, organisation=spread)
    balanced = OrganisationFactory(name="Réseau équilibré")  # 10 and 10
    for _ in range(10):
        lead_in(SARCELLES, organisation=balanced)
        lead_in(RENNES, organisation=balanced)

    def names(territory):
        return [row["organisation"] for row in queries.statistics(territory=territory)["operators"]]

    assert names(FRANCE) == ["Réseau réparti", "Réseau équilibré"]
    # Val-d'Oise would show 12 leads of "Réseau réparti": France minus Val-d'Oise would then
    # single out the 3 requests of Ille-et-Vilaine.
    assert names(VAL_D_OISE) == ["Réseau équilibré"]
    assert names(ILE_DE_FRANCE) == ["Réseau équilibré"]
    assert names(ILLE_ET_VILAINE) == ["Réseau équilibré"]
    assert names(Territory("departement", "75")) == []
    national = queries.statistics(territory=FRANCE)["operators"][0]
    assert national == {
        "organisation": "Réseau réparti",
        "leads": 15,
        "responded": 6,
        "response_rate": 40.0,
    }


def test_under_a_filter_the_median_needs_at_least_10_responses():
    staff = UserFactory()
    operator = OrganisationFactory()
    for hours in [1, 2, 3, 4, 5, 6, 7, 8, 9]:
        reply(lead_in(SARCELLES, organisation=operator), staff, hours)
    assert figures(FRANCE)["median_response_hours"] == 5.0
    assert figures(VAL_D_OISE)["median_response_hours"] is None
    queries.forget()
    reply(lead_in(SARCELLES, organisation=operator), staff, 10)
    assert figures(VAL_D_OISE)["median_response_hours"] == 5.5
    assert figures(BRETAGNE)["median_response_hours"] is None
