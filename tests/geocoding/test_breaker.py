"""The national address API that hangs: one call never outlives its deadline, and after a few
failures the process stops asking it for a while (circuit breaker), so that the pages, the API
and /healthz keep answering at once."""

import pytest

from eligibility import geocoding
from eligibility.geocoding import GeocoderError
from tests.geocoding.fake_ban import Answer, canned

pytestmark = pytest.mark.real_geocoder

QUERY = "15 allée Paul Dukas Sarcelles"
GOOD = "search-15-allee-paul-dukas-sarcelles.json"


@pytest.fixture
def opens_after_one_failure(settings):
    settings.GEOCODER_RETRIES = 0
    settings.GEOCODER_BREAKER_FAILURES = 1
    settings.GEOCODER_BREAKER_SECONDS = 600


def test_a_call_makes_no_try_beyond_its_total_deadline(silent_server, settings):
    settings.GEOCODER_TIMEOUT = 0.3
    settings.GEOCODER_DEADLINE = 0.5  # three tries of 0.3 s would not fit
    settings.GEOCODER_RETRIES = 2

    with pytest.raises(GeocoderError):
        geocoding.search(QUERY)

    assert 1 <= silent_server.connections <= 2


def test_consecutive_failures_open_the_breaker_and_later_searches_do_not_reach_the_api(
    silent_server, settings
):
    settings.GEOCODER_RETRIES = 0
    settings.GEOCODER_BREAKER_FAILURES = 2
    settings.GEOCODER_BREAKER_SECONDS = 600
    for _ in range(2):
        with pytest.raises(GeocoderError):
            geocoding.search(QUERY)
    assert silent_server.connections == 2
    assert geocoding.breaker.state() == "open"

    for _ in range(3):
        with pytest.raises(GeocoderError):
            geocoding.search(QUERY)

    assert silent_server.connections == 2


def test_failures_below_the_threshold_leave_the_breaker_closed(silent_server, settings):
    settings.GEOCODER_RETRIES = 0
    settings.GEOCODER_BREAKER_FAILURES = 3
    for _ in range(2):
        with pytest.raises(GeocoderError):
            geocoding.search(QUERY)

    assert geocoding.breaker.state() == "closed"


def test_a_refused_request_does_not_open_the_breaker(ban_server, opens_after_one_failure):
    ban_server.will_answer(Answer(canned("error-400.json"), status=400))
    with pytest.raises(GeocoderError):
        geocoding.search(QUERY)

    assert geocoding.breaker.state() == "closed"


def test_after_the_cool_down_one_search_tries_again_and_its_success_closes_the_breaker(
    ban_server, opens_after_one_failure, settings
):
    settings.GEOCODER_BREAKER_SECONDS = 0  # the cool-down is over at once
    ban_server.will_answer(Answer(b"Service Unavailable", status=503), Answer(canned(GOOD)))
    with pytest.raises(GeocoderError):
        geocoding.search(QUERY)
    assert geocoding.breaker.state() == "half_open"

    results = geocoding.search(QUERY)

    assert results[0].label == "15 Allée Paul Dukas 95200 Sarcelles"
    assert len(ban_server.requests) == 2
    assert geocoding.breaker.state() == "closed"


def test_with_the_local_fallback_the_local_copy_answers_while_the_api_hangs(
    silent_server, opens_after_one_failure, settings, demo_addresses
):
    settings.GEOCODER_FALLBACK_LOCAL = True

    first = geocoding.geocode(QUERY)
    second = geocoding.geocode(QUERY)

    assert first.label == second.label == "15 Allée Paul Dukas 95200 Sarcelles"
    assert silent_server.connections == 1


@pytest.mark.django_db
def test_the_api_answers_a_json_503_without_asking_the_api_while_the_breaker_is_open(
    client, silent_server, opens_after_one_failure
):
    for _ in range(2):
        response = client.get("/api/v1/eligibility", {"address": QUERY})
        assert response.status_code == 503
        assert response.json()["error"] == "geocoder_unavailable"

    assert silent_server.connections == 1


@pytest.mark.django_db
def test_the_result_page_says_in_french_that_addresses_cannot_be_searched(
    client, silent_server, opens_after_one_failure
):
    client.get("/eligibilite/", {"adresse": QUERY, "chauffage": "collective"})

    response = client.get("/eligibilite/", {"adresse": QUERY, "chauffage": "collective"})

    assert response.status_code == 503
    assert "Le service de recherche d’adresses ne répond pas" in response.content.decode()
    assert silent_server.connections == 1


@pytest.mark.django_db
def test_healthz_reports_the_open_breaker_without_asking_the_api(
    client, silent_server, opens_after_one_failure
):
    with pytest.raises(GeocoderError):
        geocoding.search(QUERY)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "geocoder": "unavailable"}
    assert silent_server.connections == 1


@pytest.mark.django_db
def test_healthz_reports_a_national_api_in_use(client, ban_server):
    assert client.get("/healthz").json()["geocoder"] == "ok"


def test_a_breaker_opened_by_another_process_skips_the_api_here_too(
    silent_server, opens_after_one_failure
):
    other_process = geocoding.CircuitBreaker()  # sharing the cache, as processes do
    other_process.failed()

    with pytest.raises(GeocoderError):
        geocoding.search(QUERY)

    assert silent_server.connections == 0
    assert geocoding.breaker.state() == "open"


def test_a_success_after_the_cool_down_lets_the_other_processes_ask_the_api_again(
    ban_server, opens_after_one_failure
):
    other_process = geocoding.CircuitBreaker()
    other_process.failed()
    other_process.succeeded()
    ban_server.will_answer(Answer(canned(GOOD)))

    assert geocoding.search(QUERY)[0].label == "15 Allée Paul Dukas 95200 Sarcelles"
