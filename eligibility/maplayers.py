"""The map's layers as Mapbox vector tiles, rendered by PostGIS (ST_AsMVT), and the version of
the data they show (for ETags).

One tile (`/tiles/<layer>/<z>/<x>/<y>.pbf`) holds one MVT layer per kind of feature. Geometries
are WGS84 geographies in the database; tiles are in Web Mercator (EPSG:3857):

- heat and cold networks: at zoom 13 and more, the route itself, clipped to the tile before it is
  transformed; below, the copies that PostgreSQL keeps up to date in generated columns (see
  migration 0003): one point per network up to zoom 6, `map_route_coarse` (300 m grid) at 7 and
  8, `map_route_medium` (25 m grid) from 9 to 12. A tile of France never transforms a million
  vertices, and a tile of Paris at zoom 12 is 4 times faster than from the routes;
- networks under construction, their zones, PDP: few vertices, simplified per tile;
- heat plants: one point each.

Rows are found through the spatial indexes: the GiST index of the Web Mercator copies below
zoom 13, the geography's GiST index (`route && <tile as geography>`) from 13.

Synthetic (fictitious) records are shown only when the database holds nothing else (the
benchmark database); every feature says whether it is synthetic, so the map can say "fictif".
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import date

from django.db import connection

MAX_ZOOM = 20
# Below this zoom the heat and cold routes come from the precomputed copies.
DETAILED_ZOOM = 13
MEDIUM_ZOOM = 9
# Up to this zoom (one pixel is 2.4 km or more) a network is drawn as one point.
POINT_ZOOM = 6
# Below this zoom a tile is too wide to be a meaningful geography (its edges would be great
# circles across continents): small layers are then read without a spatial filter.
GEOGRAPHY_FILTER_ZOOM = 5
# Bump when the SQL below changes what a tile holds: the ETags change with it.
RENDERER_VERSION = "2"
VERSION_TTL_SECONDS = 5.0
_DIGITS = re.compile(r"[0-9]{1,8}")


class InvalidTile(ValueError):
    """Tile coordinates that do not exist; the message is in French, for the API error."""


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def extent(self) -> int:
        """MVT units per tile side: 4096 when detailed, 1024 below (4 units per pixel)."""
        return 4096 if self.z >= DETAILED_ZOOM else 1024

    @property
    def buffer(self) -> int:
        return self.extent // 64

    @classmethod
    def parse(cls, z: str, x: str, y: str) -> Tile:
        """Tile coordinates from the URL's strings; raises InvalidTile."""
        if not all(_DIGITS.fullmatch(value) for value in (z, x, y)):
            raise InvalidTile("Les coordonnées de tuile doivent être des entiers positifs.")
        zoom, column, row = (int(value) for value in (z, x, y))
        if not 0 <= zoom <= MAX_ZOOM:
            raise InvalidTile(f"Le niveau de zoom doit être compris entre 0 et {MAX_ZOOM}.")
        last = 2**zoom - 1
        if not (0 <= column <= last and 0 <= row <= last):
            raise InvalidTile(f"Au zoom {zoom}, x et y doivent être compris entre 0 et {last}.")
        return cls(zoom, column, row)


# --- Layers -----------------------------------------------------------------------------------
# SQL is assembled from this module's constants only; request values (z, x, y) are parameters.
# Each function returns the SELECT of one MVT layer over the `bounds` row of TILE_SQL: `tile`
# (3857), `area` (the tile and its buffer, 3857), `area_4326` and `area_geography`.


def _live(column: str) -> str:
    """A geography column clipped to the tile, in Web Mercator, simplified to one MVT unit."""
    return (
        f"ST_Simplify(ST_Transform(ST_ClipByBox2D({column}::geometry, b.area_4326), 3857), "
        "%(unit)s)"
    )


def _point(column: str) -> str:
    return f"ST_Transform(ST_PointOnSurface({column}::geometry), 3857)"


def _geography_filter(column: str, tile: Tile) -> str:
    return f"{column} && b.area_geography" if tile.z >= GEOGRAPHY_FILTER_ZOOM else "true"


def _real_only(alias: str, show_synthetic: bool) -> str:
    return "true" if show_synthetic else f"NOT {alias}.is_synthetic"


def _mvt(name: str, features: str) -> str:
    select = (
        "SELECT ST_AsMVT(features.*, '{name}', %(extent)s, 'geom') FROM ({features}) AS features"
    )
    return select.format(name=name, features=features)


def _mvt_geometry(expression: str) -> str:
    return f"ST_AsMVTGeom({expression}, b.tile, %(extent)s, %(buffer)s)"


def _network_layer(kind: str, tile: Tile, show_synthetic: bool) -> str:
    if tile.z >= DETAILED_ZOOM:
        geometry, index_filter = _live("n.route"), "n.route && b.area_geography"
    else:
        if tile.z <= POINT_ZOOM:
            geometry = "n.map_route_point"
        else:
            geometry = "n.map_route_medium" if tile.z >= MEDIUM_ZOOM else "n.map_route_coarse"
        index_filter = f"{geometry} && b.area"
    return _mvt(
        kind,
        f"""
        SELECT n.network_id AS id, n.name, NULLIF(n.operator, '') AS operator,
               n.enrr_rate, n.co2_kg_per_kwh, n.classified,
               n.open_to_connections AS open, NULLIF(n.is_synthetic, false) AS synthetic,
               {_mvt_geometry(geometry)} AS geom
          FROM eligibility_heatnetwork n, bounds b
         WHERE n.kind = '{kind}' AND {index_filter} AND {_real_only("n", show_synthetic)}
        """,  # noqa: S608 - SQL pieces of this module only, never a request's input
    )


def _future_layer(tile: Tile, show_synthetic: bool) -> str:
    shape = _point if tile.z <= POINT_ZOOM else _live
    parts = [
        f"""
        SELECT f.official_id AS id, f.name, NULLIF(f.operator, '') AS operator,
               NULLIF(f.planned_commissioning, '') AS commissioning, '{part}' AS part,
               NULLIF(f.is_synthetic, false) AS synthetic,
               {_mvt_geometry(shape(f"f.{column}"))} AS geom
          FROM eligibility_futurenetwork f, bounds b
         WHERE f.{column} IS NOT NULL AND {_geography_filter(f"f.{column}", tile)}
           AND {_real_only("f", show_synthetic)}
        """  # noqa: S608 - SQL pieces of this module only
        for part, column in (("route", "route"), ("zone", "zone"))
    ]
    return _mvt("future", " UNION ALL ".join(parts))


def _pdp_layer(tile: Tile, show_synthetic: bool) -> str:
    return _mvt(
        "pdp",
        f"""
        SELECT p.official_id AS id, NULLIF(p.name, '') AS name, p.power_threshold_kw,
               (SELECT string_agg(n.network_id, ',' ORDER BY n.network_id)
                  FROM eligibility_priorityzone_networks l
                  JOIN eligibility_heatnetwork n ON n.id = l.heatnetwork_id
                 WHERE l.priorityzone_id = p.id) AS networks,
               (SELECT string_agg(f.official_id, ',' ORDER BY f.official_id)
                  FROM eligibility_priorityzone_future_networks l
                  JOIN eligibility_futurenetwork f ON f.id = l.futurenetwork_id
                 WHERE l.priorityzone_id = p.id) AS future_networks,
               NULLIF(p.is_synthetic, false) AS synthetic,
               {_mvt_geometry(_live("p.zone"))} AS geom
          FROM eligibility_priorityzone p, bounds b
         WHERE {_geography_filter("p.zone", tile)} AND {_real_only("p", show_synthetic)}
        """,  # noqa: S608 - SQL pieces of this module only, never a request's input
    )


def _plants_layer(tile: Tile, show_synthetic: bool) -> str:
    return _mvt(
        "plants",
        f"""
        SELECT c.official_id AS id, NULLIF(c.name, '') AS name, NULLIF(c.fuel, '') AS fuel,
               c.power_mw, NULLIF(c.operator, '') AS operator, n.network_id AS network,
               {_mvt_geometry(_point("c.footprint"))} AS geom
          FROM eligibility_heatplant c
          LEFT JOIN eligibility_heatnetwork n ON n.id = c.network_id
         CROSS JOIN bounds b
         WHERE {_geography_filter("c.footprint", tile)}
        """,  # noqa: S608 - SQL pieces of this module only, never a request's input
    )


LAYERS = {
    "heat": lambda tile, show: _network_layer("heat", tile, show),
    "future": _future_layer,
    "pdp": _pdp_layer,
    "cold": lambda tile, show: _network_layer("cold", tile, show),
    "plants": _plants_layer,
}
ALL = "all"

TILE_SQL = """
    WITH bounds AS MATERIALIZED (
      SELECT tile, area, ST_Transform(area, 4326) AS area_4326,
             ST_Transform(area, 4326)::geography AS area_geography
        FROM (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS tile,
                     ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS area) AS e
    )
    SELECT {layers}
"""


def render_tile(layer: str, tile: Tile, *, show_synthetic: bool) -> bytes:
    """The MVT bytes of one layer (or of all of them) for this tile; b"" when it is empty."""
    names = list(LAYERS) if layer == ALL else [layer]
    layers = " || ".join(
        f"COALESCE(({LAYERS[name](tile, show_synthetic)}), ''::bytea)" for name in names
    )
    tile_width = 2 * 20037508.342789244 / 2**tile.z
    params = {
        "z": tile.z,
        "x": tile.x,
        "y": tile.y,
        "extent": tile.extent,
        "buffer": tile.buffer,
        "margin": tile.buffer / tile.extent,
        "unit": tile_width / tile.extent,
    }
    with connection.cursor() as cursor:
        cursor.execute(TILE_SQL.format(layers=layers), params)
        return bytes(cursor.fetchone()[0])


# --- Data version -----------------------------------------------------------------------------

_STATE_SQL = """
    SELECT
      (SELECT concat_ws('|', count(*), count(*) FILTER (WHERE is_synthetic), max(updated_at))
         FROM eligibility_heatnetwork),
      (SELECT concat_ws('|', count(*), count(*) FILTER (WHERE is_synthetic), max(updated_at))
         FROM eligibility_futurenetwork),
      (SELECT concat_ws('|', count(*), count(*) FILTER (WHERE is_synthetic), max(updated_at))
         FROM eligibility_priorityzone),
      (SELECT concat_ws('|', count(*), max(updated_at)) FROM eligibility_heatplant),
      (SELECT count(*) FROM eligibility_priorityzone_networks),
      (SELECT count(*) FROM eligibility_priorityzone_future_networks),
      (SELECT count(*) FROM eligibility_heatnetwork WHERE NOT is_synthetic)
        + (SELECT count(*) FROM eligibility_futurenetwork WHERE NOT is_synthetic)
        + (SELECT count(*) FROM eligibility_priorityzone WHERE NOT is_synthetic),
      COALESCE(
        GREATEST(
          (SELECT max(source_date) FROM eligibility_heatnetwork),
          (SELECT max(source_date) FROM eligibility_futurenetwork),
          (SELECT max(source_date) FROM eligibility_priorityzone)),
        (SELECT max(updated_at) FROM eligibility_heatnetwork)::date)
"""


@dataclass(frozen=True)
class DataState:
    """What the map shows, summed up: a version that changes whenever a network, a zone, a PDP
    or a plant is created, changed or deleted; whether only synthetic data exists; the date of
    the most recent data."""

    version: str
    show_synthetic: bool
    data_date: date | None

    @property
    def etag(self) -> str:
        return f'W/"{RENDERER_VERSION}-{self.version}"'


_cached: tuple[float, DataState] | None = None


def data_state() -> DataState:
    """The current DataState, computed at most every VERSION_TTL_SECONDS in each process: a change
    shows on the map (and in its ETags) a few seconds after it is saved."""
    global _cached
    now = time.monotonic()
    if _cached is None or now >= _cached[0]:
        _cached = (now + VERSION_TTL_SECONDS, _read_state())
    return _cached[1]


def forget_data_state() -> None:
    """Makes the next data_state() read the database: for code that has just changed the data
    and wants the map to show it at once (imports, tests)."""
    global _cached
    _cached = None


def _read_state() -> DataState:
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        *parts, real_count, data_date = cursor.fetchone()
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=10).hexdigest()
    return DataState(version=digest, show_synthetic=real_count == 0, data_date=data_date)
