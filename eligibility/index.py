"""The eligibility data in the memory of each process: the single-point test without SQL.

An eligibility test of one point (the page, the API) needs the networks around it. Asking
PostgreSQL costs a few milliseconds of fixed work per statement (the seven-branch plan opens and
locks its relations and indexes even for a point with nothing around), more than everything else
in the request. The networks themselves are small (the routes of every French network are a few
hundred thousand vertices), so each process keeps them in memory, in numpy arrays, and measures
distances itself:

- route segments are bucketed by the cells of a regular grid (a dict of numpy arrays); the
  segments of the cells within the "far" distance of the point are measured;
- a distance is measured in a plane tangent to the ellipsoid (WGS84) at the point: north-south
  metres from the meridian radius of curvature at the point, east-west metres from the normal
  radius times the cosine of the latitude halfway between the point and the vertex. Within a few
  kilometres this is the ground distance that PostGIS measures on the spheroid to better than
  0.05 % (tests compare them, overseas included), far within the required 1 m or 0.5 %;
- route segments longer than 1 km are cut along the great circle between their ends (what an
  edge is for PostGIS's geographies), so that the tangent plane stays exact for them too;
- construction zones and priority zones are polygons (shapely, in an STRtree), tested with the
  point; their edges are straight in longitude/latitude here and great circles for PostGIS,
  which differ by less than a metre for edges under 5 km (perimeters have short edges);
- the commune is only needed for the networks without a route, and only when no route or zone
  is around (those rank first): the box of the addresses of each commune that has one, widened
  by 2 km, tells whether the point may be in it; the addresses within 4 km of those communes
  are kept too, in a grid, and the nearest one gives the commune, as the SQL of rules.py finds
  it (NEAREST_COMMUNE_SQL).

The index gathers the same candidates as rules._CANDIDATES_SQL, in the same row shape, and
rules._verdict classifies them: one set of rules, two ways of gathering (tests check they agree).

Freshness: PostgreSQL numbers each change of the tables read here (DataVersion, migration 0010).
A process compares the numbers at most every ELIGIBILITY_INDEX_CHECK_SECONDS and reloads when
they differ, so an edit in the back office reaches every answer within that delay.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely
from django.conf import settings
from django.db import DatabaseError, connection, transaction

logger = logging.getLogger(__name__)

_RAD = math.pi / 180
_A = 6378137.0  # WGS84
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_COMMUNE_MARGIN_M = 2000  # the SQL looks for the nearest address within 2 km
_ROUTE_CELL = 0.005  # degrees: about 550 m north-south, 370 m east-west in mainland France
_ADDRESS_CELL = 0.01  # about 1.1 km north-south
_LONGEST_SEGMENT_M = 1000  # longer route segments are cut (_split_long_segments)
_EARTH_RADIUS_M = 6371008.8
_GATE_CELL = 0.1  # the boxes of communes widened by 2 km are about 5 to 15 km wide
_NEAREST_FIRST_SEARCH_M = 3000  # nearest_heat_network: the first, smaller search


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
    cos = math.cos(min(abs(lat) + dlat, 90.0) * _RAD)
    dlon = 180.0 if cos * per_lon * 180.0 <= metres * 1.01 else metres * 1.01 / (per_lon * cos)
    return max(lon - dlon, -180.0), lat - dlat, min(lon + dlon, 180.0), lat + dlat


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
    # Where the perpendicular from the point falls along each segment, held within its ends
    # (a segment of length 0 gives 0: its first end).
    along = -(x1 * dx + y1 * dy) / np.maximum(dx * dx + dy * dy, 1e-18)
    along = np.minimum(np.maximum(along, 0.0), 1.0)
    return np.hypot(x1 + along * dx, y1 + along * dy)


class Grid:
    """Boxes (lon/lat) bucketed by the cells of a regular grid they touch, in a dict: the
    boxes near a point are those of the few cells around it, found with a handful of dict
    lookups and one numpy concatenation. Lighter than an R-tree of shapely geometries for
    hundreds of thousands of route segments, and faster for their small boxes. A box touching
    more than _MAX_CELLS cells (a long straight segment) is kept apart, returned every time."""

    _MAX_CELLS = 256  # a segment of 5 km across cells of 0.005° touches about 150
    _ROWS = 1 << 20  # cells per column in a key (more than 180° / any cell size used)

    def __init__(self, xmin, ymin, xmax, ymax, *, ids=None, cell: float):
        self.cell = cell
        ids = np.arange(len(xmin)) if ids is None else np.asarray(ids, dtype=np.int64)
        ix0, iy0 = self._cells(xmin), self._cells(ymin)
        width, height = self._cells(xmax) - ix0 + 1, self._cells(ymax) - iy0 + 1
        counts = width * height
        small = counts <= self._MAX_CELLS
        self.large = ids[~small]
        ix0, iy0, height, ids, counts = (
            ix0[small],
            iy0[small],
            height[small],
            ids[small],
            counts[small],
        )
        entry = np.repeat(np.arange(len(ids)), counts)
        rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        keys = (ix0[entry] + rank // height[entry]) * self._ROWS + iy0[entry] + rank % height[entry]
        order = np.lexsort((ids[entry], keys))  # by cell, then in the ids' order
        keys, members = keys[order], ids[entry][order]
        cells, starts = np.unique(keys, return_index=True)
        groups = np.split(members, starts[1:]) if len(cells) else []
        self.cells = dict(zip(cells.tolist(), groups, strict=True))
        # The cells' columns and rows, for a query box of many cells (near a pole).
        self.groups = groups
        self.columns = (cells + self._ROWS // 2) // self._ROWS
        self.rows = cells - self.columns * self._ROWS

    def _cells(self, values) -> np.ndarray:
        return np.floor(np.asarray(values, dtype=float) / self.cell).astype(np.int64)

    def query(self, xmin: float, ymin: float, xmax: float, ymax: float) -> np.ndarray:
        """The ids of the boxes in the cells of the query box, in order, maybe repeated (a box
        is in each cell it touches) and maybe a little beyond the query box."""
        cell, rows, cells = self.cell, self._ROWS, self.cells
        ix0, ix1 = math.floor(xmin / cell), math.floor(xmax / cell)
        iy0, iy1 = math.floor(ymin / cell), math.floor(ymax / cell)
        if (ix1 - ix0 + 1) * (iy1 - iy0 + 1) <= min(len(cells), 256):
            found = [
                members
                for ix in range(ix0, ix1 + 1)
                for iy in range(iy0, iy1 + 1)
                if (members := cells.get(ix * rows + iy)) is not None
            ]
        else:  # a box of many cells (near a pole): the cells that hold something, filtered
            inside = (
                (self.columns >= ix0)
                & (self.columns <= ix1)
                & (self.rows >= iy0)
                & (self.rows <= iy1)
            )
            found = [self.groups[i] for i in np.flatnonzero(inside)]
        if len(self.large):
            found.append(self.large)
        if len(found) == 1:
            return found[0]
        return np.sort(np.concatenate(found)) if found else _NONE


_NONE = np.zeros(0, dtype=np.int64)
_WKB_POINT = np.dtype([("order", "u1"), ("type", "<u4"), ("x", "<f8"), ("y", "<f8")])


def _split_long_segments(segments: np.ndarray, owner: np.ndarray):
    """Segments longer than _LONGEST_SEGMENT_M cut into equal parts along the great circle
    between their ends, which is what a route's edge is for PostGIS's geographies: measured in
    the plane tangent at the point, a straight line of tens of kilometres would drift away from
    that arc (by 100 m at 40 km). Order kept: the parts stay grouped by network."""
    lon1, lat1, lon2, lat2 = np.radians(segments.T)
    ends = np.stack([_unit_vectors(lon1, lat1), _unit_vectors(lon2, lat2)])
    angle = np.arccos(np.clip((ends[0] * ends[1]).sum(axis=1), -1.0, 1.0))
    parts = np.maximum(1, np.ceil(angle * _EARTH_RADIUS_M / _LONGEST_SEGMENT_M)).astype(np.int64)
    if (parts == 1).all():
        return segments, owner
    of = np.repeat(np.arange(len(parts)), parts)
    step = np.arange(len(of)) - np.repeat(np.cumsum(parts) - parts, parts)
    first, second = ends[0][of], ends[1][of]
    points = [
        _great_circle_point(first, second, angle[of], (step + shift) / parts[of])
        for shift in (0, 1)
    ]
    return np.hstack(points), owner[of]


def _unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def _great_circle_point(first, second, angle, fraction) -> np.ndarray:
    """(lon, lat) in degrees at `fraction` of the arc from `first` to `second` (unit vectors)."""
    sin = np.sin(angle)
    safe = np.where(sin > 0, sin, 1.0)
    a = np.where(sin > 0, np.sin((1 - fraction) * angle) / safe, 1 - fraction)
    b = np.where(sin > 0, np.sin(fraction * angle) / safe, fraction)
    x, y, z = (a[:, None] * first + b[:, None] * second).T
    return np.column_stack(
        [np.degrees(np.arctan2(y, x)), np.degrees(np.arctan2(z, np.hypot(x, y)))]
    )


class Routes:
    """The routes of a list of networks, as segments sorted by network, with a grid of the
    segments of the networks that may be searched."""

    def __init__(self, routes: list[bytes | None], searchable: np.ndarray):
        geometries = shapely.from_wkb(np.array(routes, dtype=object))
        lines, owners = shapely.get_parts(geometries, return_index=True)
        coords, line_of = shapely.get_coordinates(lines, return_index=True)
        same_line = line_of[1:] == line_of[:-1]
        self.segments, self.owner = _split_long_segments(
            np.hstack([coords[:-1][same_line], coords[1:][same_line]]),
            owners[line_of[:-1][same_line]].astype(np.int64),
        )
        networks = np.arange(len(routes))
        self.network_start = np.searchsorted(self.owner, networks, "left")
        self.network_end = np.searchsorted(self.owner, networks, "right")
        indexed = np.flatnonzero(searchable[self.owner]) if len(self.owner) else _NONE
        ax, ay, bx, by = self.segments[indexed].T
        self.grid = Grid(
            np.minimum(ax, bx), np.minimum(ay, by), np.maximum(ax, bx), np.maximum(ay, by),
            ids=indexed, cell=_ROUTE_CELL,
        )  # fmt: skip

    def nearest(self, lon: float, lat: float, metres: float) -> list[tuple[int, float]]:
        """(network index, distance) of each searchable network whose route comes within
        `metres` of the point, measured on its nearest segment."""
        segments = self.grid.query(*_box(lon, lat, metres))
        if not len(segments):
            return []
        # Segments in order: grouped by network.
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
class IndexedPriorityZone:
    """A priority zone (PDP) as the index keeps it: its networks by their index positions."""

    official_id: str
    power_threshold_kw: int | None
    networks: list[int]  # indexes in NetworkIndex.heat
    future_networks: list[int]  # indexes in NetworkIndex.future


class NetworkIndex:
    """Everything the rules read, for one version of the data (module docstring)."""

    def __init__(self):
        """Reads the data and its version in one snapshot (a repeatable-read transaction, unless
        called inside a transaction already, whose snapshot rules)."""
        from eligibility.models import DataVersion

        self.checked_at = time.monotonic()
        snapshot = not connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if snapshot:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self.version = DataVersion.current()
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
            IndexedPriorityZone(
                official_id=official_id,
                power_threshold_kw=power,
                networks=[self.heat_position[pk] for pk in networks if pk in self.heat_position],
                future_networks=[
                    self.future_position[pk] for pk in future_networks if pk in self.future_position
                ],
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
        self.commune_gates = gates
        self.commune_grid = Grid(*gates.T, cell=_GATE_CELL)
        around = _merge(_widen(extents, 2 * _COMMUNE_MARGIN_M))
        # In one value each, not one row per address: no Python object per address, even
        # while loading (the workers share the master's memory, garbage included).
        cursor.execute(
            """
            SELECT ST_AsBinary(ST_Collect(a.location::geometry ORDER BY a.id), 'NDR'),
                   string_agg(rpad(a.code_insee, 5), '' ORDER BY a.id)
              FROM unnest(%s::float8[], %s::float8[], %s::float8[], %s::float8[])
                   AS b(xmin, ymin, xmax, ymax)
              JOIN eligibility_address a
                ON a.location && ST_MakeEnvelope(b.xmin, b.ymin, b.xmax, b.ymax, 4326)::geography
            """,
            [list(column) for column in around.T],
        )
        points, codes = cursor.fetchone()
        # A little-endian WKB multipoint: a 9-byte header, then 21 bytes a point (byte order,
        # type, x, y), read in place rather than as hundreds of thousands of GEOS points.
        points = np.frombuffer(points or b"", dtype=_WKB_POINT, offset=9 if points else 0)
        self.address_x, self.address_y = points["x"].copy(), points["y"].copy()
        # rpad: 5 characters a code; a character outside ASCII (bad data) stays one byte.
        codes = np.frombuffer((codes or "").encode("ascii", "replace"), dtype="S5")
        unique, self.address_code = np.unique(codes, return_inverse=True)
        self.address_codes = [code.decode("ascii").strip() for code in unique]
        self.addresses = Grid(
            self.address_x, self.address_y, self.address_x, self.address_y, cell=_ADDRESS_CELL
        )

    def commune(self, lon: float, lat: float) -> str:
        """The commune of a point where it may have a network without a route: that of the
        nearest address within 300 m, else within 2 km (NEAREST_COMMUNE_SQL); "" elsewhere."""
        gates = self.commune_gates[self.commune_grid.query(lon, lat, lon, lat)]
        inside = (
            (gates[:, 0] <= lon)
            & (lon <= gates[:, 2])
            & (gates[:, 1] <= lat)
            & (lat <= gates[:, 3])
        )
        if not inside.any():
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

    def nearest_heat_network(self, lon: float, lat: float, metres: float) -> tuple | None:
        """The nearest existing network open to connections whose route comes within `metres`
        of the point, for a "too far" verdict: a row of rules._NEAREST_SQL (pk, id, name,
        operator, classified, EnR&R, CO2, distance), or None. Searched within 3 km first: the
        box of a few kilometres holds few segments, the full radius is only searched when needed
        (rural places, where routes are few)."""
        heat = len(self.heat)
        for radius in sorted({min(_NEAREST_FIRST_SEARCH_M, metres), metres}):
            found = [
                (distance, self.heat[network][1], network)
                for network, distance in self.routes.nearest(lon, lat, radius)
                if network < heat
            ]
            if found:
                distance, _, network = min(found)
                return (*self.heat[network][:7], distance)
        return None

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


def _release_freed_memory() -> None:
    """Gives back to the system the memory freed after a load (glibc keeps it otherwise, and
    gunicorn's workers would all inherit it from the master)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)


_lock = threading.Lock()
_current: NetworkIndex | None = None


def current() -> NetworkIndex:
    """The index of the current data: the one in memory, reloaded when PostgreSQL's version
    numbers differ (checked at most every ELIGIBILITY_INDEX_CHECK_SECONDS). While the database
    does not answer, the index in memory keeps answering (checked again after the delay)."""
    index = _current
    now = time.monotonic()
    if index is not None and now - index.checked_at < settings.ELIGIBILITY_INDEX_CHECK_SECONDS:
        return index
    if index is None:
        return _refreshed(now)
    try:
        return _refreshed(now)
    except DatabaseError:
        logger.warning("Eligibility index not checked: database unavailable", exc_info=True)
        index.checked_at = now
        return index


def _refreshed(now: float) -> NetworkIndex:
    global _current
    from eligibility.models import DataVersion

    version = DataVersion.current()
    index = _current
    if index is not None and index.version == version:
        index.checked_at = now
        return index
    with _lock:
        if _current is None or _current.version != version:
            started = time.monotonic()
            _current = NetworkIndex()
            _release_freed_memory()
            logger.info("Eligibility index loaded in %.2f s", time.monotonic() - started)
        return _current
