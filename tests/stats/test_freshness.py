"""The figures a visitor reads are stored, never computed on the hot path once they exist, and
never more than an hour old: older than 30 minutes, a background task computes new ones (the
tests' task backend runs it at once); older than an hour, the request computes them."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from eligibility.models import EligibilityCheck
from stats import queries, tasks
from stats.models import StatisticsSnapshot
from stats.territories import Territory
from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db


def leads_counted(**kwargs):
    return queries.statistics(**kwargs)["since_launch"]["leads"]


def test_the_first_visit_computes_every_territory():
    LeadFactory()
    assert not StatisticsSnapshot.objects.exists()
    assert leads_counted() == 1
    assert StatisticsSnapshot.objects.count() == 120
    assert leads_counted(territory=Territory("departement", "95")) == 1


def test_recent_figures_are_read_without_computing(django_assert_num_queries):
    LeadFactory()
    queries.refresh(timezone.now() - timedelta(minutes=20))
    LeadFactory()
    with django_assert_num_queries(1):
        assert leads_counted() == 1  # the new lead shows at the next refresh


def test_figures_older_than_30_minutes_are_served_and_refreshed_in_the_background():
    LeadFactory()
    before = timezone.now() - timedelta(minutes=40)
    queries.refresh(before)
    LeadFactory()
    served = queries.statistics()
    assert served["computed_at"] == before
    assert served["since_launch"]["leads"] == 1
    # The task ran (immediately in tests): the next visitor reads figures with the new lead.
    fresh = queries.statistics()
    assert fresh["since_launch"]["leads"] == 2
    assert timezone.now() - fresh["computed_at"] < timedelta(minutes=1)


def test_the_background_refresh_is_queued_once(monkeypatch):
    queries.refresh(timezone.now() - timedelta(minutes=40))
    queued = []
    monkeypatch.setattr(
        tasks, "refresh_statistics", SimpleNamespace(enqueue=lambda: queued.append(1))
    )
    for _ in range(3):
        queries.statistics()
    assert queued == [1]


def test_a_failed_enqueue_still_serves_the_figures(monkeypatch):
    def broken():
        raise ConnectionError("queue unavailable")

    LeadFactory()
    queries.refresh(timezone.now() - timedelta(minutes=40))
    monkeypatch.setattr(tasks, "refresh_statistics", SimpleNamespace(enqueue=broken))
    assert leads_counted() == 1
    assert cache.get(queries.REFRESH_QUEUED_KEY) is None  # the next visitor tries again


def test_figures_older_than_one_hour_are_recomputed_in_the_request():
    LeadFactory()
    queries.refresh(timezone.now() - timedelta(minutes=61))
    LeadFactory()
    EligibilityCheck.objects.create(channel="api", code_insee="95585", category="x", eligible=True)
    data = queries.statistics()
    assert data["since_launch"]["leads"] == 2
    assert data["since_launch"]["checks_api"] == 1
    assert timezone.now() - data["computed_at"] < timedelta(minutes=1)


def test_the_refresh_task_skips_figures_another_process_has_just_computed():
    queries.refresh()
    LeadFactory()
    result = tasks.refresh_statistics.enqueue()
    assert result.return_value is False
    assert leads_counted() == 0


def test_the_refresh_command_computes_the_figures_for_cron():
    LeadFactory()
    queries.refresh(timezone.now() - timedelta(minutes=50))
    LeadFactory()
    call_command("refresh_statistics")
    assert leads_counted() == 2
    assert (
        StatisticsSnapshot.objects.filter(
            computed_at__gte=timezone.now() - timedelta(minutes=1)
        ).count()
        == 120
    )


def test_the_refresh_command_can_skip_recent_figures(capsys):
    queries.refresh()
    call_command("refresh_statistics", if_older_than=15)
    assert "déjà à jour" in capsys.readouterr().out
