import pytest

from eligibility.rules import CATEGORIES, evaluate, evaluate_many
from tests.eligibility.factories import (
    FORT_DE_FRANCE,
    PARIS_15,
    SAINT_DENIS_REUNION,
    SARCELLES,
    TAVERNY,
    FutureNetworkFactory,
    HeatNetworkFactory,
    PriorityZoneFactory,
    offset,
    route_east_of,
    square_around,
)

pytestmark = pytest.mark.django_db


def check(origin, citycode=""):
    return evaluate(lat=origin[0], lon=origin[1], citycode=citycode)


def assert_close(measured, expected):
    assert abs(measured - expected) <= max(1, expected * 0.005), (measured, expected)


def test_existing_network_within_100_m_is_very_close_and_eligible():
    network = HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    verdict = check(SARCELLES)
    assert verdict.category == "existing_very_close"
    assert verdict.eligible
    assert verdict.network.id == "9502C" and verdict.network.name == network.name
    assert_close(verdict.distance_m, 48)
    assert verdict.threshold_m == 100


def test_existing_network_between_100_and_200_m_is_close_and_eligible():
    HeatNetworkFactory(route=route_east_of(SARCELLES, 150))
    verdict = check(SARCELLES)
    assert verdict.category == "existing_close"
    assert verdict.eligible
    assert verdict.threshold_m == 200


def test_existing_network_between_200_and_1000_m_is_far_and_not_eligible():
    HeatNetworkFactory(route=route_east_of(SARCELLES, 600))
    verdict = check(SARCELLES)
    assert verdict.category == "existing_far"
    assert not verdict.eligible
    assert_close(verdict.distance_m, 600)
    assert verdict.threshold_m == 1000


def test_nothing_within_1000_m_is_too_far_with_no_network():
    HeatNetworkFactory(route=route_east_of(SARCELLES, 1500))
    verdict = check(TAVERNY)
    assert verdict.category == "too_far"
    assert verdict.network is None and verdict.distance_m is None
    assert verdict.threshold_m == 1000


def test_future_network_categories_follow_the_same_thresholds():
    FutureNetworkFactory(official_id="futur-a", route=route_east_of(SARCELLES, 80))
    assert check(SARCELLES).category == "future_very_close"


def test_future_network_close_and_far():
    FutureNetworkFactory(route=route_east_of(SARCELLES, 180))
    assert check(SARCELLES).category == "future_close"
    other = offset(SARCELLES, metres=5000, bearing=0)
    FutureNetworkFactory(route=route_east_of(other, 700))
    verdict = check(other)
    assert verdict.category == "future_far" and not verdict.eligible


def test_inside_a_construction_zone_is_eligible():
    future = FutureNetworkFactory(zone=square_around(SARCELLES, 300))
    verdict = check(SARCELLES)
    assert verdict.category == "in_future_zone"
    assert verdict.eligible
    assert verdict.network.id == future.official_id and verdict.network.kind == "future"


def test_priority_zone_of_an_existing_network_wins_and_describes_that_network():
    pdp_network = HeatNetworkFactory(
        network_id="9514C",
        name="Réseau du PDP",
        operator="Coriance",
        route=route_east_of(SARCELLES, 400),
    )
    HeatNetworkFactory(
        network_id="9507C",
        name="Réseau voisin",
        operator="Engie",
        route=route_east_of(SARCELLES, 20),
    )
    zone = PriorityZoneFactory(zone=square_around(SARCELLES, 500), power_threshold_kw=30)
    zone.networks.add(pdp_network)
    verdict = check(SARCELLES)
    assert verdict.category == "in_pdp_existing"
    assert verdict.in_priority_zone and verdict.power_threshold_kw == 30
    # Coherence: id, name, operator and distance all describe the PDP's network.
    assert (verdict.network.id, verdict.network.name, verdict.network.operator) == (
        "9514C",
        "Réseau du PDP",
        "Coriance",
    )
    assert_close(verdict.distance_m, 400)


def test_priority_zone_of_a_future_network():
    future = FutureNetworkFactory(route=route_east_of(SARCELLES, 250))
    zone = PriorityZoneFactory(zone=square_around(SARCELLES, 500))
    zone.future_networks.add(future)
    verdict = check(SARCELLES)
    assert verdict.category == "in_pdp_future"
    assert verdict.network.id == future.official_id and verdict.eligible


def test_network_without_route_is_found_by_the_commune():
    HeatNetworkFactory(network_id="9599C", communes=["95585"], route=None)
    verdict = check(TAVERNY, citycode="95585")
    assert verdict.category == "city_network_without_route"
    assert verdict.network.id == "9599C"
    assert not verdict.eligible and verdict.distance_m is None


def test_network_without_route_of_another_commune_is_ignored():
    HeatNetworkFactory(communes=["95585"], route=None)
    assert check(TAVERNY, citycode="95607").category == "too_far"


def test_paris_networks_use_60_and_100_m_thresholds():
    HeatNetworkFactory(network_id="7501C", name="CPCU", route=route_east_of(PARIS_15, 80))
    verdict = check(PARIS_15)
    assert verdict.category == "existing_close"
    assert verdict.threshold_m == 100
    assert verdict.network.min_power_kw == 100


def test_paris_network_beyond_100_m_is_far():
    HeatNetworkFactory(network_id="7511C", route=route_east_of(PARIS_15, 130))
    assert check(PARIS_15).category == "existing_far"


def test_thresholds_set_by_an_administrator_override_the_defaults():
    HeatNetworkFactory(
        route=route_east_of(SARCELLES, 130), threshold_very_close_m=150, threshold_close_m=300
    )
    verdict = check(SARCELLES)
    assert verdict.category == "existing_very_close" and verdict.threshold_m == 150


def test_a_closer_network_with_stricter_thresholds_does_not_hide_a_better_category():
    # 80 m from Paris's network (close under its 60 m threshold), 95 m from another (very close).
    HeatNetworkFactory(network_id="7501C", route=route_east_of(PARIS_15, 80))
    HeatNetworkFactory(network_id="9201C", name="Réseau voisin", route=route_east_of(PARIS_15, -95))
    verdict = check(PARIS_15)
    assert verdict.category == "existing_very_close"
    assert verdict.network.id == "9201C"
    assert_close(verdict.distance_m, 95)


def test_very_close_existing_beats_a_construction_zone_and_close_beats_nothing():
    HeatNetworkFactory(route=route_east_of(SARCELLES, 50))
    FutureNetworkFactory(zone=square_around(SARCELLES, 300))
    assert check(SARCELLES).category == "existing_very_close"


def test_construction_zone_beats_an_existing_network_that_is_only_close():
    HeatNetworkFactory(route=route_east_of(SARCELLES, 150))
    FutureNetworkFactory(zone=square_around(SARCELLES, 300))
    assert check(SARCELLES).category == "in_future_zone"


def test_cold_networks_and_networks_closed_to_connections_are_not_tested():
    HeatNetworkFactory(cold=True, route=route_east_of(SARCELLES, 30))
    HeatNetworkFactory(route=route_east_of(SARCELLES, 40), open_to_connections=False)
    assert check(SARCELLES).category == "too_far"


@pytest.mark.parametrize(
    "place", [SAINT_DENIS_REUNION, FORT_DE_FRANCE], ids=["reunion", "martinique"]
)
@pytest.mark.parametrize("metres", [35, 140, 870])
def test_distances_are_ground_metres_overseas_too(place, metres):
    HeatNetworkFactory(route=route_east_of(place, metres))
    assert_close(check(place).distance_m, metres)


def test_categories_are_the_eleven_of_the_national_rules_in_order():
    assert CATEGORIES[0] == "in_pdp_existing" and CATEGORIES[-1] == "too_far"
    assert len(CATEGORIES) == 11


def test_a_route_whose_bounding_box_covers_the_point_but_passes_beyond_1000_m_is_ignored():
    from django.contrib.gis.geos import LineString, MultiLineString

    north = offset(SARCELLES, metres=1500, bearing=0)
    east = offset(SARCELLES, metres=1500, bearing=90)
    # The diagonal passes 1,061 m from the point; its bounding box contains the point.
    route = MultiLineString(LineString((north[1], north[0]), (east[1], east[0])), srid=4326)
    HeatNetworkFactory(route=route)
    assert check(SARCELLES).category == "too_far"


@pytest.mark.parametrize("place", [SARCELLES, SAINT_DENIS_REUNION], ids=["sarcelles", "reunion"])
@pytest.mark.parametrize("bearing", [0, 45, 90, 180, 270])
def test_a_route_just_within_1000_m_is_found_in_every_direction(place, bearing):
    # The search box around the point is drawn in Web Mercator: it must hold every route within
    # the "far" distance, on the axes (where it is tightest) as on the diagonals.
    from django.contrib.gis.geos import LineString, MultiLineString

    near = offset(place, metres=995, bearing=bearing)
    beyond = offset(place, metres=1400, bearing=bearing)
    route = MultiLineString(LineString((near[1], near[0]), (beyond[1], beyond[0])), srid=4326)
    HeatNetworkFactory(route=route)
    verdict = check(place)
    assert verdict.category == "existing_far"
    assert_close(verdict.distance_m, 995)


def test_many_points_get_each_the_verdict_of_a_single_test_in_their_order():
    paris = HeatNetworkFactory(network_id="7501C", route=route_east_of(PARIS_15, 80))
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    HeatNetworkFactory(network_id="9599C", communes=["95607"], route=None)
    future = FutureNetworkFactory(zone=square_around(SAINT_DENIS_REUNION, 300))
    zone = PriorityZoneFactory(zone=square_around(PARIS_15, 300))
    zone.networks.add(paris)
    points = [
        (*SARCELLES, ""),
        (*TAVERNY, "95607"),
        (*PARIS_15, ""),
        (*TAVERNY, ""),
        (*SAINT_DENIS_REUNION, ""),
        (*offset(SARCELLES, metres=120, bearing=270), ""),
        (*FORT_DE_FRANCE, ""),
    ]
    verdicts = evaluate_many(points)
    assert verdicts == [evaluate(lat=lat, lon=lon, citycode=code) for lat, lon, code in points]
    assert [v.category for v in verdicts] == [
        "existing_very_close",
        "city_network_without_route",
        "in_pdp_existing",
        "too_far",
        "in_future_zone",
        "existing_close",
        "too_far",
    ]
    assert verdicts[4].network.id == future.official_id
    assert verdicts[2].network.id == "7501C"


def test_no_points_make_no_verdicts():
    assert evaluate_many([]) == []


@pytest.mark.django_db(transaction=True)
def test_points_split_between_connections_get_the_verdicts_of_one_connection():
    # Outside a transaction (as in the bulk test's worker), evaluate_many may share the points
    # between several database connections: same verdicts, same order.
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    points = [(*offset(SARCELLES, metres=metres, bearing=270), "") for metres in range(0, 1500, 1)]
    alone = evaluate_many(points)
    shared = evaluate_many(points, connections=2)
    assert shared == alone
    assert {v.category for v in shared} == {
        "existing_very_close",
        "existing_close",
        "existing_far",
        "too_far",
    }


def test_points_at_the_poles_are_answered_by_the_bulk_query_too():
    # Web Mercator has no poles (the logarithm of 0 at -90° failed the whole chunk).
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    points = [(-90.0, 0.0, ""), (90.0, 180.0, ""), (-89.999, -179.9, ""), (*SARCELLES, "")]
    categories = [verdict.category for verdict in evaluate_many(points)]
    assert categories == ["too_far", "too_far", "too_far", "existing_very_close"]
