"""/stats counts contact requests by what was asked, by the requester's role and by how soon the
boiler is to be replaced: monthly series in the exports, tables on the page, no personal data."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from contacts.models import Lead
from stats import queries
from stats.models import StatisticsSnapshot
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
MARCH = date(2026, 3, 1)


@pytest.fixture
def requests():
    def lead(
        request_type, role="", replacement=None, created=datetime(2026, 3, 10, 10, tzinfo=UTC)
    ):
        return LeadFactory(
            request_type=request_type,
            requester_role=role,
            boiler_replacement_date=replacement,
            created_at=created,
        )

    quote, appointment, advice = Lead.RequestType
    lead(quote, Lead.Role.COUNCIL_MEMBER, date(2026, 3, 1))  # this month: within 12 months
    lead(quote, Lead.Role.COUNCIL_MEMBER, date(2025, 9, 1))  # overdue: within 12 months
    lead(appointment, Lead.Role.SYNDIC_PROFESSIONAL, date(2027, 2, 1))  # 11 months
    lead(advice, Lead.Role.CO_OWNER, date(2027, 3, 1))  # 12 months: 1 to 3 years
    lead(advice, "", date(2029, 2, 1))  # 35 months: 1 to 3 years
    lead(advice, "", date(2029, 3, 1))  # 36 months: 3 years or more
    lead(quote)  # no role, no date
    lead(appointment, created=datetime(2026, 5, 31, 23, 30, tzinfo=UTC))  # June in Paris


def test_requests_are_counted_by_type_month_by_month(requests):
    rows = {row["month"]: row for row in queries.statistics(now=NOW)["series"]}
    march = rows[MARCH]
    assert (march["leads_quote"], march["leads_appointment"], march["leads_advice"]) == (3, 1, 3)
    assert rows[date(2026, 6, 1)]["leads_appointment"] == 1
    assert rows[date(2026, 5, 1)]["leads_appointment"] == 0


def test_requests_are_counted_by_role(requests):
    march = {row["month"]: row for row in queries.statistics(now=NOW)["series"]}[MARCH]
    assert march["leads_role_council_member"] == 2
    assert march["leads_role_syndic_professional"] == 1
    assert march["leads_role_co_owner"] == 1
    assert march["leads_role_social_landlord"] == 0


def test_requests_are_counted_by_months_from_the_request_to_the_boiler_replacement(requests):
    march = {row["month"]: row for row in queries.statistics(now=NOW)["series"]}[MARCH]
    assert march["leads_replacement_within_1y"] == 3
    assert march["leads_replacement_1_to_3y"] == 2
    assert march["leads_replacement_beyond_3y"] == 1


def test_the_page_shows_the_tables_with_the_leads_without_a_role_or_a_date(client, requests):
    html = client.get(reverse("stats:index")).content.decode()
    assert "<caption>Demandes de contact par objet</caption>" in html
    assert '<th scope="row">Conseil France Rénov’</th><td>3</td>' in html
    assert '<th scope="row">Membre du conseil syndical</th><td>2</td>' in html
    unknown_role = '<th scope="row">Non demandé (maison individuelle) ou non renseigné</th>'
    assert f"{unknown_role}<td>4</td>" in html
    assert '<th scope="row">Dans 3 ans ou plus</th><td>1</td>' in html
    assert '<th scope="row">Date non indiquée</th><td>2</td>' in html


def test_the_exports_have_the_new_series(client, requests):
    rows = list(csv.reader(io.StringIO(client.get("/stats.csv").content.decode())))
    header = rows[0]
    assert header[-14:] == [
        "leads_quote",
        "leads_appointment",
        "leads_advice",
        "leads_role_council_member",
        "leads_role_co_owner",
        "leads_role_syndic_professional",
        "leads_role_syndic_volunteer",
        "leads_role_social_landlord",
        "leads_role_tertiary_manager",
        "leads_role_design_office",
        "leads_role_other",
        "leads_replacement_within_1y",
        "leads_replacement_1_to_3y",
        "leads_replacement_beyond_3y",
    ]
    data = client.get("/stats.json").json()
    assert data["fields"]["leads_advice"] == "Demandes de conseils France Rénov’"
    assert sum(row["leads_advice"] for row in data["series"]) == 3


def test_figures_stored_before_the_new_series_are_computed_again(requests):
    queries.refresh(NOW)
    snapshot = StatisticsSnapshot.objects.get(territory="france")
    del snapshot.data["since_launch"]["leads_advice"]
    snapshot.save()
    figures = queries.statistics(now=NOW)["since_launch"]
    assert figures["leads_advice"] == 3
