"""Tests recorded for /stats (eligibility/recording.py): each one counted, with its commune and
never the coordinates, in the request or in batches."""

import time

import pytest

from eligibility import recording
from eligibility.models import EligibilityCheck
from eligibility.rules import evaluate
from tests.eligibility.factories import (
    PARIS_15,
    SARCELLES,
    AddressFactory,
    HeatNetworkFactory,
    route_east_of,
)


@pytest.mark.django_db
def test_a_test_by_coordinates_is_counted_in_the_commune_of_the_nearest_address(client):
    AddressFactory()
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    response = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    assert response.status_code == 200
    record = EligibilityCheck.objects.get()
    assert (record.channel, record.code_insee, record.category, record.distance_m) == (
        "api", "95585", "existing_very_close", 48
    )  # fmt: skip


@pytest.mark.django_db
def test_a_test_far_from_any_address_is_counted_without_commune():
    AddressFactory()
    verdict = evaluate(lat=PARIS_15[0], lon=PARIS_15[1])
    recording.record(verdict, channel="api", lat=PARIS_15[0], lon=PARIS_15[1])
    assert EligibilityCheck.objects.get().code_insee == ""


@pytest.mark.django_db(transaction=True)
def test_batched_tests_are_written_by_the_background_thread(settings):
    settings.ELIGIBILITY_RECORD_DELAY_SECONDS = 0.2
    AddressFactory()
    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    for _ in range(3):
        recording.record(verdict, channel="web", lat=SARCELLES[0], lon=SARCELLES[1])
    recording.record(verdict, channel="api")  # no coordinates: no commune
    assert EligibilityCheck.objects.count() < 4  # not in the request
    deadline = time.monotonic() + 10
    while EligibilityCheck.objects.count() < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    codes = sorted(EligibilityCheck.objects.values_list("channel", "code_insee"))
    assert codes == [("api", ""), ("web", "95585"), ("web", "95585"), ("web", "95585")]


@pytest.fixture
def written_hourly(settings):
    """Batches written every hour: only flush() writes them during the test."""
    settings.ELIGIBILITY_RECORD_DELAY_SECONDS = 3600
    time.sleep(1.1)  # the thread of a shorter delay, if any, takes the new one


@pytest.mark.django_db(transaction=True)
def test_flush_writes_what_waits_at_once(written_hourly):
    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    recording.record(verdict, channel="api", lat=SARCELLES[0], lon=SARCELLES[1])
    recording.record(verdict, channel="api", lat=SARCELLES[0], lon=SARCELLES[1])
    assert EligibilityCheck.objects.count() == 0
    assert recording.flush() == 2
    assert EligibilityCheck.objects.count() == 2
    assert recording.flush() == 0


@pytest.mark.django_db(transaction=True)
def test_tests_that_could_not_be_written_are_kept_and_written_later(written_hourly):
    from django.db import connection

    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    recording.record(verdict, channel="api", lat=SARCELLES[0], lon=SARCELLES[1])
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE eligibility_eligibilitycheck RENAME TO unavailable")
    try:
        assert recording.flush() == 0  # the write fails: nothing lost
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE unavailable RENAME TO eligibility_eligibilitycheck")
    recording.record(verdict, channel="web", lat=SARCELLES[0], lon=SARCELLES[1])
    assert recording.flush() == 2
    assert sorted(EligibilityCheck.objects.values_list("channel", flat=True)) == ["api", "web"]
