"""Each figure of /stats against hand-computed expectations on a small fixture.

`now` is 15 June 2026 (Paris): the last 12 months are July 2025 to June 2026."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ambassadors.models import Ambassador
from contacts.models import Lead, LeadEvent, Organisation
from eligibility.models import EligibilityCheck
from library.models import DocumentDownload
from stats import queries
from tests.ambassadors.factories import AmbassadorFactory
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def check(moment, channel, eligible):
    made = EligibilityCheck.objects.create(
        channel=channel, code_insee="95585", category="x", eligible=eligible
    )
    EligibilityCheck.objects.filter(pk=made.pk).update(created_at=moment)  # auto_now_add


def event(lead, kind, moment, *, actor=None, to_status=""):
    LeadEvent.objects.create(
        lead=lead, kind=kind, created_at=moment, actor=actor, to_status=to_status
    )


@pytest.fixture
def activity():
    staff = UserFactory()
    operator = OrganisationFactory(name="Réseau A")
    agency = OrganisationFactory(energy_agency=True)
    web, api, bulk = EligibilityCheck.Channel
    check(utc(2026, 1, 10, 10), web, True)
    check(utc(2026, 1, 31, 23, 30), api, False)  # 1 February 00:30 in Paris
    check(utc(2026, 3, 5, 10), bulk, True)

    l1 = LeadFactory(
        organisation=operator,
        created_at=utc(2026, 1, 15, 10),
        status=Lead.Status.CONTACTED,
        followup_contacted=True,
        followup_answered_at=utc(2026, 2, 20, 10),
    )
    event(l1, LeadEvent.Kind.CREATED, utc(2026, 1, 15, 10))
    event(l1, LeadEvent.Kind.STATUS, utc(2026, 1, 15, 12), actor=staff, to_status="contacted")
    l2 = LeadFactory(
        organisation=operator, created_at=utc(2026, 3, 1, 10), status="voted", dwellings=30
    )
    event(l2, LeadEvent.Kind.STATUS, utc(2026, 3, 1, 16), actor=staff, to_status="voted")
    event(l2, LeadEvent.Kind.REPLY, utc(2026, 3, 1, 20), actor=staff)
    l3 = LeadFactory(
        organisation=operator,
        created_at=utc(2026, 3, 2, 10),
        followup_contacted=False,
        followup_answered_at=utc(2026, 3, 31, 10),
    )
    event(l3, LeadEvent.Kind.CREATED, utc(2026, 3, 2, 10))
    event(l3, LeadEvent.Kind.STATUS, utc(2026, 3, 3, 10))  # by the service: not a response
    LeadFactory(organisation=agency, created_at=utc(2026, 3, 3, 10))
    LeadFactory(organisation=None, created_at=utc(2026, 5, 10, 10))
    LeadFactory(organisation=operator, moderated=True, created_at=utc(2026, 5, 11, 10))
    l7 = LeadFactory(
        organisation=operator, created_at=utc(2025, 5, 1, 10), status="done", dwellings=100
    )
    event(l7, LeadEvent.Kind.STATUS, utc(2025, 6, 1, 10), actor=staff, to_status="done")

    DocumentDownload.objects.create(downloaded_on=date(2026, 3, 5))
    DocumentDownload.objects.create(downloaded_on=date(2026, 3, 31))
    AmbassadorFactory(published_at=utc(2026, 5, 2, 10))


def by_month(series):
    return {row["month"]: row for row in series}


def test_monthly_series(activity):
    series = queries.statistics(now=NOW)["series"]
    months = [row["month"] for row in series]
    assert months[0] == date(2025, 5, 1)
    assert months[-1] == date(2026, 6, 1)
    assert len(months) == 14
    rows = by_month(series)
    assert rows[date(2026, 1, 1)]["checks"] == 1
    assert rows[date(2026, 1, 1)]["checks_web"] == 1
    assert rows[date(2026, 1, 1)]["checks_eligible"] == 1
    # 31 January 23:30 UTC is February in Paris.
    assert rows[date(2026, 2, 1)]["checks"] == 1
    assert rows[date(2026, 2, 1)]["checks_api"] == 1
    assert rows[date(2026, 2, 1)]["checks_eligible"] == 0
    assert rows[date(2026, 3, 1)]["checks_bulk"] == 1
    assert rows[date(2026, 3, 1)]["leads"] == 3
    assert rows[date(2026, 3, 1)]["leads_operator"] == 2
    assert rows[date(2026, 3, 1)]["leads_agency"] == 1
    assert rows[date(2026, 3, 1)]["leads_responded"] == 1
    assert rows[date(2026, 3, 1)]["projects_voted"] == 1
    assert rows[date(2026, 3, 1)]["followup_no"] == 1
    assert rows[date(2026, 3, 1)]["downloads"] == 2
    assert rows[date(2026, 2, 1)]["followup_yes"] == 1
    assert rows[date(2026, 5, 1)]["leads_national"] == 1
    assert rows[date(2026, 5, 1)]["leads_moderation"] == 1
    assert rows[date(2026, 5, 1)]["leads_operator"] == 0
    assert rows[date(2026, 5, 1)]["ambassadors_published"] == 1
    assert rows[date(2025, 6, 1)]["projects_done"] == 1
    # A month without activity is there, with zeros.
    assert all(value == 0 for key, value in rows[date(2026, 4, 1)].items() if key != "month")
    assert all(value == 0 for key, value in rows[date(2025, 8, 1)].items() if key != "month")


def test_key_figures_since_launch(activity):
    figures = queries.statistics(now=NOW)["since_launch"]
    assert figures["checks"] == 3
    assert (figures["checks_web"], figures["checks_api"], figures["checks_bulk"]) == (1, 1, 1)
    assert figures["eligible_share"] == 66.7
    assert figures["leads"] == 7
    assert figures["leads_operator"] == 4
    assert figures["leads_agency"] == 1
    assert figures["leads_national"] == 1
    assert figures["leads_moderation"] == 1
    assert figures["operator_share"] == 57.1
    assert figures["leads_responded"] == 3
    assert figures["response_rate"] == 75.0
    assert figures["median_response_hours"] == 6.0  # of 2 h, 6 h and 744 h
    assert figures["followup_yes"] == 1
    assert figures["followup_no"] == 1
    assert figures["downloads"] == 2
    assert figures["ambassadors_published"] == 1
    assert figures["projects"] == [
        {"stage": "Voté en AG", "projects": 1, "dwellings": 30},
        {"stage": "Travaux en cours", "projects": 0, "dwellings": 0},
        {"stage": "Réalisé", "projects": 1, "dwellings": 100},
    ]


def test_key_figures_of_the_last_12_months(activity):
    figures = queries.statistics(now=NOW)["last_12_months"]
    assert figures["leads"] == 6
    assert figures["leads_operator"] == 3
    assert figures["leads_responded"] == 2
    assert figures["response_rate"] == 66.7
    assert figures["median_response_hours"] == 4.0  # of 2 h and 6 h
    assert figures["projects_done"] == 0
    assert figures["projects"][2] == {"stage": "Réalisé", "projects": 0, "dwellings": 0}


def test_no_activity_at_all():
    data = queries.statistics(now=NOW)
    assert [row["month"] for row in data["series"]] == [date(2026, 6, 1)]
    assert data["since_launch"]["checks"] == 0
    assert data["since_launch"]["eligible_share"] is None
    assert data["since_launch"]["median_response_hours"] is None
    assert data["operators"] == []


def test_small_count_rule_hides_an_operator_with_9_leads_and_shows_one_with_10():
    staff = UserFactory()
    small = OrganisationFactory(name="Petit réseau")
    big = OrganisationFactory(name="Grand réseau")
    LeadFactory.create_batch(9, organisation=small)
    leads = LeadFactory.create_batch(10, organisation=big)
    for lead in leads[:4]:
        event(lead, LeadEvent.Kind.REPLY, lead.created_at + timedelta(hours=1), actor=staff)
    assert queries.MIN_LEADS_FOR_OPERATOR_FIGURES == 10
    assert queries.statistics()["operators"] == [
        {"organisation": "Grand réseau", "leads": 10, "responded": 4, "response_rate": 40.0}
    ]


def test_agencies_have_no_operator_figures():
    LeadFactory.create_batch(10, organisation=OrganisationFactory(local_authority=True))
    assert Organisation.objects.count() == 1
    assert queries.statistics()["operators"] == []


def test_figures_are_stored_and_read_back_in_one_query(activity, django_assert_num_queries):
    computed = queries.statistics(now=NOW)
    with django_assert_num_queries(1):
        again = queries.statistics(now=NOW)
    assert again == computed
    assert again["computed_at"] == NOW
    assert Ambassador.objects.exists()
