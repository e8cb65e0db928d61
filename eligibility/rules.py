"""The eligibility rules: from a point to a verdict.

Categories, in order of precedence (product.md): in a PDP of an existing network; in a PDP of a
future network; existing network very close; future network very close; inside a construction
zone; existing network close; future network close; existing network far; future network far;
a network without a route in the commune; too far. The first seven are eligible.

The candidates around a point (every network, zone and PDP that may apply, with its distance in
ground metres) are gathered in one of two ways, with rows of the same shape: for one point
(evaluate: the page, the API, a lead) from the in-memory index of eligibility/index.py; for many
points (evaluate_many: the bulk test) by one SQL query through PostGIS's spatial indexes. Then,
once for both, each candidate is classified with its own network's thresholds and the best one
wins (_verdict): all the fields of a verdict describe the same network, the one whose candidate
won. Tests check that both ways give the same verdicts.

A "too far" verdict still names the nearest existing network open to connections within
ELIGIBILITY_NEAREST_SEARCH_M (10 km), with its distance (the threshold is the "far" one it
exceeds), so that the requester knows how far the nearest network is: searched only for the
points that are too far, by the index for one point, by _NEAREST_SQL for many, with the same
rule (the nearest route, ties by network id).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection
from django.db import connections as db_connections

from chauffage.db import server_cursor
from eligibility.index import NEAREST_COMMUNE_SQL, current

CATEGORIES = [
    "in_pdp_existing",
    "in_pdp_future",
    "existing_very_close",
    "future_very_close",
    "in_future_zone",
    "existing_close",
    "future_close",
    "existing_far",
    "future_far",
    "city_network_without_route",
    "too_far",
]
ELIGIBLE_CATEGORIES = frozenset(CATEGORIES[:7])
_RANK = {category: rank for rank, category in enumerate(CATEGORIES)}


@dataclass(frozen=True)
class NetworkSummary:
    pk: int
    id: str
    name: str
    operator: str
    kind: str  # "existing" or "future"
    classified: bool
    enrr_rate: float | None
    co2_kg_per_kwh: float | None
    planned_commissioning: str = ""

    @property
    def min_power_kw(self) -> int | None:
        return settings.NETWORK_MIN_POWER_KW.get(self.id) if self.kind == "existing" else None


@dataclass(frozen=True)
class Verdict:
    category: str
    distance_m: int | None
    threshold_m: int | None
    network: NetworkSummary | None
    priority_zone_id: str | None = None
    power_threshold_kw: int | None = None
    citycode: str = ""

    @property
    def eligible(self) -> bool:
        return self.category in ELIGIBLE_CATEGORIES

    @property
    def in_priority_zone(self) -> bool:
        return self.priority_zone_id is not None


def thresholds(network_id: str, very_close: int | None, close: int | None) -> tuple[int, int]:
    """(very close, close) in metres: the network's own, else its national ones, else defaults."""
    national = settings.NETWORK_THRESHOLDS.get(network_id)
    defaults = settings.ELIGIBILITY_THRESHOLDS
    return (
        very_close or (national[0] if national else defaults["very_close"]),
        close or (national[1] if national else defaults["close"]),
    )


# The candidates of many points (arrays: one statement, whatever their number). Each branch
# returns the point's index and the same columns. Routes are measured on their pieces of at most
# 32 vertices (tables *_segment, kept by triggers: migrations 0005 and 0007). The pieces of each
# network whose bounding box comes within the "far" distance are ranked by their planar distance
# in Web Mercator (a conformal projection: near the point, Mercator units are ground metres
# divided by cos(latitude), within 0.02 % over a kilometre; the search box is 2 % wider), which is
# about twenty times cheaper than a distance on the sphere; the nearest piece of each network is
# then measured on the spheroid (exact). Sphere, spheroid and scaled Mercator distances differ by
# less than 0.5 %, so the piece chosen is the nearest or as near. _verdict() drops routes beyond
# the "far" distance.
def _nearest_pieces(kind: str, metres: str) -> str:
    """The nearest route piece of each network of `kind` within `metres` (an SQL expression) of
    the point `p`: the pieces of the search box ranked by their Mercator distance."""
    return f"""(
      SELECT DISTINCT ON (s.network_id) s.network_id, s.segment
        FROM eligibility_{kind}_segment s
       WHERE s.segment_mercator && ST_Expand(p.m, {metres} * p.scale)
       ORDER BY s.network_id, ST_Distance(s.segment_mercator, p.m)
    )"""  # noqa: S608 - SQL pieces of this module only


def _route_distance(kind: str, alias: str) -> str:
    """The distance from `p` to the route of the network `alias` (of `kind`), measured on its
    nearest piece (KNN on the Mercator index); none without a route."""
    return f"""CASE WHEN {alias}.route IS NOT NULL THEN (
         SELECT ST_Distance(s.segment, p.g) FROM eligibility_{kind}_segment s
          WHERE s.network_id = {alias}.id ORDER BY s.segment_mercator <-> p.m LIMIT 1) END"""  # noqa: S608


# The network of a piece found (`near`): an index lookup per network (LIMIT 1: the planner would
# scan them all otherwise), kept when it is a heat network open to connections.
_OPEN_HEAT_NETWORK = """CROSS JOIN LATERAL (
    SELECT * FROM eligibility_heatnetwork WHERE id = near.network_id LIMIT 1) n
   WHERE n.kind = 'heat' AND n.open_to_connections"""

_POINTS_SQL = """pts AS (
  SELECT u.i, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography AS g, u.code,
         -- EPSG:3857 by its formula: ST_Transform would set up a projection for each statement.
         -- Mercator has no poles: beyond 89°, where France has no network, the point's box is
         -- drawn at 89°.
         ST_SetSRID(ST_MakePoint(6378137 * radians(u.lon),
                                 6378137 * ln(tan(pi() / 4 + radians(l.mlat) / 2))), 3857) AS m,
         -- Web Mercator units per ground metre around the point, with a 2 percent margin.
         1.02 / cos(radians(l.mlat)) AS scale
    FROM unnest(%(lons)s::float8[], %(lats)s::float8[], %(codes)s::text[])
         WITH ORDINALITY AS u(lon, lat, code, i)
   CROSS JOIN LATERAL (SELECT LEAST(GREATEST(u.lat, -89), 89) AS mlat) l
)"""

_CANDIDATES_SQL = f"""
WITH {_POINTS_SQL},
-- The commune: given, else the one of the nearest known address.
city AS MATERIALIZED (
  SELECT p.i, COALESCE(NULLIF(p.code, ''), {NEAREST_COMMUNE_SQL.format(point="p.g")}) AS code
    FROM pts p
),
-- Existing networks, in two passes. Within the largest "close" distance any network has (its
-- own, its national one, the default): a network found there is nearer than any other, and at
-- least as well placed (beyond that distance, every network is "far"), so the nearest network
-- found there is the best; the search box is small. The points with none there are searched
-- again within the "far" distance.
close_radius AS MATERIALIZED (
  SELECT GREATEST(%(close)s, (SELECT max(threshold_close_m) FROM eligibility_heatnetwork
                               WHERE threshold_close_m IS NOT NULL)) AS metres
),
existing_close AS MATERIALIZED (
  SELECT p.i, n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
         n.co2_kg_per_kwh, n.threshold_very_close_m, n.threshold_close_m,
         ST_Distance(near.segment, p.g) AS distance
    FROM pts p
    CROSS JOIN LATERAL {_nearest_pieces("heatnetwork", "(SELECT metres FROM close_radius)")} near
    {_OPEN_HEAT_NETWORK}
),
existing_settled AS MATERIALIZED (
  SELECT DISTINCT i FROM existing_close WHERE distance <= (SELECT metres FROM close_radius)
),
-- The priority zones around each point, looked up once for both kinds of network.
pdp AS MATERIALIZED (
  SELECT p.i, p.g, p.m, z.id AS zone
    FROM pts p JOIN eligibility_priorityzone z ON ST_Intersects(z.zone, p.g)
)
SELECT c.i, 'commune' AS source, NULL::bigint, NULL, NULL, NULL, NULL::boolean, NULL::float,
       NULL::float, NULL::int, NULL::int, NULL, NULL::float, c.code, NULL::int
  FROM city c
UNION ALL
SELECT i, 'existing', id, network_id, name, operator, classified, enrr_rate, co2_kg_per_kwh,
       threshold_very_close_m, threshold_close_m, '', distance, NULL, NULL
  FROM existing_close
 WHERE i IN (SELECT i FROM existing_settled)
UNION ALL
SELECT p.i, 'existing', n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, n.threshold_very_close_m, n.threshold_close_m, '',
       ST_Distance(near.segment, p.g), NULL, NULL
  FROM pts p
  CROSS JOIN LATERAL {_nearest_pieces("heatnetwork", "%(far)s")} near
  {_OPEN_HEAT_NETWORK}
   AND p.i NOT IN (SELECT i FROM existing_settled)
UNION ALL
SELECT p.i, 'future', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL, NULL,
       f.planned_commissioning, ST_Distance(near.segment, p.g), NULL, NULL
  FROM pts p
  CROSS JOIN LATERAL {_nearest_pieces("futurenetwork", "%(far)s")} near
  CROSS JOIN LATERAL (
    SELECT * FROM eligibility_futurenetwork WHERE id = near.network_id LIMIT 1
  ) f
UNION ALL
SELECT p.i, 'future_zone', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL,
       NULL, f.planned_commissioning,
       {_route_distance("futurenetwork", "f")}, NULL, NULL
  FROM pts p JOIN eligibility_futurenetwork f ON ST_Intersects(f.zone, p.g)
UNION ALL
SELECT p.i, 'pdp_existing', n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, n.threshold_very_close_m, n.threshold_close_m, '',
       {_route_distance("heatnetwork", "n")},
       z.official_id, z.power_threshold_kw
  FROM pdp p
  JOIN eligibility_priorityzone z ON z.id = p.zone
  JOIN eligibility_priorityzone_networks zn ON zn.priorityzone_id = z.id
  JOIN eligibility_heatnetwork n ON n.id = zn.heatnetwork_id
UNION ALL
SELECT p.i, 'pdp_future', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL, NULL,
       f.planned_commissioning,
       {_route_distance("futurenetwork", "f")},
       z.official_id, z.power_threshold_kw
  FROM pdp p
  JOIN eligibility_priorityzone z ON z.id = p.zone
  JOIN eligibility_priorityzone_future_networks zf ON zf.priorityzone_id = z.id
  JOIN eligibility_futurenetwork f ON f.id = zf.futurenetwork_id
UNION ALL
SELECT c.i, 'city', n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, NULL, NULL, '', NULL, NULL, NULL
  FROM city c
  CROSS JOIN LATERAL (
    SELECT * FROM eligibility_heatnetwork
     WHERE communes @> ARRAY[c.code]::varchar[]
       AND kind = 'heat' AND open_to_connections AND route IS NULL
  ) n
"""  # noqa: S608 - SQL pieces of this module only, never a request's input


# The nearest existing network open to connections within %(radius)s metres of each point (the
# "too far" points). A box of 10 km would hold thousands of route pieces near a city, so the
# pieces are found by KNN on the Mercator index instead (the index is walked from the nearest
# piece and stops at the 8th of an open heat network, however far: the network is checked by a
# scalar subquery, which the planner keeps per row, where EXISTS became a join of every
# network); the nearest of these pieces of each network is measured on the spheroid: the
# nearest network wins, ties by its id. Mercator's scale varies by less than
# 0.3 % over 10 km, so the piece found is the nearest or as near.
_NEAREST_SQL = f"""
WITH {_POINTS_SQL}
SELECT p.i, best.*
  FROM pts p
 CROSS JOIN LATERAL (
   SELECT n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate, n.co2_kg_per_kwh,
          ST_Distance(near.segment, p.g) AS distance
     FROM (
       SELECT DISTINCT ON (k.network_id) k.network_id, k.segment
         FROM (
           SELECT s.network_id, s.segment, s.segment_mercator <-> p.m AS rank
             FROM eligibility_heatnetwork_segment s
            WHERE (SELECT o.kind = 'heat' AND o.open_to_connections
                     FROM eligibility_heatnetwork o WHERE o.id = s.network_id)
            ORDER BY s.segment_mercator <-> p.m
            LIMIT 8
         ) k
        ORDER BY k.network_id, k.rank
     ) near
     {_OPEN_HEAT_NETWORK}
    ORDER BY distance, n.network_id
    LIMIT 1
 ) best
 WHERE best.distance <= %(radius)s
"""  # noqa: S608 - SQL pieces of this module only, never a request's input


def _largest_close() -> int:
    """The largest "close" distance of the settings (the default and the national ones); the
    query adds the networks' own."""
    return max(
        [settings.ELIGIBILITY_THRESHOLDS["close"]]
        + [close for _, close in settings.NETWORK_THRESHOLDS.values()]
    )


def _classify(source: str, distance: float | None, very_close: int, close: int):
    """(category, threshold applied) of one candidate."""
    far = settings.ELIGIBILITY_THRESHOLDS["far"]
    if source == "pdp_existing":
        return "in_pdp_existing", None
    if source == "pdp_future":
        return "in_pdp_future", None
    if source == "future_zone":
        return "in_future_zone", None
    if source == "city":
        return "city_network_without_route", None
    kind = "existing" if source == "existing" else "future"
    if distance <= very_close:
        return f"{kind}_very_close", very_close
    if distance <= close:
        return f"{kind}_close", close
    return f"{kind}_far", far


def evaluate(*, lat: float, lon: float, citycode: str = "") -> Verdict:
    """The verdict for a point (WGS84), from the in-memory index of the networks
    (eligibility/index.py): the same candidates as evaluate_many() gathers in SQL. `citycode`
    (INSEE) is the point's commune when known; otherwise it is looked up only where a network
    without a route may decide the verdict (none of the other kinds around), and the verdict's
    `citycode` may stay empty (the statistics find it afterwards: eligibility/recording.py)."""
    lon, lat = float(lon), float(lat)
    index = current()
    verdict = _verdict(index.candidates(lon, lat, citycode or ""))
    if verdict.category == "too_far":
        radius = settings.ELIGIBILITY_NEAREST_SEARCH_M
        verdict = _with_nearest(verdict, index.nearest_heat_network(lon, lat, radius))
    return verdict


def evaluate_many(
    points: Sequence[tuple[float, float, str]], *, connections: int = 1
) -> list[Verdict]:
    """The verdicts of many points (lat, lon, INSEE code or ""), in their order, in one query:
    the same candidates as evaluate() gathers for each point, classified the same way. Meant
    for chunks of a few thousand points.

    `connections` > 1 splits the points between as many threads, each with its own database
    connection, so that PostgreSQL works on several cores (the bulk test). Only outside a
    transaction: other connections would not see what the current one has not committed."""
    concurrent = connections > 1 and len(points) >= 2 * _MIN_POINTS_PER_CONNECTION
    if concurrent and not connection.in_atomic_block:
        return _evaluate_concurrently(points, connections)
    if not points:
        return []
    far = settings.ELIGIBILITY_THRESHOLDS["far"]
    params = {
        "lons": [float(lon) for _, lon, _ in points],
        "lats": [float(lat) for lat, _, _ in points],
        "codes": [code or "" for _, _, code in points],
        "far": float(far),
        "close": float(_largest_close()),
    }
    rows_by_point: list[list[tuple]] = [[] for _ in points]
    for row in _candidates(_CANDIDATES_SQL, params):
        rows_by_point[row[0] - 1].append(row[1:])
    verdicts = [_verdict(rows) for rows in rows_by_point]
    too_far = [i for i, verdict in enumerate(verdicts) if verdict.category == "too_far"]
    if too_far:
        nearest_params = {
            "lons": [params["lons"][i] for i in too_far],
            "lats": [params["lats"][i] for i in too_far],
            "codes": [""] * len(too_far),
            "radius": float(settings.ELIGIBILITY_NEAREST_SEARCH_M),
        }
        for row in _candidates(_NEAREST_SQL, nearest_params):
            i = too_far[row[0] - 1]
            verdicts[i] = _with_nearest(verdicts[i], row[1:])
    return verdicts


_MIN_POINTS_PER_CONNECTION = 500  # below, a connection of its own costs more than it saves


def _evaluate_concurrently(points, connections: int) -> list[Verdict]:
    size = -(-len(points) // connections)
    parts = [points[start : start + size] for start in range(0, len(points), size)]

    def evaluate_part(part):
        try:
            return evaluate_many(part)
        finally:
            db_connections.close_all()  # this thread's connection

    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        return [verdict for verdicts in pool.map(evaluate_part, parts) for verdict in verdicts]


def _candidates(sql: str, params: dict) -> list[tuple]:
    """Runs _CANDIDATES_SQL (or _NEAREST_SQL) as a prepared statement of the connection: the query is the same
    for one point or thousands (arrays), so PostgreSQL plans it once per connection instead of
    on every test (the plan costs about as much as the execution). Django's own cursors bind
    parameters on the client side and never prepare."""
    with server_cursor() as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def _verdict(rows) -> Verdict:
    """The best candidate of one point, from its rows of _CANDIDATES_SQL (index column
    removed)."""
    far = settings.ELIGIBILITY_THRESHOLDS["far"]
    citycode = next((row[12] for row in rows if row[0] == "commune"), None) or ""
    best = None
    for row in rows:
        if row[0] == "commune":
            continue
        (source, pk, network_id, name, operator, classified, enrr, co2, own_vc, own_c, planned,
         distance, zone_id, power_kw) = row  # fmt: skip
        if source in {"existing", "future"} and distance > far:
            continue  # inside the bounding box searched, beyond the "far" distance
        very_close, close = thresholds(network_id, own_vc, own_c)
        category, threshold = _classify(source, distance, very_close, close)
        # Rank by category, then by distance (unknown distances last), then by id for stability.
        key = (_RANK[category], distance if distance is not None else float("inf"), network_id)
        if best is None or key < best[0]:
            network = NetworkSummary(
                pk=pk,
                id=network_id,
                name=name,
                operator=operator,
                kind="existing" if source in {"existing", "pdp_existing", "city"} else "future",
                classified=bool(classified),
                enrr_rate=enrr,
                co2_kg_per_kwh=co2,
                planned_commissioning=planned or "",
            )
            best = (
                key,
                Verdict(
                    category=category,
                    distance_m=round(distance) if distance is not None else None,
                    threshold_m=threshold,
                    network=network,
                    priority_zone_id=zone_id,
                    power_threshold_kw=power_kw,
                    citycode=citycode,
                ),
            )
    if best is None:
        return Verdict(
            category="too_far", distance_m=None, threshold_m=far, network=None, citycode=citycode
        )
    return best[1]


def _with_nearest(verdict: Verdict, row: tuple | None) -> Verdict:
    """A "too far" verdict with the nearest network found beyond the "far" distance (a row of
    _NEAREST_SQL without its index: pk, id, name, operator, classified, EnR&R, CO2, distance);
    unchanged when there is none within the search radius."""
    if row is None:
        return verdict
    pk, network_id, name, operator, classified, enrr, co2, distance = row
    network = NetworkSummary(
        pk=pk,
        id=network_id,
        name=name,
        operator=operator,
        kind="existing",
        classified=bool(classified),
        enrr_rate=enrr,
        co2_kg_per_kwh=co2,
    )
    return replace(verdict, network=network, distance_m=round(distance))
