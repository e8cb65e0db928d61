import pytest
from django.core.management import CommandError, call_command

from contacts.models import Lead
from eligibility.models import EligibilityCheck
from stats import queries
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


def test_refuses_a_database_with_real_leads():
    LeadFactory()
    with pytest.raises(CommandError):
        call_command("generate_synthetic_activity", checks=1, leads=1)
