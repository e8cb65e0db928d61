"""The eligibility data in the memory of each process: the single-point test without SQL.

An eligibility test of one point (the page, the API) needs the networks around it. Asking
PostgreSQL costs a few milliseconds of fixed work per statement (the seven-branch plan opens and
locks its relations and indexes even for a point with nothing around), more than everything else
in the request. The networks themselves are small (the routes of every French network are a few
hundred thousand vertices), so each process keeps them in memory, in numpy arrays with R-trees
(shapely's STRtree), and measures distances itself:

- routes are split into pieces of at most 32 segments, indexed by their bounding boxes; the pieces
  within the "far" distance of the point are measured segment by segment;
- a distance is measured in a plane tangent to the ellipsoid (WGS84) at the point: north-south
  metres from the meridian radius of curvature at the point, east-west metres from the normal
  radius times the cosine of the latitude halfway between the point and the vertex. Within a few
  kilometres this is the ground distance that PostGIS measures on the spheroid to better than
  0.05 % (tests compare them, overseas included), far within the required 1 m or 0.5 %;
- construction zones and priority zones are polygons, tested with the point;
- the commune is only needed for the networks without a route: the box of the addresses of each
  commune that has one, widened by 2 km, tells whether the point may be in it; only then is the
  commune asked from the database (the nearest address, as the SQL of rules.py does).

The index gathers the same candidates as rules._CANDIDATES_SQL, in the same row shape, and
rules._verdict classifies them: one set of rules, two ways of gathering (tests check they agree).

Freshness: PostgreSQL numbers each change of the tables read here (DataVersion, migration 0010).
A process compares the numbers at most every ELIGIBILITY_INDEX_CHECK_SECONDS and reloads when
they differ, so an edit in the back office reaches every answer within that delay.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

_RAD = math.pi / 180
_A = 6378137.0  # WGS84
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_PIECE = 32  # segments per indexed piece, as the SQL's pieces (vertices)
_COMMUNE_MARGIN_M = 2000  # the SQL looks for the nearest address within 2 km
_ROUTE_CELL = 0.01  # degrees: about 1.1 km north-south, 0.7 km east-west in mainland France
_ADDRESS_CELL = 0.002  # about 220 m north-south


def _radii(lat: float) -> tuple[float, float]:
    """Metres per degree of latitude (meridian radius) and per degree of longitude at the equator
    of the normal radius (to multiply by a cosine), at latitude `lat`."""
    sin = math.sin(lat * _RAD)
    w = 1 - _E2 * sin * sin
    return _A * (1 - _E2) / w**1.5 * _RAD, _A / math.sqrt(w) * _RAD


def _box(lon: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """The lon/lat box (xmin, ymin, xmax, ymax) around a point that holds every point within
    `metres` (1 % margin)."""
    per_lat, per_lon = _radii(lat)
    dlat = metres * 1.01 / per_lat
    dlon = metres * 1.01 / (per_lon * max(math.cos((abs(lat) + dlat) * _RAD), 1e-6))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def ground_distances(lon: float, lat: float, segments: np.ndarray) -> np.ndarray:
    """Ground distances in metres from a point to segments (rows: lon, lat of one end, lon, lat
    of the other), measured in the plane tangent to the ellipsoid at the point (module
    docstring)."""
    per_lat, per_lon = _radii(lat)
    lats = segments[:, 1::2]
    x = (segments[:, 0::2] - lon) * (per_lon * np.cos((lats + lat) * (0.5 * _RAD)))
    y = (lats - lat) * per_lat
    x1, y1 = x[:, 0], y[:, 0]
    dx, dy = x[:, 1] - x1, y[:, 1] - y1
    length2 = dx * dx + dy * dy
    along = np.divide(-(x1 * dx + y1 * dy), length2, out=np.zeros_like(length2), where=length2 > 0)
    np.clip(along, 0.0, 1.0, out=along)
    return np.hypot(x1 + along * dx, y1 + along * dy)


class Grid:
    """Boxes (lon/lat) bucketed by the cells of a regular grid they touch: the boxes near a
    point are those of the few cells around it. Lighter than an R-tree of shapely geometries
    (a few numpy arrays; hundreds of thousands of route pieces), and as fast for the small
    boxes of routes and addresses. A box touching more than _MAX_CELLS cells (a long straight
    piece) is kept apart and tested on every query."""

    _MAX_CELLS = 64
    _ROWS = 1 << 20  # cells per column in a key (more than 180° / any cell size used)

    def __init__(self, xmin, ymin, xmax, ymax, *, cell: float):
        self.cell = cell
        self.xmin, self.ymin, self.xmax, self.ymax = xmin, ymin, xmax, ymax
        ix0, iy0 = self._cells(xmin, ymin)
        ix1, iy1 = self._cells(xmax, ymax)
        width, height = ix1 - ix0 + 1, iy1 - iy0 + 1
        counts = width * height
        small = counts <= self._MAX_CELLS
        self.large = np.flatnonzero(~small)
        ids = np.flatnonzero(small)
        counts = counts[ids]
        owner = np.repeat(ids, counts)
        rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        keys = self._key(ix0[owner] + rank // height[owner], iy0[owner] + rank % height[owner])
        order = np.argsort(keys, kind="stable")
        self.keys, self.ids = keys[order], owner[order]

    def _cells(self, x, y):
        return (
            np.floor(np.asarray(x) / self.cell).astype(np.int64),
            np.floor(np.asarray(y) / self.cell).astype(np.int64),
        )

    def _key(self, ix, iy):
        return ix * self._ROWS + iy

    def query(self, xmin: float, ymin: float, xmax: float, ymax: float) -> np.ndarray:
        """The ids of the boxes that intersect the query box."""
        cell = self.cell
        iy0, iy1 = math.floor(ymin / cell), math.floor(ymax / cell)
        # In a column of cells the keys follow each other: one range of entries per column.
        first = np.arange(math.floor(xmin / cell), math.floor(xmax / cell) + 1) * self._ROWS
        starts = np.searchsorted(self.keys, first + iy0, "left")
        ends = np.searchsorted(self.keys, first + iy1, "right")
        found = self.ids[_ranges(starts, ends - starts)]
        if len(self.large):
            found = np.concatenate([found, self.large])
        keep = (
            (self.xmin[found] <= xmax)
            & (self.xmax[found] >= xmin)
            & (self.ymin[found] <= ymax)
            & (self.ymax[found] >= ymin)
        )
        return found[keep]  # a box touching several cells is found in each: maybe repeated


def _ranges(starts, lengths) -> np.ndarray:
    """The indexes of the ranges [start, start + length), one after another."""
    if len(starts) == 1:
        return np.arange(starts[0], starts[0] + lengths[0])
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(lengths.sum())


class Routes:
    """The routes of a list of networks, as segments sorted by network, split into pieces of
    at most _PIECE segments; an STRtree of the pieces of the networks that may be searched."""

    def __init__(self, routes: list[bytes | None], searchable: np.ndarray):
        geometries = shapely.from_wkb(np.array(routes, dtype=object))
        lines, owners = shapely.get_parts(geometries, return_index=True)
        coords, line_of = shapely.get_coordinates(lines, return_index=True)
        same_line = line_of[1:] == line_of[:-1]
        self.segments = np.hstack([coords[:-1][same_line], coords[1:][same_line]])
        ax, ay, bx, by = self.segments.T
        segment_line = line_of[:-1][same_line]
        self.owner = owners[segment_line].astype(np.int64)
        count = len(self.owner)
        networks = np.arange(len(routes))
        self.network_start = np.searchsorted(self.owner, networks, "left")
        self.network_end = np.searchsorted(self.owner, networks, "right")
        # Pieces: a new one at each line's start and every _PIECE segments along a line.
        position = np.arange(count)
        line_start = np.ones(count, dtype=bool)
        line_start[1:] = segment_line[1:] != segment_line[:-1]
        first = np.maximum.accumulate(np.where(line_start, position, 0)) if count else position
        self.piece_start = np.flatnonzero((position - first) % _PIECE == 0)
        self.piece_end = np.append(self.piece_start[1:], count)
        if count:
            xmin = np.minimum.reduceat(np.minimum(ax, bx), self.piece_start)
            xmax = np.maximum.reduceat(np.maximum(ax, bx), self.piece_start)
            ymin = np.minimum.reduceat(np.minimum(ay, by), self.piece_start)
            ymax = np.maximum.reduceat(np.maximum(ay, by), self.piece_start)
        else:
            xmin = xmax = ymin = ymax = np.zeros(0)
        indexed = np.flatnonzero(searchable[self.owner[self.piece_start]]) if count else []
        self.indexed_pieces = indexed = np.asarray(indexed, dtype=np.int64)
        self.grid = Grid(
            xmin[indexed], ymin[indexed], xmax[indexed], ymax[indexed], cell=_ROUTE_CELL
        )

    def nearest(self, lon: float, lat: float, metres: float) -> list[tuple[int, float]]:
        """(network index, distance) of each searchable network whose route comes within
        `metres` of the point, measured on its nearest segment."""
        found = self.grid.query(*_box(lon, lat, metres))
        if not len(found):
            return []
        # Pieces in order, so their segments are in order, grouped by network.
        pieces = self.indexed_pieces[np.unique(found)]
        starts = self.piece_start[pieces]
        segments = _ranges(starts, self.piece_end[pieces] - starts)
        distances = ground_distances(lon, lat, self.segments[segments])
        owners = self.owner[segments]
        first = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
        nearest = np.minimum.reduceat(distances, first)
        within = nearest <= metres
        return list(zip(owners[first][within].tolist(), nearest[within].tolist(), strict=True))

    def distance(self, lon: float, lat: float, network: int) -> float | None:
        """The distance from the point to the whole route of one network; none without one."""
        start, end = self.network_start[network], self.network_end[network]
        if start == end:
            return None
        return float(ground_distances(lon, lat, self.segments[start:end]).min())


def _widen(boxes: np.ndarray, metres: float) -> np.ndarray:
    """Boxes (rows xmin, ymin, xmax, ymax) widened by `metres` on every side."""
    widened = boxes.copy()
    for row in widened:
        row[0], row[1] = _box(row[0], row[1], metres)[:2]
        row[2], row[3] = _box(row[2], row[3], metres)[2:]
    return widened


def _merge(boxes: np.ndarray) -> np.ndarray:
    """Boxes that overlap replaced by the box of both, until none overlaps: each address is
    then read once."""
    merged = [list(box) for box in boxes]
    changed = True
    while changed:
        changed = False
        kept: list[list[float]] = []
        for box in merged:
            for other in kept:
                if (
                    box[0] <= other[2]
                    and other[0] <= box[2]
                    and box[1] <= other[3]
                    and other[1] <= box[3]
                ):
                    other[:] = [min(box[0], other[0]), min(box[1], other[1]),
                                max(box[2], other[2]), max(box[3], other[3])]  # fmt: skip
                    changed = True
                    break
            else:
                kept.append(box)
        merged = kept
    return np.array(merged, dtype=float).reshape(-1, 4)


def _polygons(rows: list[bytes]):
    return shapely.STRtree(shapely.from_wkb(np.array(rows, dtype=object)))


@dataclass
class PriorityZone:
    official_id: str
    power_threshold_kw: int | None
    networks: list[int]  # indexes in NetworkIndex.heat
    future_networks: list[int]  # indexes in NetworkIndex.future


class NetworkIndex:
    """Everything the rules read, for one version of the data (module docstring)."""

    def __init__(self, version):
        self.version = version
        self.checked_at = time.monotonic()
        with connection.cursor() as cursor:
            self._load(cursor)

    def _load(self, cursor) -> None:
        cursor.execute(
            """
            SELECT id, network_id, name, operator, classified, enrr_rate, co2_kg_per_kwh,
                   threshold_very_close_m, threshold_close_m,
                   kind = 'heat' AND open_to_connections, communes,
                   ST_AsBinary(route::geometry)
              FROM eligibility_heatnetwork ORDER BY id
            """
        )
        rows = cursor.fetchall()
        # Candidate rows as rules._CANDIDATES_SQL returns them, but for the source and distance.
        self.heat = [row[:9] for row in rows]
        self.heat_position = {row[0]: i for i, row in enumerate(rows)}
        searchable = [bool(row[9]) for row in rows]  # open heat networks
        routes = [row[11] for row in rows]
        self.city_networks: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            if row[9] and row[11] is None:
                for code in row[10] or []:
                    self.city_networks.setdefault(code, []).append(i)

        cursor.execute(
            """
            SELECT id, official_id, name, operator, planned_commissioning,
                   ST_AsBinary(route::geometry), ST_AsBinary(zone::geometry)
              FROM eligibility_futurenetwork ORDER BY id
            """
        )
        rows = cursor.fetchall()
        self.future = [row[:5] for row in rows]
        self.future_position = {row[0]: i for i, row in enumerate(rows)}
        # One set of routes, heat networks first, then networks under construction (all
        # searched): one search around the point finds both.
        self.routes = Routes(
            routes + [row[5] for row in rows], np.array(searchable + [True] * len(rows))
        )
        zoned = [i for i, row in enumerate(rows) if row[6] is not None]
        self.future_zone_owner = zoned
        self.future_zones = _polygons([rows[i][6] for i in zoned])

        cursor.execute(
            """
            SELECT z.official_id, z.power_threshold_kw, ST_AsBinary(z.zone::geometry),
                   ARRAY(SELECT heatnetwork_id FROM eligibility_priorityzone_networks
                          WHERE priorityzone_id = z.id),
                   ARRAY(SELECT futurenetwork_id FROM eligibility_priorityzone_future_networks
                          WHERE priorityzone_id = z.id)
              FROM eligibility_priorityzone z ORDER BY z.id
            """
        )
        rows = cursor.fetchall()
        self.priority_zones = [
            PriorityZone(
                official_id=official_id,
                power_threshold_kw=power,
                networks=[self.heat_position[pk] for pk in networks],
                future_networks=[self.future_position[pk] for pk in future_networks],
            )
            for official_id, power, _, networks, future_networks in rows
        ]
        self.priority_zone_tree = _polygons([row[2] for row in rows])

        # The communes of the networks without a route: where their addresses are (a box,
        # widened by 2 km: a point outside can have no nearest address in them), and every
        # address near enough to be the nearest one of a point inside.
        cursor.execute(
            """
            SELECT ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)
              FROM (SELECT ST_Extent(location::geometry) AS box FROM eligibility_address
                     WHERE code_insee = ANY(%s) GROUP BY code_insee) e
            """,
            [sorted(self.city_networks)],
        )
        extents = np.array(cursor.fetchall(), dtype=float).reshape(-1, 4)
        gates = _widen(extents, _COMMUNE_MARGIN_M)
        self.commune_gates = Grid(*gates.T, cell=_ROUTE_CELL * 5)
        around = _merge(_widen(extents, 2 * _COMMUNE_MARGIN_M))
        cursor.execute(
            """
            SELECT ST_X(a.location::geometry), ST_Y(a.location::geometry), a.code_insee
              FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[])
                   AS b(xmin, ymin, xmax, ymax)
              JOIN eligibility_address a
                ON a.location && ST_MakeEnvelope(b.xmin, b.ymin, b.xmax, b.ymax, 4326)::geography
            """,
            [list(column) for column in around.T],
        )
        rows = cursor.fetchall()
        self.address_x = np.array([row[0] for row in rows], dtype=float)
        self.address_y = np.array([row[1] for row in rows], dtype=float)
        codes = sorted({row[2] for row in rows})
        self.address_codes = codes
        position = {code: i for i, code in enumerate(codes)}
        self.address_code = np.array([position[row[2]] for row in rows], dtype=np.int32)
        self.addresses = Grid(
            self.address_x, self.address_y, self.address_x, self.address_y, cell=_ADDRESS_CELL
        )

    def commune(self, lon: float, lat: float) -> str:
        """The commune of a point where it may have a network without a route: that of the
        nearest address within 300 m, else within 2 km (NEAREST_COMMUNE_SQL); "" elsewhere."""
        if not len(self.commune_gates.query(lon, lat, lon, lat)):
            return ""
        for metres in (300, _COMMUNE_MARGIN_M):
            found = self.addresses.query(*_box(lon, lat, metres))
            if len(found):
                x, y = self.address_x[found], self.address_y[found]
                distances = ground_distances(lon, lat, np.column_stack([x, y, x, y]))
                nearest = int(np.argmin(distances))
                if distances[nearest] <= metres:
                    return self.address_codes[self.address_code[found[nearest]]]
        return ""

    def candidates(self, lon: float, lat: float, citycode: str) -> list[tuple]:
        """The candidate rows of rules._CANDIDATES_SQL for one point (without its index)."""
        far = settings.ELIGIBILITY_THRESHOLDS["far"]
        rows = []
        heat = len(self.heat)
        for network, distance in self.routes.nearest(lon, lat, far):
            if network < heat:
                rows.append(("existing", *self.heat[network], "", distance, None, None))
            else:
                rows.append(("future", *self._future(network - heat), distance, None, None))
        point = None
        if len(self.future_zone_owner) or self.priority_zones:
            point = shapely.Point(lon, lat)
        if len(self.future_zone_owner):
            for found in self.future_zones.query(point, predicate="intersects"):
                network = self.future_zone_owner[found]
                distance = self.routes.distance(lon, lat, len(self.heat) + network)
                rows.append(("future_zone", *self._future(network), distance, None, None))
        if self.priority_zones:
            for found in self.priority_zone_tree.query(point, predicate="intersects"):
                zone = self.priority_zones[found]
                for network in zone.networks:
                    distance = self.routes.distance(lon, lat, network)
                    rows.append(
                        ("pdp_existing", *self.heat[network], "", distance,
                         zone.official_id, zone.power_threshold_kw)
                    )  # fmt: skip
                for network in zone.future_networks:
                    distance = self.routes.distance(lon, lat, len(self.heat) + network)
                    rows.append(
                        ("pdp_future", *self._future(network), distance,
                         zone.official_id, zone.power_threshold_kw)
                    )  # fmt: skip
        # A network without a route ranks below every route and zone: the commune is only
        # needed, when not given, for a point that has none of them around.
        if not citycode and not rows:
            citycode = self.commune(lon, lat)
        if citycode:
            rows.append(("commune",) + (None,) * 11 + (citycode, None))
            for network in self.city_networks.get(citycode, []):
                pk, network_id, name, operator, classified, enrr, co2, _, _ = self.heat[network]
                rows.append(
                    ("city", pk, network_id, name, operator, classified, enrr, co2,
                     None, None, "", None, None, None)
                )  # fmt: skip
        return rows

    def _future(self, network: int) -> tuple:
        pk, official_id, name, operator, planned = self.future[network]
        return (pk, official_id, name, operator, False, None, None, None, None, planned)


# The commune of a point `{point}` (geography): that of the nearest known address within 2 km
# (KNN: inside the subquery the point is a constant, so the index orders the addresses), searched
# within 300 m first, where nearly every point has one: the smaller box halves the search.
NEAREST_COMMUNE_SQL = """COALESCE((
    SELECT a.code_insee FROM eligibility_address a
     WHERE ST_DWithin(a.location, {point}, 300)
     ORDER BY a.location <-> {point}
     LIMIT 1
  ), (
    SELECT a.code_insee FROM eligibility_address a
     WHERE ST_DWithin(a.location, {point}, 2000)
     ORDER BY a.location <-> {point}
     LIMIT 1
  ))"""


def commune_at(*, lat: float, lon: float) -> str:
    """The INSEE code of the commune of a point (NEAREST_COMMUNE_SQL), or ""."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {NEAREST_COMMUNE_SQL.format(point='p.g')} FROM (SELECT "  # noqa: S608
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography AS g) p",
            [lon, lat],
        )
        return cursor.fetchone()[0] or ""


_lock = threading.Lock()
_current: NetworkIndex | None = None


def current() -> NetworkIndex:
    """The index of the current data: the one in memory, reloaded when PostgreSQL's version
    numbers differ (checked at most every ELIGIBILITY_INDEX_CHECK_SECONDS)."""
    global _current
    index = _current
    now = time.monotonic()
    if index is not None and now - index.checked_at < settings.ELIGIBILITY_INDEX_CHECK_SECONDS:
        return index
    from eligibility.models import DataVersion

    version = DataVersion.current()
    if index is not None and index.version == version:
        index.checked_at = now
        return index
    with _lock:
        if _current is None or _current.version != version:
            started = time.monotonic()
            _current = NetworkIndex(version)
            logger.info("Eligibility index loaded in %.2f s", time.monotonic() - started)
        return _current
