"""The eligibility rules: from a point to a verdict.

Categories, in order of precedence (product.md): in a PDP of an existing network; in a PDP of a
future network; existing network very close; future network very close; inside a construction
zone; existing network close; future network close; existing network far; future network far;
a network without a route in the commune; too far. The first seven are eligible.

One SQL query gathers every candidate around the point through the spatial indexes (ST_DWithin,
ST_Intersects on geographies: ground distances in metres anywhere in France); each candidate is
classified with its own network's thresholds, and the best one wins. All the fields of a verdict
describe the same network: the one whose candidate won.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection

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


# Each branch returns the same columns. Routes are measured on their pieces of at most 32
# vertices (tables *_segment, kept by triggers: migration 0005): the GiST index finds the pieces
# whose bounding box comes within the "far" distance (`&& _ST_Expand`, what ST_DWithin does
# first); the nearest piece on the sphere (cheap) is measured on the spheroid (exact): the two
# differ by less than 0.5 %, so the nearest piece is the same or as near. evaluate() drops
# routes beyond the "far" distance.
_CANDIDATES_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography AS g),
-- The commune: given, else the one of the nearest known address within 2 km (KNN).
city AS (
  SELECT COALESCE(NULLIF(%(citycode)s, ''), (
    -- KNN through the index needs the point as a constant expression, not a CTE column.
    SELECT nearest.code_insee FROM (
      SELECT a.code_insee, a.location FROM eligibility_address a
       ORDER BY a.location <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography
       LIMIT 1
    ) nearest, pt WHERE ST_DWithin(nearest.location, pt.g, 2000)
  )) AS code
)
SELECT 'commune' AS source, NULL::bigint, NULL, NULL, NULL, NULL::boolean, NULL::float, NULL::float,
       NULL::int, NULL::int, NULL, NULL::float, city.code, NULL::int
  FROM city
UNION ALL
SELECT 'existing' AS source, n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, n.threshold_very_close_m, n.threshold_close_m, '' AS planned,
       near.distance, NULL AS zone_id, NULL::int AS power_kw
  FROM (SELECT nearest.network_id, ST_Distance(nearest.segment, pt.g) AS distance
          FROM (SELECT DISTINCT ON (s.network_id) s.network_id, s.segment
                  FROM eligibility_heatnetwork_segment s, pt
                 WHERE s.segment && _ST_Expand(pt.g, %(far)s)
                 ORDER BY s.network_id, ST_Distance(s.segment, pt.g, false)) nearest, pt) near
  -- LIMIT 1 keeps this an index lookup per nearby network (the planner would scan them all).
  CROSS JOIN LATERAL (SELECT * FROM eligibility_heatnetwork WHERE id = near.network_id LIMIT 1) n
 WHERE n.kind = 'heat' AND n.open_to_connections
UNION ALL
SELECT 'future', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL, NULL,
       f.planned_commissioning, near.distance, NULL, NULL
  FROM (SELECT nearest.network_id, ST_Distance(nearest.segment, pt.g) AS distance
          FROM (SELECT DISTINCT ON (s.network_id) s.network_id, s.segment
                  FROM eligibility_futurenetwork_segment s, pt
                 WHERE s.segment && _ST_Expand(pt.g, %(far)s)
                 ORDER BY s.network_id, ST_Distance(s.segment, pt.g, false)) nearest, pt) near
  CROSS JOIN LATERAL (SELECT * FROM eligibility_futurenetwork WHERE id = near.network_id LIMIT 1) f
UNION ALL
SELECT 'future_zone', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL, NULL,
       f.planned_commissioning, CASE WHEN f.route IS NULL THEN NULL ELSE ST_Distance(f.route, pt.g) END,
       NULL, NULL
  FROM eligibility_futurenetwork f, pt
 WHERE ST_Intersects(f.zone, pt.g)
UNION ALL
SELECT 'pdp_existing', n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, n.threshold_very_close_m, n.threshold_close_m, '',
       CASE WHEN n.route IS NULL THEN NULL ELSE ST_Distance(n.route, pt.g) END,
       z.official_id, z.power_threshold_kw
  FROM eligibility_priorityzone z
  JOIN eligibility_priorityzone_networks zn ON zn.priorityzone_id = z.id
  JOIN eligibility_heatnetwork n ON n.id = zn.heatnetwork_id, pt
 WHERE ST_Intersects(z.zone, pt.g)
UNION ALL
SELECT 'pdp_future', f.id, f.official_id, f.name, f.operator, false, NULL, NULL, NULL, NULL,
       f.planned_commissioning,
       CASE WHEN f.route IS NULL THEN NULL ELSE ST_Distance(f.route, pt.g) END,
       z.official_id, z.power_threshold_kw
  FROM eligibility_priorityzone z
  JOIN eligibility_priorityzone_future_networks zf ON zf.priorityzone_id = z.id
  JOIN eligibility_futurenetwork f ON f.id = zf.futurenetwork_id, pt
 WHERE ST_Intersects(z.zone, pt.g)
UNION ALL
SELECT 'city', n.id, n.network_id, n.name, n.operator, n.classified, n.enrr_rate,
       n.co2_kg_per_kwh, NULL, NULL, '', NULL, NULL, NULL
  FROM eligibility_heatnetwork n, city
 WHERE n.communes @> ARRAY[city.code]::varchar[]
   AND n.kind = 'heat' AND n.open_to_connections AND n.route IS NULL
"""


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
    """The verdict for a point (WGS84). `citycode` (INSEE) enables networks without a route."""
    far = settings.ELIGIBILITY_THRESHOLDS["far"]
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL, {"lon": lon, "lat": lat, "far": far, "citycode": citycode or ""}
        )
        rows = cursor.fetchall()

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
