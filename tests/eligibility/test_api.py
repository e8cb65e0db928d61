from unittest import mock

import pytest

from eligibility import geocoding
from eligibility.models import EligibilityCheck
from tests.eligibility.factories import (
    SARCELLES,
    AddressFactory,
    HeatNetworkFactory,
    route_east_of,
)

pytestmark = pytest.mark.django_db

EXPECTED_KEYS = {
    "address",
    "eligible",
    "category",
    "distance_m",
    "threshold_m",
    "in_priority_zone",
    "network",
    "explanation",
}


@pytest.fixture
def sarcelles_network():
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        enrr_rate=67.6,
        co2_kg_per_kwh=0.084,
        route=route_east_of(SARCELLES, 48),
    )


def test_eligibility_by_coordinates_follows_the_contract(client, sarcelles_network):
    response = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == EXPECTED_KEYS
    assert body["address"] is None
    assert body["eligible"] is True
    assert body["category"] == "existing_very_close"
    assert body["threshold_m"] == 100
    assert abs(body["distance_m"] - 48) <= 1
    assert body["network"] == {
        "id": "9502C",
        "name": "Grand Ensemble Sarcelles-Locheres",
        "operator": "DALKIA Paris la Defense",
        "kind": "existing",
        "classified": False,
        "enrr_rate": 67.6,
        "co2_kg_per_kwh": 0.084,
        "url": "http://testserver/reseaux/9502C",
    }
    assert "48\xa0m" in body["explanation"] and "100\xa0m" in body["explanation"]


def test_eligibility_by_address_geocodes_with_the_local_ban(client, sarcelles_network):
    AddressFactory()
    response = client.get("/api/v1/eligibility", {"address": "15 allée Paul Dukas Sarcelles"})
    assert response.status_code == 200
    body = response.json()
    assert body["address"]["label"] == "15 Allée Paul Dukas 95200 Sarcelles"
    assert body["address"]["citycode"] == "95585"
    assert body["network"]["id"] == "9502C"


def test_the_network_url_of_the_answer_opens_the_network_page(client, sarcelles_network):
    body = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]}).json()
    page = client.get(body["network"]["url"].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Grand Ensemble Sarcelles-Locheres" in page.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lat": "48.9"},
        {"lat": "abc", "lon": "2.3"},
        {"lat": "91", "lon": "2.3"},
        {"lat": "48.9", "lon": "-181"},
        {"lat": "nan", "lon": "2.3"},
        {"lat": "inf", "lon": "2.3"},
        {"address": ""},
        {"address": "   "},
        {"address": "x" * 201},
    ],
)
def test_bad_parameters_get_a_400_json_error_in_french(client, params):
    response = client.get("/api/v1/eligibility", params)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameters"
    assert response.json()["message"]


def test_unknown_address_gets_a_404_with_the_geocoder_suggestions(client):
    suggestion = geocoding.GeocodedAddress(
        label="15 Allée Paul Dukas 95200 Sarcelles",
        lat=SARCELLES[0],
        lon=SARCELLES[1],
        citycode="95585",
        postcode="95200",
        city="Sarcelles",
        ban_id="95585_1920_00015",
        score=0.3,
        kind="housenumber",
    )
    not_found = geocoding.AddressNotFound("paul dukaz", [suggestion])
    with mock.patch.object(geocoding, "geocode", side_effect=not_found):
        response = client.get("/api/v1/eligibility", {"address": "paul dukaz"})
    assert response.status_code == 404
    assert response.json()["error"] == "address_not_found"
    assert response.json()["suggestions"] == [
        {
            "label": "15 Allée Paul Dukas 95200 Sarcelles",
            "lat": SARCELLES[0],
            "lon": SARCELLES[1],
            "citycode": "95585",
        }
    ]


def test_address_nobody_knows_gets_a_404_without_a_500(client):
    response = client.get("/api/v1/eligibility", {"address": "zzzz qqqq wwww"})
    assert response.status_code == 404
    assert response.json()["error"] == "address_not_found"


def test_geocoder_down_gives_a_503(client):
    with mock.patch.object(geocoding, "geocode", side_effect=geocoding.GeocoderError("down")):
        response = client.get("/api/v1/eligibility", {"address": "15 allée Paul Dukas"})
    assert response.status_code == 503
    assert response.json()["error"] == "geocoder_unavailable"


def test_rate_limit_answers_429_with_retry_after(client, settings):
    settings.RATELIMIT_API = "3/60"
    statuses = [
        client.get("/api/v1/eligibility", {"lat": "48.9", "lon": "2.3"}).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/eligibility", {"lat": "48.9", "lon": "2.3"})
    assert response.json()["error"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_post_is_refused_with_a_json_405(client):
    response = client.post("/api/v1/eligibility", {"lat": "48.9", "lon": "2.3"})
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_cors_is_open_for_get(client, sarcelles_network):
    response = client.get(
        "/api/v1/eligibility",
        {"lat": SARCELLES[0], "lon": SARCELLES[1]},
        HTTP_ORIGIN="https://example.org",
    )
    assert response["Access-Control-Allow-Origin"] == "*"


def test_every_test_is_recorded_without_personal_data(client, sarcelles_network):
    AddressFactory()
    client.get("/api/v1/eligibility", {"address": "15 allée Paul Dukas Sarcelles"})
    record = EligibilityCheck.objects.get()
    assert record.channel == "api"
    assert record.code_insee == "95585"
    assert record.category == "existing_very_close"
    assert record.network_id == "9502C"
    field_names = {field.name for field in EligibilityCheck._meta.get_fields()}
    assert not field_names & {"address", "label", "lat", "lon", "location", "email"}


def test_coordinates_alone_find_the_commune_from_the_nearest_address(client):
    AddressFactory()
    HeatNetworkFactory(network_id="9598C", communes=["95585"], route=None)
    body = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]}).json()
    assert body["category"] == "city_network_without_route"
    assert body["network"]["id"] == "9598C"


def test_autocomplete_returns_at_most_ten_suggestions_with_the_contract_fields(client):
    AddressFactory()
    response = client.get("/api/v1/addresses", {"q": "15 allee paul"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert 1 <= len(results) <= 10
    assert results[0] == {
        "label": "15 Allée Paul Dukas 95200 Sarcelles",
        "lat": pytest.approx(SARCELLES[0]),
        "lon": pytest.approx(SARCELLES[1]),
        "citycode": "95585",
        "ban_id": "95585_1920_00015",
    }


@pytest.mark.parametrize("query", ["", "ab", "x" * 201])
def test_autocomplete_refuses_too_short_or_too_long_queries(client, query):
    response = client.get("/api/v1/addresses", {"q": query})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameters"


def test_autocomplete_counts_the_characters_sent_and_finds_nothing_in_spaces(client):
    """Three characters, as described, even if only spaces: no suggestion, not an error."""
    response = client.get("/api/v1/addresses", {"q": "  ab"})
    assert response.status_code == 200
    assert response.json() == {"results": []}


@pytest.mark.parametrize(
    "url", ["/api/v1/inconnu", "/api/v2/eligibility", "/api/v1/eligibility/bulk/abc"]
)
def test_an_unknown_api_address_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "not_found"


def test_openapi_description_lists_both_endpoints_and_the_categories(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/eligibility", "/api/v1/addresses"} <= set(spec["paths"])
    categories = spec["components"]["schemas"]["Eligibility"]["properties"]["category"]["enum"]
    assert "in_pdp_existing" in categories and len(categories) == 11


def test_api_documentation_page_links_the_openapi_description(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert "/api/v1/openapi.json" in response.content.decode()
