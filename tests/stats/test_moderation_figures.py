"""Moderation in /stats: a lead rejected as spam is no request, and a moderation decision of the
national team (releasing, rejecting) is no operator's response."""

from datetime import UTC, date, datetime

import pytest

from contacts.models import Lead, LeadEvent
from stats import queries
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
CREATED = datetime(2026, 5, 11, 10, tzinfo=UTC)
DECIDED = datetime(2026, 5, 11, 12, tzinfo=UTC)
MAY = date(2026, 5, 1)


@pytest.fixture
def operator():
    return OrganisationFactory(name="Réseau A")


def decided(lead, to_status):
    """A moderation decision by a member of the national team."""
    LeadEvent.objects.create(
        lead=lead,
        kind=LeadEvent.Kind.STATUS,
        created_at=DECIDED,
        actor=UserFactory(username="equipe.nationale"),
        from_status=Lead.Status.MODERATION,
        to_status=to_status,
    )


def may(figures_key):
    rows = {row["month"]: row for row in queries.statistics(now=NOW)["series"]}
    return rows[MAY][figures_key]


def test_a_lead_rejected_as_spam_is_not_counted_as_a_request(operator):
    spam = LeadFactory(organisation=operator, status=Lead.Status.SPAM, created_at=CREATED)
    decided(spam, Lead.Status.SPAM)
    LeadFactory(organisation=operator, created_at=CREATED)
    figures = queries.statistics(now=NOW)["since_launch"]
    assert figures["leads"] == 1
    assert figures["leads_operator"] == 1
    assert figures["leads_moderation"] == 0


def test_rejecting_as_spam_is_not_an_operators_response(operator):
    spam = LeadFactory(organisation=operator, status=Lead.Status.SPAM, created_at=CREATED)
    decided(spam, Lead.Status.SPAM)
    LeadFactory(organisation=operator, created_at=CREATED)  # a genuine one, not answered yet
    assert may("leads_responded") == 0
    assert queries.statistics(now=NOW)["since_launch"]["median_response_hours"] is None


def test_releasing_a_lead_from_moderation_is_not_an_operators_response(operator):
    released = LeadFactory(organisation=operator, status=Lead.Status.NEW, created_at=CREATED)
    decided(released, Lead.Status.NEW)
    figures = queries.statistics(now=NOW)["since_launch"]
    assert figures["leads_operator"] == 1
    assert figures["leads_responded"] == 0
    assert figures["median_response_hours"] is None


def test_the_operators_first_status_change_after_the_release_is_its_response(operator):
    released = LeadFactory(organisation=operator, status=Lead.Status.CONTACTED, created_at=CREATED)
    decided(released, Lead.Status.NEW)
    LeadEvent.objects.create(
        lead=released,
        kind=LeadEvent.Kind.STATUS,
        created_at=datetime(2026, 5, 12, 10, tzinfo=UTC),
        actor=UserFactory(username="gestionnaire.a"),
        from_status=Lead.Status.NEW,
        to_status=Lead.Status.CONTACTED,
    )
    figures = queries.statistics(now=NOW)["since_launch"]
    assert figures["leads_responded"] == 1
    assert figures["median_response_hours"] == 24.0  # from the creation, not the release (2 h)
