import pytest

from tests.eligibility.factories import (
    SARCELLES,
    HeatNetworkFactory,
    PriorityZoneFactory,
    square_around,
)

pytestmark = pytest.mark.django_db


def test_the_network_api_gives_its_figures(client, sarcelles_network):
    PriorityZoneFactory(official_id="pdp-1", zone=square_around(SARCELLES, 100)).networks.add(
        sarcelles_network
    )
    response = client.get("/api/v1/networks/9502C", HTTP_ORIGIN="https://example.org")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == "9502C"
    assert body["name"] == "Grand Ensemble Sarcelles-Lochères"
    assert body["kind"] == "heat"
    assert body["operator"] == "DALKIA Paris la Défense"
    assert body["communes"] == ["95585"]
    assert body["enrr_rate"] == 67.6
    assert body["co2_kg_per_kwh"] == 0.084
    assert body["classified"] is True
    assert body["thresholds_m"] == {"very_close": 100, "close": 200}
    assert body["priority_zones"] == ["pdp-1"]
    assert body["has_route"] is True
    assert body["synthetic"] is False
    assert body["url"] == "http://testserver/reseaux/9502C"
    assert body["geojson_url"] == "http://testserver/api/v1/networks/9502C.geojson"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_geojson_api_gives_the_route_as_a_feature_in_lon_lat(client, sarcelles_network):
    response = client.get("/api/v1/networks/9502C.geojson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["type"] == "Feature"
    assert feature["id"] == "9502C"
    assert feature["properties"]["name"] == "Grand Ensemble Sarcelles-Lochères"
    assert feature["geometry"]["type"] == "MultiLineString"
    [line] = feature["geometry"]["coordinates"]
    lon, lat = line[1]  # the middle vertex: 48 m east of 15 allée Paul Dukas
    assert lon == pytest.approx(SARCELLES[1] + 48 / 73_130, abs=1e-5)
    assert lat == pytest.approx(SARCELLES[0], abs=1e-5)


def test_the_geojson_of_a_network_without_route_has_a_null_geometry(client):
    HeatNetworkFactory(network_id="9599C", route=None)
    assert client.get("/api/v1/networks/9599C.geojson").json()["geometry"] is None


@pytest.mark.parametrize("path", ["/api/v1/networks/0000X", "/api/v1/networks/0000X.geojson"])
def test_an_unknown_network_is_a_404_json_error(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_the_openapi_description_lists_the_network_endpoints_and_tiles(client):
    description = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/networks/{id}" in description["paths"]
    assert "/api/v1/networks/{id}.geojson" in description["paths"]
    assert "/tiles/{layer}/{z}/{x}/{y}.pbf" in description["paths"]
    assert "NetworkDetail" in description["components"]["schemas"]
