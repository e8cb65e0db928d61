"""Batch geocoding (`geocoding.geocode_many`): set-based on the local BAN copy, and the national
API's CSV endpoint through a loopback server answering in its format."""

import pytest

from eligibility import geocoding
from eligibility.geocoding import GeocodedAddress, GeocoderError, NotGeocoded
from tests.bulk.fake_ban_csv import (
    Answer,
    FakeBANCSV,
    canned,
    not_found_for_every_row,
    start_server,
)

# --- Local BAN copy -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_local_batch_keeps_the_order_and_matches_labels_exactly_then_by_their_words(
    demo_addresses, django_assert_max_num_queries
):
    queries = [
        "17 Allée Paul Dukas 95200 Sarcelles",
        "",
        "15 ALLEE PAUL-DUKAS, SARCELLES",
        "18 av. César Franck 95200 Sarcelles",
        "1 rue qui n’existe pas 95200 Sarcelles",
        "x" * 201,
    ]
    # Three searches (exact label, number and street prefix, words); each fallback runs in a
    # savepoint that sets and restores its statement timeout (5 more statements).
    with django_assert_max_num_queries(13):
        results = geocoding.geocode_many(queries)

    assert [r.ban_id if isinstance(r, GeocodedAddress) else r.reason for r in results] == [
        "95585_1920_00017",
        "Adresse vide",
        "95585_1920_00015",
        "95585_0515_00018",
        "Adresse introuvable",
        "Adresse trop longue (plus de 200 caractères)",
    ]
    assert results[0].score == 1.0 and results[0].citycode == "95585"
    assert results[0].lat == pytest.approx(48.974469)
    assert 0.5 <= results[2].score < 1.0


@pytest.mark.django_db
def test_local_batch_prefers_the_typed_house_number_among_a_streets_addresses(demo_addresses):
    [seventeen, fifteen] = geocoding.geocode_many(
        ["17 allee paul dukas sarcelles", "15 allee paul dukas sarcelles"]
    )
    assert seventeen.label == "17 Allée Paul Dukas 95200 Sarcelles"
    assert fifteen.label == "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.mark.django_db
def test_a_number_the_street_does_not_have_is_too_uncertain(demo_addresses):
    [result] = geocoding.geocode_many(["999 allee paul dukas sarcelles"])
    assert isinstance(result, NotGeocoded)
    assert result.reason.startswith("Correspondance trop incertaine (score 0,")


# --- National API, CSV endpoint -----------------------------------------------------------------


@pytest.fixture
def ban_csv_api(settings, monkeypatch):
    """The national API's CSV endpoint, on a loopback server: the configured geocoder."""
    fake = FakeBANCSV()
    server, thread = start_server(fake)
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    settings.GEOCODER = "ban"
    settings.GEOCODER_BAN_SCHEME = "http"
    settings.GEOCODER_BAN_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_CSV_TIMEOUT = 1.0
    settings.GEOCODER_RETRIES = 2
    settings.GEOCODER_MIN_SCORE = 0.5
    monkeypatch.setattr(geocoding, "BACKOFF_SECONDS", 0.05)
    yield fake
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def ban_csv(ban_csv_api, monkeypatch):
    """The same, with nothing from the local BAN copy: these tests are about the national API."""
    monkeypatch.setattr(
        geocoding,
        "_local_geocode_many",
        lambda texts, **options: [NotGeocoded("Adresse introuvable")] * len(texts),
    )
    return ban_csv_api


QUERIES = ["15 allée Paul Dukas Sarcelles", "allée Paul Sarcelles", "zzzz qqqq", "Sarcelles"]


@pytest.mark.real_geocoder
def test_the_csv_endpoint_answer_is_mapped_row_for_row(ban_csv):
    ban_csv.will_answer(Answer(canned("search-csv-four-rows.csv")))

    results = geocoding.geocode_many(QUERIES)

    assert results[0] == GeocodedAddress(
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
    assert results[1].reason.startswith("Correspondance trop incertaine (score 0,41")
    assert results[2] == NotGeocoded("Adresse introuvable")
    assert results[3] == NotGeocoded("Adresse trop imprécise : seule la commune est reconnue")
    [request] = ban_csv.requests
    assert request.path == "/search/csv/"
    assert request.content_type.startswith("multipart/form-data")
    assert request.fields == {"columns": "q"}
    assert [row["q"] for row in request.rows] == QUERIES
    assert [row["fcu_id"] for row in request.rows] == ["0", "1", "2", "3"]


@pytest.mark.real_geocoder
def test_large_batches_go_in_chunks_one_request_at_a_time(ban_csv, monkeypatch):
    monkeypatch.setattr(geocoding, "BATCH_CSV_CHUNK", 2)
    ban_csv.will_answer(Answer(not_found_for_every_row, delay=0.05))

    results = geocoding.geocode_many([f"{n} rue de Paris 75001 Paris" for n in range(5)])

    assert results == [NotGeocoded("Adresse introuvable")] * 5
    assert [len(r.rows) for r in ban_csv.requests] == [2, 2, 1]
    assert not ban_csv.overlapped
    assert all(
        a.finished <= b.started
        for a, b in zip(ban_csv.requests, ban_csv.requests[1:], strict=False)
    )


@pytest.mark.real_geocoder
def test_a_429_and_a_503_are_retried_with_backoff_then_the_answer_is_used(ban_csv):
    ban_csv.will_answer(
        Answer(status=429, body=b"", headers={"Retry-After": "0.3"}),
        Answer(status=503, body=b"busy"),
        Answer(canned("search-csv-four-rows.csv")),
    )

    results = geocoding.geocode_many(QUERIES)

    assert results[0].ban_id == "95585_1920_00015"
    first, second, third = ban_csv.requests
    assert second.started - first.finished >= 0.28  # Retry-After honoured
    assert third.started - second.finished >= 0.09  # 0.05 × 2


@pytest.mark.real_geocoder
@pytest.mark.parametrize(
    ("answers", "expected_requests"),
    [
        ([Answer(status=502, body=b"<html>Bad gateway</html>")], 3),
        ([Answer(status=400, body=b'{"code": 400, "message": "columns invalid"}')], 1),
        ([Answer(body=b"<html>maintenance</html>", content_type="text/html")], 1),
        ([Answer(body=canned("search-csv-four-rows.csv").splitlines()[0])], 1),  # rows missing
        ([Answer(delay=1.5, body=b"")], 3),  # timeouts
    ],
)
def test_failures_end_in_one_error_type(ban_csv, answers, expected_requests):
    ban_csv.will_answer(*answers)

    with pytest.raises(GeocoderError):
        geocoding.geocode_many(QUERIES)

    assert ban_csv.received == expected_requests


@pytest.mark.django_db
@pytest.mark.real_geocoder
def test_with_the_national_api_the_local_copy_answers_first_and_the_api_gets_the_rest(
    demo_addresses, ban_csv_api
):
    ban_csv_api.will_answer(Answer(not_found_for_every_row))

    results = geocoding.geocode_many(
        ["17 Allée Paul Dukas 95200 Sarcelles", "8 rue Introuvable 13001 Marseille"]
    )

    assert results[0].ban_id == "95585_1920_00017"  # from the local copy
    assert results[1] == NotGeocoded("Adresse introuvable")
    [request] = ban_csv_api.requests
    assert [row["q"] for row in request.rows] == ["8 rue Introuvable 13001 Marseille"]
