import math

import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from eligibility import maplayers
from eligibility.map_views import TILE_CACHE_SECONDS
from eligibility.models import HeatNetwork
from tests.eligibility.factories import (
    PARIS_15,
    SARCELLES,
    TAVERNY,
    HeatNetworkFactory,
    offset,
    route_east_of,
)
from tests.map import mvt
from tests.map.conftest import tile_of, tile_url

pytestmark = pytest.mark.django_db


def get_layers(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mvt.decode(response.content)


def test_a_tile_over_a_network_holds_its_route_and_key_figures(client, sarcelles_network):
    layers = get_layers(client, tile_url("heat", SARCELLES, 13))

    assert list(layers) == ["heat"]
    assert layers["heat"]["extent"] == 4096
    [feature] = layers["heat"]["features"]
    assert feature["type"] == "LineString"
    assert feature["properties"] == {
        "id": "9502C",
        "name": "Grand Ensemble Sarcelles-Lochères",
        "operator": "DALKIA Paris la Défense",
        "enrr_rate": 67.6,
        "co2_kg_per_kwh": 0.084,
        "classified": True,
        "open": True,
    }
    # The route runs 600 m north–south: one x, and 600 m of Web Mercator y in tile units.
    points = [point for part in feature["parts"] for point in part]
    xs, ys = {x for x, _ in points}, [y for _, y in points]
    assert max(xs) - min(xs) <= 1
    unit = 2 * 20037508.34 / 2**13 / 4096
    expected = 600 / math.cos(math.radians(SARCELLES[0])) / unit
    assert abs(max(ys) - min(ys) - expected) < 5


def test_the_all_tile_holds_one_layer_per_kind(client, every_layer):
    layers = get_layers(client, tile_url("all", SARCELLES, 14))

    assert set(layers) == {"heat", "cold", "future", "pdp", "plants"}
    assert layers["cold"]["features"][0]["properties"]["name"] == "Froid de Sarcelles"
    assert {f["properties"]["part"] for f in layers["future"]["features"]} == {"route", "zone"}
    assert {f["type"] for f in layers["future"]["features"]} == {"LineString", "Polygon"}
    [pdp] = layers["pdp"]["features"]
    assert pdp["type"] == "Polygon"
    assert pdp["properties"]["networks"] == "9502C"
    [plant] = layers["plants"]["features"]
    assert plant["type"] == "Point"
    assert plant["properties"]["network"] == "9502C"
    assert plant["properties"]["fuel"] == "Géothermie"


@pytest.mark.parametrize("z", [3, 5, 6])
def test_at_country_scale_a_network_is_one_point(client, sarcelles_network, z):
    [feature] = get_layers(client, tile_url("heat", SARCELLES, z))["heat"]["features"]
    assert feature["type"] == "Point"
    assert feature["properties"]["id"] == "9502C"


@pytest.mark.parametrize("z", [7, 8, 10, 12])
def test_at_regional_scale_the_route_comes_from_its_simplified_copy(client, sarcelles_network, z):
    layers = get_layers(client, tile_url("heat", SARCELLES, z))
    [feature] = layers["heat"]["features"]
    assert feature["type"] == "LineString"
    assert layers["heat"]["extent"] == 1024


@pytest.mark.parametrize("z", [7, 8, 9, 11])
def test_a_network_smaller_than_the_simplification_grid_stays_on_the_map(client, z):
    """A 10 m route fits in one cell of the grids: it is kept as a point, not lost."""
    HeatNetworkFactory(network_id="9599C", route=route_east_of(SARCELLES, 48, half_length=5))
    [feature] = get_layers(client, tile_url("heat", SARCELLES, z))["heat"]["features"]
    assert feature["properties"]["id"] == "9599C"


def test_the_simplified_copies_follow_a_route_that_moves(client, sarcelles_network):
    url = tile_url("heat", SARCELLES, 8)
    assert get_layers(client, url)["heat"]["features"]

    sarcelles_network.route = MultiLineString(
        LineString((PARIS_15[1], PARIS_15[0]), (PARIS_15[1] + 0.01, PARIS_15[0])), srid=4326
    )
    sarcelles_network.save()
    maplayers.forget_data_state()

    # Sarcelles and Paris 15e are in different zoom-8 tiles: the route left the first one.
    assert tile_of(SARCELLES, 8) != tile_of(PARIS_15, 8)
    assert client.get(url).status_code == 204
    assert get_layers(client, tile_url("heat", PARIS_15, 8))["heat"]["features"]


def test_a_tile_without_any_feature_is_204_no_content(client, sarcelles_network):
    response = client.get(tile_url("all", TAVERNY, 16))
    assert response.status_code == 204
    assert response.content == b""
    assert response["ETag"]


@pytest.mark.parametrize(
    "path",
    [
        "/tiles/heat/21/0/0.pbf",  # zoom above 20
        "/tiles/heat/2/4/0.pbf",  # x out of range for z
        "/tiles/heat/2/0/4.pbf",  # y out of range for z
        "/tiles/heat/2/-1/0.pbf",  # negative
        "/tiles/heat/a/0/0.pbf",  # not a number
        "/tiles/heat/2/1.5/0.pbf",  # not an integer
        "/tiles/heat/99999999999/0/0.pbf",  # absurdly large
        "/tiles/heat/%EF%BC%91/0/0.pbf",  # a full-width digit
    ],
)
def test_bad_tile_coordinates_are_a_400_json_error(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameters"
    assert response.json()["message"]


def test_an_unknown_layer_is_a_404_json_error(client):
    response = client.get("/tiles/ambassadeurs/1/0/0.pbf")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_tiles_accept_only_get(client):
    response = client.post("/tiles/heat/1/0/0.pbf")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_tiles_are_public_and_cacheable(client, sarcelles_network):
    response = client.get(tile_url("heat", SARCELLES, 15))
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", f"max-age={TILE_CACHE_SECONDS}"}
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"].startswith('W/"')


def test_a_client_with_the_current_etag_gets_a_304_without_body(client, sarcelles_network):
    url = tile_url("heat", SARCELLES, 15)
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "max-age" in response["Cache-Control"]


def test_the_etag_changes_when_a_network_is_modified(client, sarcelles_network, monkeypatch):
    monkeypatch.setattr(maplayers, "VERSION_TTL_SECONDS", 0)  # no wait for the cached version
    url = tile_url("heat", SARCELLES, 15)
    etag = client.get(url)["ETag"]

    sarcelles_network.operator = "Engie Solutions"
    sarcelles_network.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    [feature] = mvt.decode(response.content)["heat"]["features"]
    assert feature["properties"]["operator"] == "Engie Solutions"


def test_the_etag_changes_when_a_network_is_deleted(client, sarcelles_network, monkeypatch):
    monkeypatch.setattr(maplayers, "VERSION_TTL_SECONDS", 0)
    HeatNetworkFactory(network_id="9503C", route=None)
    url = tile_url("heat", SARCELLES, 15)
    etag = client.get(url)["ETag"]

    HeatNetwork.objects.filter(network_id="9503C").delete()

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_synthetic_networks_stay_off_the_map_when_real_ones_exist(client, sarcelles_network):
    HeatNetworkFactory(
        network_id="9598C",
        name="Réseau synthétique",
        is_synthetic=True,
        route=sarcelles_network.route,
    )
    [feature] = get_layers(client, tile_url("heat", SARCELLES, 15))["heat"]["features"]
    assert feature["properties"]["id"] == "9502C"


def test_a_database_of_synthetic_networks_only_shows_them_flagged(client, sarcelles_network):
    HeatNetwork.objects.update(is_synthetic=True)
    [feature] = get_layers(client, tile_url("heat", SARCELLES, 15))["heat"]["features"]
    assert feature["properties"]["synthetic"] is True


def meandering_route(south_west, *, lines=5, length=4000, step=10, amplitude=20, spacing=400):
    """`lines` parallel pipes of `length` metres, 400 m apart, zigzagging 20 m every 10 m: far
    more detail than a tile of a city or a region can show."""
    lat0, lon0 = south_west
    metre_lat = 1 / 111_320
    metre_lon = metre_lat / math.cos(math.radians(lat0))
    return MultiLineString(
        *(
            LineString(
                [
                    (
                        lon0 + (line * spacing + (amplitude if i % 2 else 0)) * metre_lon,
                        lat0 + i * step * metre_lat,
                    )
                    for i in range(length // step + 1)
                ]
            )
            for line in range(lines)
        ),
        srid=4326,
    )


def dense_city(count: int = 20) -> tuple[float, float]:
    """`count` such networks (2,000 vertices each) side by side over Paris; returns the centre."""
    HeatNetwork.objects.bulk_create(
        HeatNetwork(
            network_id=f"75{index:02d}C",
            name=f"Réseau dense n° {index}",
            operator="Exploitant de test",
            enrr_rate=50.0,
            route=meandering_route(
                offset(
                    offset(PARIS_15, metres=(index // 5) * 2500, bearing=0),
                    metres=(index % 5) * 2500,
                    bearing=90,
                )
            ),
        )
        for index in range(count)
    )
    return offset(offset(PARIS_15, metres=5000, bearing=0), metres=6000, bearing=90)


def test_a_dense_tile_stays_under_300_kb_at_every_zoom(client):
    centre = dense_city()
    for z in range(5, 17):
        response = client.get(tile_url("all", centre, z))
        assert response.status_code == 200, z
        assert len(response.content) <= 300_000, (z, len(response.content))


def test_below_zoom_13_tiles_do_not_carry_the_routes_detail(client):
    """Drawn from the routes themselves, these tiles weigh 32 to 73 KB from zoom 9 to 12."""
    centre = dense_city()
    for z in range(5, 13):
        response = client.get(tile_url("all", centre, z))
        assert len(response.content) <= 20_000, (z, len(response.content))
