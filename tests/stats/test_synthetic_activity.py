import pytest
from django.core.management import CommandError, call_command

from contacts.models import Lead
from eligibility.models import EligibilityCheck
from stats import queries
from stats.territories import Territory
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


def test_generates_activity_the_statistics_count():
    call_command("generate_synthetic_activity", checks=500, leads=120, months=6, operators=3)
    assert EligibilityCheck.objects.count() == 500
    assert Lead.objects.count() == 120
    figures = queries.statistics()["since_launch"]
    assert figures["checks"] == 500
    assert figures["leads"] == 120
    assert figures["checks_web"] + figures["checks_api"] + figures["checks_bulk"] == 500


def test_synthetic_activity_is_spread_over_regions_and_departements():
    call_command("generate_synthetic_activity", checks=500, leads=120, months=6, operators=3)
    by_territory = {
        code: queries.statistics(territory=Territory(kind, code))["since_launch"]
        for kind, code in [("region", "11"), ("departement", "2A"), ("departement", "974")]
    }
    assert all(figures["checks"] > 0 for figures in by_territory.values())
    assert by_territory["11"]["leads"] > 0
    assert sum(figures["checks"] for figures in by_territory.values()) < 500


def test_refuses_a_database_with_real_leads():
    LeadFactory()
    with pytest.raises(CommandError):
        call_command("generate_synthetic_activity", checks=1, leads=1)
