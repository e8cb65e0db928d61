"""Simplified copies of the network routes for the map's low zoom levels (eligibility/maplayers.py).

A vector tile of France at zoom 5 covers most of the 1.1 million route vertices of the national
export: transforming and simplifying them on each request takes about 0.6 s. These columns
hold the routes already in Web Mercator (EPSG:3857), snapped to a grid and simplified, or
reduced to a point:

- `map_route_coarse`: 300 m grid, for zoom levels up to 8 (one tile pixel is 600 m or more);
- `map_route_medium`: 25 m grid, for zoom levels 9 to 12 (one pixel is 38 m or more);
- `map_route_point`: one point of the route, to draw the network up to zoom 6 (one pixel is
  2.4 km or more, smaller than most networks).

They are STORED GENERATED columns: PostgreSQL computes them whenever a route is written (import,
back office, anything else), so they can never be stale and no code has to refresh them. The
model does not declare them (Django reads and writes only its own fields); the map's SQL reads
them. Latitudes are clipped to Web Mercator's ±85.05° so that no route can make a write fail; a
network smaller than the grid is kept as a point rather than lost.
"""

from django.db import migrations


MERCATOR_ROUTE = (
    "ST_Transform(ST_ClipByBox2D(route::geometry, "
    "ST_MakeEnvelope(-180, -85.05, 180, 85.05, 4326)), 3857)"
)


def _overview(grid_m: int) -> str:
    """The route snapped to a grid of `grid_m` metres and simplified; a network smaller than one
    cell, which would vanish (EMPTY), is kept as one point."""
    simplified = f"ST_Simplify(ST_SnapToGrid({MERCATOR_ROUTE}, {grid_m}), {grid_m})"
    return (
        f"CASE WHEN ST_IsEmpty({simplified}) THEN ST_PointOnSurface({MERCATOR_ROUTE}) "
        f"ELSE {simplified} END"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("eligibility", "0002_eligibility_check"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"""
                ALTER TABLE eligibility_heatnetwork
                  ADD COLUMN map_route_coarse geometry(Geometry, 3857)
                    GENERATED ALWAYS AS ({_overview(300)}) STORED,
                  ADD COLUMN map_route_medium geometry(Geometry, 3857)
                    GENERATED ALWAYS AS ({_overview(25)}) STORED,
                  ADD COLUMN map_route_point geometry(Point, 3857)
                    GENERATED ALWAYS AS (ST_PointOnSurface({MERCATOR_ROUTE})) STORED
                """,
                "CREATE INDEX heatnetwork_map_route_coarse_gist "
                "ON eligibility_heatnetwork USING gist (map_route_coarse)",
                "CREATE INDEX heatnetwork_map_route_medium_gist "
                "ON eligibility_heatnetwork USING gist (map_route_medium)",
                "CREATE INDEX heatnetwork_map_route_point_gist "
                "ON eligibility_heatnetwork USING gist (map_route_point)",
            ],
            reverse_sql=[
                "ALTER TABLE eligibility_heatnetwork "
                "DROP COLUMN map_route_coarse, DROP COLUMN map_route_medium, DROP COLUMN map_route_point",
            ],
        ),
    ]
