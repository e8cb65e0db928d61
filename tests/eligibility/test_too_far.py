"""A "too far" verdict names the nearest existing network within ELIGIBILITY_NEAREST_SEARCH_M,
with its distance: for one point (the in-memory index) as for many (the bulk SQL)."""

import pytest

from eligibility.messages import explanation
from eligibility.rules import evaluate, evaluate_many
from tests.eligibility.factories import (
    SARCELLES,
    TAVERNY,
    FutureNetworkFactory,
    HeatNetworkFactory,
    route_east_of,
)

pytestmark = pytest.mark.django_db


def check(origin):
    return evaluate(lat=origin[0], lon=origin[1])


def assert_close(measured, expected):
    assert abs(measured - expected) <= max(1, expected * 0.005), (measured, expected)


def test_too_far_names_the_nearest_existing_network_and_its_distance():
    HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        route=route_east_of(SARCELLES, 1500),
    )
    HeatNetworkFactory(network_id="9514C", route=route_east_of(SARCELLES, -2400))
    verdict = check(SARCELLES)
    assert verdict.category == "too_far" and not verdict.eligible
    assert verdict.network.id == "9502C"
    assert verdict.network.name == "Grand Ensemble Sarcelles-Locheres"
    assert_close(verdict.distance_m, 1500)
    assert verdict.threshold_m == 1000


def test_too_far_finds_a_network_beyond_the_first_3_km_of_search():
    HeatNetworkFactory(network_id="9515C", route=route_east_of(SARCELLES, 6200))
    verdict = check(SARCELLES)
    assert verdict.network.id == "9515C"
    assert_close(verdict.distance_m, 6200)


def test_too_far_names_no_network_beyond_the_search_radius(settings):
    settings.ELIGIBILITY_NEAREST_SEARCH_M = 2000
    HeatNetworkFactory(route=route_east_of(SARCELLES, 2500))
    verdict = check(SARCELLES)
    assert verdict.category == "too_far"
    assert verdict.network is None and verdict.distance_m is None


def test_too_far_names_neither_cold_closed_nor_future_networks():
    HeatNetworkFactory(cold=True, route=route_east_of(SARCELLES, 1200))
    HeatNetworkFactory(route=route_east_of(SARCELLES, 1300), open_to_connections=False)
    FutureNetworkFactory(route=route_east_of(SARCELLES, 1400))
    HeatNetworkFactory(network_id="9507C", route=route_east_of(SARCELLES, -3500))
    verdict = check(SARCELLES)
    assert verdict.network.id == "9507C" and verdict.network.kind == "existing"
    assert_close(verdict.distance_m, 3500)


def test_the_bulk_test_names_the_same_nearest_network_as_a_single_test():
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 1500))
    HeatNetworkFactory(network_id="9515C", route=route_east_of(TAVERNY, 4200))
    points = [(*SARCELLES, ""), (*TAVERNY, ""), (48.0, 2.0, "")]
    verdicts = evaluate_many(points)
    assert verdicts == [evaluate(lat=lat, lon=lon, citycode=code) for lat, lon, code in points]
    assert [v.network.id if v.network else None for v in verdicts] == ["9502C", "9515C", None]


def test_the_too_far_explanation_names_the_nearest_network_and_its_distance():
    HeatNetworkFactory(
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 3200),
    )
    text = explanation(check(SARCELLES))
    assert "« Grand Ensemble Sarcelles-Locheres », géré par DALKIA Paris la Defense" in text
    assert "est à 3\xa0200\xa0m de cette adresse" in text
    assert "(1\xa0000\xa0m)" in text


def test_the_too_far_explanation_says_when_no_network_is_within_the_search_radius():
    text = explanation(check(SARCELLES))
    assert "Aucun réseau de chaleur connu à moins de 10\xa0km" in text


def test_the_api_answer_of_a_too_far_address_describes_the_nearest_network(client):
    HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 1500),
    )
    body = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]}).json()
    assert body["category"] == "too_far" and body["eligible"] is False
    assert body["network"]["id"] == "9502C"
    assert body["network"]["url"] == "http://testserver/reseaux/9502C"
    assert_close(body["distance_m"], 1500)
    assert body["threshold_m"] == 1000
    assert "« Grand Ensemble Sarcelles-Locheres »" in body["explanation"]


def test_the_openapi_description_says_what_network_a_too_far_answer_names(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["Eligibility"]
    assert "too_far" in schema["properties"]["network"]["description"]
