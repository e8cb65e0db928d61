"""The BAN client against a real HTTP server on loopback answering in the API's format."""

import json
import socket

import pytest

from eligibility import geocoding
from eligibility.geocoding import AddressNotFound, GeocodedAddress, GeocoderError
from tests.geocoding.fake_ban import Answer, canned

pytestmark = pytest.mark.real_geocoder

GOOD = "search-15-allee-paul-dukas-sarcelles.json"
LOW_SCORE = "search-allee-paul-sarcelles-low-score.json"

DUKAS_15 = GeocodedAddress(
    label="15 Allée Paul Dukas 95200 Sarcelles",
    lat=48.974443,
    lon=2.372514,
    citycode="95585",
    postcode="95200",
    city="Sarcelles",
    ban_id="95585_1920_00015",
    score=0.9741963636363636,
    kind="housenumber",
)


def test_a_good_answer_is_mapped_to_addresses_best_first(ban_server):
    ban_server.will_answer(Answer(canned(GOOD)))

    results = geocoding.search("15 allée Paul Dukas Sarcelles")

    assert results[0] == DUKAS_15
    assert [r.ban_id for r in results] == [
        "95585_1920_00015",
        "95585_1920_00017",
        "95585_1920_00005",
    ]
    [request] = ban_server.requests
    assert request.path == "/search"
    assert request.params == {"q": ["15 allée Paul Dukas Sarcelles"], "limit": ["10"]}


def test_geocode_returns_the_best_match_and_asks_for_five_results(ban_server):
    ban_server.will_answer(Answer(canned(GOOD)))

    assert geocoding.geocode("15 allée Paul Dukas Sarcelles") == DUKAS_15
    assert ban_server.requests[0].params["limit"] == ["5"]


def test_leading_punctuation_is_not_sent_since_the_api_refuses_it(ban_server):
    ban_server.will_answer(Answer(canned(GOOD)))

    geocoding.search("« 15 allée Paul Dukas Sarcelles")

    assert ban_server.requests[0].params["q"] == ["15 allée Paul Dukas Sarcelles"]


def test_a_low_score_answer_raises_address_not_found_with_at_most_five_suggestions(ban_server):
    ban_server.will_answer(Answer(canned(LOW_SCORE)))

    with pytest.raises(AddressNotFound) as raised:
        geocoding.geocode("allée Paul Sarcelles")

    suggestions = raised.value.suggestions
    assert raised.value.query == "allée Paul Sarcelles"
    assert [s.label for s in suggestions] == [
        "5 Allée Paul Dukas 95200 Sarcelles",
        "1 Allée Paul Fort 95200 Sarcelles",
        "15 Allée Paul Dukas 95200 Sarcelles",
        "17 Allée Paul Dukas 95200 Sarcelles",
        "16 Rue Claude Delvincourt 95200 Sarcelles",
    ]
    assert all(s.score < 0.5 for s in suggestions)


def test_an_empty_answer_raises_address_not_found_without_suggestions(ban_server):
    ban_server.will_answer(Answer(canned("search-empty.json")))

    with pytest.raises(AddressNotFound) as raised:
        geocoding.geocode("zzzz qqqq wwww")

    assert raised.value.suggestions == []


def test_a_server_error_is_retried_and_the_next_answer_used(ban_server):
    ban_server.will_answer(Answer(b"Internal Server Error", status=500), Answer(canned(GOOD)))

    assert geocoding.geocode("15 allée Paul Dukas Sarcelles") == DUKAS_15
    assert len(ban_server.requests) == 2


def test_a_service_that_stays_unavailable_raises_geocoder_error_after_backing_off(ban_server):
    ban_server.will_answer(Answer(b"Service Unavailable", status=503))

    with pytest.raises(GeocoderError):
        geocoding.search("15 allée Paul Dukas Sarcelles")

    first, second, third = (r.at for r in ban_server.requests)  # one try and 2 retries
    assert second - first >= 0.05
    assert third - second >= 0.1


def test_a_rate_limited_request_is_retried_after_the_retry_after_delay(ban_server):
    ban_server.will_answer(
        Answer(b"Too Many Requests", status=429, headers={"Retry-After": "1"}),
        Answer(canned(GOOD)),
    )

    assert geocoding.geocode("15 allée Paul Dukas Sarcelles") == DUKAS_15
    first, second = (r.at for r in ban_server.requests)
    assert second - first >= 0.2  # Retry-After, capped at MAX_RETRY_AFTER_SECONDS in tests


def test_an_answer_slower_than_the_timeout_raises_geocoder_error(ban_server, settings):
    settings.GEOCODER_TIMEOUT = 0.3
    ban_server.will_answer(Answer(canned(GOOD), delay=1.0))

    with pytest.raises(GeocoderError):
        geocoding.geocode("15 allée Paul Dukas Sarcelles")

    assert len(ban_server.requests) == 3


def test_an_unreachable_service_raises_geocoder_error(ban_server, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.GEOCODER_BAN_DOMAIN = f"127.0.0.1:{port}"

    with pytest.raises(GeocoderError):
        geocoding.search("15 allée Paul Dukas Sarcelles")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (canned("garbage-502.html"), "text/html"),
        (canned(GOOD)[:700], "application/json"),
        (canned("error-400.json"), "application/json"),
        (canned("search-wrong-types.json"), "application/json"),
        (b'["not", "a", "feature collection"]', "application/json"),
        (
            json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature"}]}),
            "application/json",
        ),
    ],
    ids=["html-page", "truncated-json", "no-features", "wrong-types", "json-list", "no-geometry"],
)
def test_an_unreadable_answer_raises_geocoder_error_without_retrying(
    ban_server, body, content_type
):
    body = body.encode() if isinstance(body, str) else body
    ban_server.will_answer(Answer(body, content_type=content_type))

    with pytest.raises(GeocoderError):
        geocoding.geocode("15 allée Paul Dukas Sarcelles")

    assert len(ban_server.requests) == 1


def test_a_refused_request_raises_geocoder_error_without_retrying(ban_server):
    ban_server.will_answer(Answer(canned("error-400.json"), status=400))

    with pytest.raises(GeocoderError):
        geocoding.search("15 allée Paul Dukas Sarcelles")

    assert len(ban_server.requests) == 1


def test_a_second_identical_search_is_answered_from_the_cache(ban_server):
    ban_server.will_answer(Answer(canned(GOOD)))

    first = geocoding.search("15 allée Paul Dukas Sarcelles")
    second = geocoding.search("15 ALLEE paul dukas, Sarcelles")  # the same once normalised

    assert second == first
    assert len(ban_server.requests) == 1


def test_a_search_with_another_limit_is_not_answered_from_the_cache(ban_server):
    ban_server.will_answer(Answer(canned(GOOD)))

    geocoding.search("15 allée Paul Dukas Sarcelles", limit=10)
    geocoding.search("15 allée Paul Dukas Sarcelles", limit=3)

    assert [r.params["limit"] for r in ban_server.requests] == [["10"], ["3"]]


def test_errors_are_not_cached(ban_server):
    ban_server.will_answer(Answer(b"Service Unavailable", status=503))
    with pytest.raises(GeocoderError):
        geocoding.geocode("15 allée Paul Dukas Sarcelles")

    ban_server.will_answer(Answer(canned(GOOD)))

    assert geocoding.geocode("15 allée Paul Dukas Sarcelles") == DUKAS_15
    assert len(ban_server.requests) == 4


def test_a_query_longer_than_200_characters_is_refused_before_any_request(ban_server):
    with pytest.raises(ValueError):
        geocoding.search("15 allée Paul Dukas Sarcelles " * 7)

    assert ban_server.requests == []


@pytest.mark.parametrize("query", ["15", " a-b ", "", "«»"])
def test_a_query_of_fewer_than_three_letters_or_digits_makes_no_request(ban_server, query):
    assert geocoding.search(query) == []
    with pytest.raises(AddressNotFound):
        geocoding.geocode(query)

    assert ban_server.requests == []


@pytest.mark.django_db
def test_the_backend_is_read_from_settings_at_each_call(ban_server, settings):
    ban_server.will_answer(Answer(canned(GOOD)))
    settings.GEOCODER = "local"
    assert geocoding.search("15 allée Paul Dukas Sarcelles") == []  # empty local index
    assert ban_server.requests == []

    settings.GEOCODER = "ban"

    assert geocoding.search("15 allée Paul Dukas Sarcelles")[0] == DUKAS_15
    assert len(ban_server.requests) == 1


def test_a_municipality_is_never_taken_for_a_building_and_becomes_a_suggestion(ban_server):
    ban_server.will_answer(Answer(canned("search-sarcelles-municipality.json")))
    with pytest.raises(AddressNotFound) as not_found:
        geocoding.geocode("Sarcelles")
    assert [s.label for s in not_found.value.suggestions] == ["Sarcelles"]
