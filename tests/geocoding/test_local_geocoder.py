"""The local geocoder: the project's copy of the BAN in PostGIS, here the 530 real addresses of
the Val-d'Oise demo extract."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from eligibility import geocoding
from eligibility.geocoding import AddressNotFound, GeocodedAddress
from eligibility.models import Address

pytestmark = pytest.mark.usefixtures("demo_addresses")

DUKAS = {"95585_1920_00005", "95585_1920_00015", "95585_1920_00017"}


def test_the_exact_label_geocodes_with_score_one_at_its_ban_position():
    assert geocoding.geocode("15 Allée Paul Dukas 95200 Sarcelles") == GeocodedAddress(
        label="15 Allée Paul Dukas 95200 Sarcelles",
        lat=pytest.approx(48.974443, abs=1e-9),
        lon=pytest.approx(2.372514, abs=1e-9),
        citycode="95585",
        postcode="95200",
        city="Sarcelles",
        ban_id="95585_1920_00015",
        score=1.0,
        kind="housenumber",
    )


def test_accents_and_case_are_ignored():
    results = geocoding.search("ALLEE paul DUKAS sarcelles")

    assert {r.ban_id for r in results[:3]} == DUKAS
    assert results[0].label.endswith("Allée Paul Dukas 95200 Sarcelles")


def test_an_address_typed_without_postcode_geocodes_above_the_minimum_score(settings):
    address = geocoding.geocode("15 allée paul-dukas, Sarcelles")

    assert address.ban_id == "95585_1920_00015"
    assert address.score >= settings.GEOCODER_MIN_SCORE


@pytest.mark.parametrize(
    ("query", "typed", "other"),
    [
        ("15 allee paul dukas sarcelles", "95585_1920_00015", "95585_1920_00017"),
        ("17 allee paul dukas sarcelles", "95585_1920_00017", "95585_1920_00015"),
        ("17 allee paul dukas", "95585_1920_00017", "95585_1920_00015"),
    ],
)
def test_the_typed_house_number_ranks_first(query, typed, other):
    ban_ids = [r.ban_id for r in geocoding.search(query)]

    assert ban_ids[0] == typed
    assert other in ban_ids[1:]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("139 ter rue de paris taverny", "95607_0760_00139_ter"),
        ("139 bis rue de paris taverny", "95607_0760_00139_bis"),
        ("139bis rue de Paris, Taverny", "95607_0760_00139_bis"),
        ("139 t rue de paris taverny", "95607_0760_00139_ter"),
    ],
)
def test_the_typed_repetition_index_ranks_first(query, expected):
    results = geocoding.search(query)

    assert results[0].ban_id == expected
    assert results[0].label.startswith("139 ")


def test_a_glued_repetition_index_matches_the_label_exactly():
    address = geocoding.geocode("139BIS Rue de Paris 95150 Taverny")

    assert (address.ban_id, address.score) == ("95607_0760_00139_bis", 1.0)


def test_a_misspelt_address_is_still_found():
    results = geocoding.search("alle paul ducas sarcel")

    assert results[0].ban_id in DUKAS


def test_a_misspelt_single_word_is_found_by_trigram_similarity():
    results = geocoding.search("dukaz")

    assert {r.ban_id for r in results} == DUKAS


def test_results_come_best_first():
    scores = [r.score for r in geocoding.search("allee paul sarcelles")]

    assert len(scores) > 3
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["15", "a b", "   ", "--", ""])
def test_fewer_than_three_letters_or_digits_give_nothing_without_a_query(
    query, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert geocoding.search(query) == []


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_search_returns_at_most_limit_results(limit):
    assert Address.objects.filter(nom_commune="Sarcelles").count() > 10

    assert len(geocoding.search("sarcelles", limit=limit)) == limit


def test_search_returns_ten_results_by_default():
    assert len(geocoding.search("sarcelles")) == 10


def test_an_unknown_house_number_is_not_found_but_its_street_is_suggested(settings):
    with pytest.raises(AddressNotFound) as raised:
        geocoding.geocode("150 allée Paul Dukas Sarcelles")

    suggestions = raised.value.suggestions
    assert {s.ban_id for s in suggestions} == DUKAS
    assert all(s.score < settings.GEOCODER_MIN_SCORE for s in suggestions)


def test_an_unknown_address_is_not_found_and_suggests_nothing():
    with pytest.raises(AddressNotFound) as raised:
        geocoding.geocode("12 impasse des Zèbres 13000 Xqzwy")

    assert raised.value.query == "12 impasse des Zèbres 13000 Xqzwy"
    assert raised.value.suggestions == []


def test_a_vague_query_suggests_at_most_five_addresses():
    with pytest.raises(AddressNotFound) as raised:
        geocoding.geocode("sarcelles")

    assert len(raised.value.suggestions) == 5


def test_a_query_longer_than_200_characters_is_refused():
    assert isinstance(geocoding.search("x" * 200), list)
    with pytest.raises(ValueError):
        geocoding.search("x" * 201)


def test_the_search_is_answered_by_the_prefix_street_and_trigram_indexes():
    with CaptureQueriesContext(connection) as captured:
        geocoding.search("15 allee paul dukas")  # prefix, then the street's other numbers
        geocoding.search("dukas sarcel")  # words in another order
    plans = []
    with connection.cursor() as cursor:
        # 530 rows: the planner would rather read the table; the point is that it can use the
        # indexes, as it does on the 500,000 addresses of a department.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    assert len(plans) == 4
    assert "address_search_prefix" in plans[0]
    assert "address_commune_street" in plans[1]
    assert "address_search_prefix" in plans[2]
    assert "address_search_trgm" in plans[3]


def _settings(cursor):
    cursor.execute(
        "SELECT current_setting('statement_timeout'),"
        " current_setting('pg_trgm.word_similarity_threshold')"
    )
    return cursor.fetchone()


def test_the_trigram_stage_leaves_the_transaction_settings_as_they_were():
    with connection.cursor() as cursor:
        geocoding.search("allee")  # loads pg_trgm and its settings
        before = _settings(cursor)

        assert geocoding.search("dukaz")  # found by the trigram stage

        assert _settings(cursor) == before


def test_a_trigram_stage_over_its_time_gives_no_result_and_a_usable_transaction(
    monkeypatch, caplog
):
    ranked = geocoding._ranked

    def slow_trigram_stage(candidates, params, cursor=None):
        if cursor is not None:  # only the trigram stage passes its cursor
            cursor.execute("SELECT pg_sleep(1)")
        return ranked(candidates, params, cursor)

    monkeypatch.setattr(geocoding, "_ranked", slow_trigram_stage)
    monkeypatch.setattr(geocoding, "LOCAL_TRIGRAM_TIMEOUT_MS", 20)

    with caplog.at_level(logging.WARNING, logger="eligibility.geocoding"):
        assert geocoding.search("dukaz") == []

    assert "cancelled" in caplog.text
    assert Address.objects.filter(ban_id="95585_1920_00015").exists()
