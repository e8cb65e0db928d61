"""The in-memory index of the networks (eligibility/index.py): the same verdicts as the SQL of
the bulk test, ground distances as PostGIS measures them, and fresh data."""

import numpy as np
import pytest
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import connection, transaction
from geopy.distance import geodesic

from eligibility import index
from eligibility.rules import CATEGORIES, evaluate, evaluate_many
from tests.eligibility.factories import (
    FORT_DE_FRANCE,
    PARIS_15,
    SAINT_DENIS_REUNION,
    SARCELLES,
    TAVERNY,
    AddressFactory,
    FutureNetworkFactory,
    HeatNetworkFactory,
    PriorityZoneFactory,
    offset,
    route_east_of,
    square_around,
)

pytestmark = pytest.mark.django_db

# Places from the equator to the north of France, and overseas in both hemispheres.
PLACES = {
    "sarcelles": SARCELLES,
    "dunkerque": (51.0343, 2.3768),
    "saint-pierre": (46.7811, -56.1764),  # Saint-Pierre-et-Miquelon
    "cayenne": (4.9372, -52.3260),
    "fort-de-france": FORT_DE_FRANCE,
    "saint-denis-reunion": SAINT_DENIS_REUNION,
    "mamoudzou": (-12.7806, 45.2279),
    "noumea": (-22.2758, 166.4580),
}


def zigzag(origin, *, metres: float, bearing: float, legs: int = 60) -> MultiLineString:
    """A winding route starting `metres` from origin, many vertices, several lines."""
    start = offset(origin, metres=metres, bearing=bearing)
    points = [start]
    for leg in range(legs):
        points.append(
            offset(points[-1], metres=35 + leg % 7 * 20, bearing=bearing + 70 - leg % 3 * 70)
        )
    half = len(points) // 2
    lines = [points[: half + 1], points[half:]]
    return MultiLineString(
        *[LineString([(lon, lat) for lat, lon in line]) for line in lines], srid=4326
    )


@pytest.mark.parametrize("place", PLACES.values(), ids=PLACES.keys())
@pytest.mark.parametrize("metres", [3, 60, 180, 950, 4_000, 20_000])
def test_ground_distances_agree_with_postgis_on_the_spheroid(place, metres):
    for bearing in (0, 33, 90, 147, 225, 301):
        a = offset(place, metres=metres, bearing=bearing)
        b = offset(a, metres=400, bearing=bearing + 75)
        ours = index.ground_distances(place[1], place[0], np.array([[a[1], a[0], b[1], b[0]]]))[0]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ST_Distance(ST_MakePoint(%s, %s)::geography,"
                " ST_MakeLine(ST_MakePoint(%s, %s), ST_MakePoint(%s, %s))::geography)",
                [place[1], place[0], a[1], a[0], b[1], b[0]],
            )
            postgis = cursor.fetchone()[0]
        assert abs(ours - postgis) <= max(0.05, postgis * 0.0005), (bearing, ours, postgis)


def test_the_distance_to_a_vertex_is_the_geodesic_one():
    for name, place in PLACES.items():
        target = offset(place, metres=730, bearing=58)
        ours = index.ground_distances(place[1], place[0], np.array([[*target[::-1]] * 2]))
        assert abs(ours[0] - geodesic(place, target).meters) < 0.1, name


def _rich_area():
    """Networks of every kind around Sarcelles, as the national data has them."""
    existing = HeatNetworkFactory(
        network_id="9502C", route=zigzag(SARCELLES, metres=40, bearing=80)
    )
    HeatNetworkFactory(route=zigzag(SARCELLES, metres=150, bearing=200), threshold_close_m=300)
    HeatNetworkFactory(route=zigzag(SARCELLES, metres=500, bearing=300))
    HeatNetworkFactory(route=zigzag(SARCELLES, metres=90, bearing=10), open_to_connections=False)
    HeatNetworkFactory(cold=True, route=zigzag(SARCELLES, metres=20, bearing=120))
    HeatNetworkFactory(network_id="9599C", communes=["95585"], route=None)
    future = FutureNetworkFactory(
        route=zigzag(SARCELLES, metres=300, bearing=140),
        zone=square_around(offset(SARCELLES, metres=700, bearing=140), 250),
    )
    FutureNetworkFactory(zone=square_around(offset(SARCELLES, metres=900, bearing=30), 200))
    zone = PriorityZoneFactory(zone=square_around(offset(SARCELLES, metres=600, bearing=250), 300))
    zone.networks.add(existing)
    zone.future_networks.add(future)
    AddressFactory()
    AddressFactory(
        ban_id="95585_0001_00001", location=_point(offset(SARCELLES, metres=1200, bearing=0))
    )


def _point(place):
    from django.contrib.gis.geos import Point

    return Point(place[1], place[0], srid=4326)


def test_every_point_around_gets_the_verdict_of_the_sql_of_the_bulk_test():
    _rich_area()
    points = [
        (*offset(SARCELLES, metres=metres, bearing=bearing), code)
        for metres in range(0, 2600, 65)
        for bearing in range(0, 360, 15)
        for code in ("", "95585")
    ]
    by_sql = evaluate_many(points)
    seen = set()
    for (lat, lon, code), expected in zip(points, by_sql, strict=True):
        verdict = evaluate(lat=lat, lon=lon, citycode=code)
        seen.add(verdict.category)
        if expected.distance_m is not None and _near_a_threshold(expected):
            continue  # a few centimetres may decide: both answers are right
        assert verdict.category == expected.category, (lat, lon, code)
        assert verdict.network == expected.network
        assert verdict.threshold_m == expected.threshold_m
        assert verdict.priority_zone_id == expected.priority_zone_id
        # The commune is looked up only where it may decide (no route or zone around).
        assert verdict.citycode == (code or expected.citycode) or verdict.network is not None
        if expected.distance_m is None:
            assert verdict.distance_m is None
        else:
            assert abs(verdict.distance_m - expected.distance_m) <= 1
    assert seen >= set(CATEGORIES) - {"in_pdp_future", "too_far"}


def _near_a_threshold(verdict) -> bool:
    return any(abs(verdict.distance_m - limit) <= 1 for limit in (60, 100, 200, 300, 1000))


def test_a_network_without_route_is_found_from_the_coordinates_alone():
    AddressFactory()
    HeatNetworkFactory(network_id="9599C", communes=["95585"], route=None)
    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    assert verdict.category == "city_network_without_route"
    assert verdict.citycode == "95585"


def test_once_loaded_the_test_asks_nothing_of_the_database(settings, django_assert_num_queries):
    AddressFactory()
    HeatNetworkFactory(network_id="9599C", communes=["95585"], route=None)
    HeatNetworkFactory(network_id="7501C", route=route_east_of(PARIS_15, 50))
    evaluate(lat=PARIS_15[0], lon=PARIS_15[1])  # loads the index
    settings.ELIGIBILITY_INDEX_CHECK_SECONDS = 3600
    with django_assert_num_queries(0):
        verdict = evaluate(lat=PARIS_15[0], lon=PARIS_15[1])
        far = evaluate(lat=TAVERNY[0], lon=TAVERNY[1])
    assert verdict.category == "existing_very_close" and verdict.distance_m == 50
    assert far.category == "too_far" and far.citycode == ""  # no commune needed there
    # Near Sarcelles, which has a network without a route, the commune is its addresses'.
    with django_assert_num_queries(0):
        verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    assert verdict.category == "city_network_without_route" and verdict.citycode == "95585"


def test_a_change_of_the_networks_reaches_the_next_test():
    network = HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).distance_m == 48
    network.route = route_east_of(SARCELLES, 150)
    network.save()
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_close"
    network.threshold_close_m = 120
    network.save()
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_far"
    network.delete()
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "too_far"


def test_a_change_rolled_back_leaves_the_test_as_before():
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "too_far"
    with pytest.raises(RuntimeError), transaction.atomic():
        HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
        assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_very_close"
        raise RuntimeError("rolled back")
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "too_far"


def test_zones_and_their_networks_reach_the_next_test():
    zone = PriorityZoneFactory(zone=square_around(SARCELLES, 200))
    network = HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 700))
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_far"
    zone.networks.add(network)
    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    assert verdict.category == "in_pdp_existing" and verdict.priority_zone_id == zone.official_id
    zone.networks.remove(network)
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_far"


def test_within_the_check_delay_a_process_keeps_its_copy(settings):
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "too_far"
    settings.ELIGIBILITY_INDEX_CHECK_SECONDS = 3600
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "too_far"
    settings.ELIGIBILITY_INDEX_CHECK_SECONDS = 0
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_very_close"


@pytest.mark.django_db(transaction=True)
def test_while_the_database_does_not_answer_the_index_in_memory_does():
    import psycopg

    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).distance_m == 48  # loaded
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(dbname=connection.settings_dict["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    try:
        verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])  # its version check fails
    finally:
        connection.close()  # as the next request would, on the broken connection
    assert verdict.category == "existing_very_close" and verdict.distance_m == 48


@pytest.mark.django_db(transaction=True)
def test_gunicorn_loads_the_index_in_its_master_and_closes_the_connection_before_forking():
    import runpy
    from pathlib import Path
    from types import SimpleNamespace

    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    config = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    errors = []
    server = SimpleNamespace(log=SimpleNamespace(exception=errors.append))
    index._current = None
    config["pre_fork"](server, worker=None)
    assert errors == []
    assert index._current is not None and len(index._current.heat) == 1
    assert connection.connection is None  # never shared with a forked worker


@pytest.mark.parametrize("length", [6_000, 80_000], ids=["across cells", "across the map"])
def test_a_long_straight_segment_is_found_along_its_whole_length(length):
    # One segment, its ends far away on both sides: the point faces its middle.
    centre = offset(SARCELLES, metres=420, bearing=45)
    ends = [offset(centre, metres=length / 2, bearing=bearing) for bearing in (135, 315)]
    route = MultiLineString(LineString([(lon, lat) for lat, lon in ends]), srid=4326)
    HeatNetworkFactory(network_id="9502C", route=route)
    verdict = evaluate(lat=SARCELLES[0], lon=SARCELLES[1])
    assert verdict.category == "existing_far"
    assert abs(verdict.distance_m - 420) <= 2


class _CountedCells(dict):
    lookups = 0

    def get(self, key, default=None):
        _CountedCells.lookups += 1
        return super().get(key, default)


@pytest.mark.parametrize(
    "lat, lon", [(90, 0), (-90, 180), (89.9999, 2.3), (-89.99, -179.99), (0, -180), (0, 180)]
)
def test_near_the_poles_the_search_looks_at_few_cells(lat, lon):
    # Near a pole the 1 km box spans every longitude: millions of grid cells (seconds of work at
    # 89.999° before). The search then filters the cells that hold a segment instead.
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    assert evaluate(lat=SARCELLES[0], lon=SARCELLES[1]).category == "existing_very_close"
    grid = index.current().routes.grid
    grid.cells = _CountedCells(grid.cells)
    _CountedCells.lookups = 0
    assert evaluate(lat=lat, lon=lon).category == "too_far"
    assert _CountedCells.lookups <= 256
