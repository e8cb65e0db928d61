"""Route pieces also in Web Mercator (EPSG:3857), for a cheap nearest-piece search.

Measuring a point's distance to every route piece around it on the sphere costs a few
microseconds per piece, and a point in a town with a dense network has a couple of hundred pieces
within the "far" distance. In Web Mercator, a conformal projection, distances near a point are
ground distances divided by cos(latitude), to better than 0.02 % within a kilometre, anywhere in
France (mainland and overseas lie between 21° S and 51° N): a planar distance, about twenty times
cheaper, ranks the pieces of a network and picks its nearest one, which is then measured exactly
on the spheroid. The pieces are still written by the triggers of migration 0005, which now fill
both columns.
"""

from django.db import migrations

TABLES = {
    # pieces table: (source table, its geometry column)
    "eligibility_heatnetwork_segment": ("eligibility_heatnetwork", "route"),
    "eligibility_futurenetwork_segment": ("eligibility_futurenetwork", "route"),
}


def _refresh_function(pieces: str, column: str, *, mercator: bool) -> str:
    columns = "network_id, segment, segment_mercator" if mercator else "network_id, segment"
    values = (
        "NEW.id, piece::geography, ST_Transform(piece, 3857)"
        if mercator
        else "NEW.id, piece::geography"
    )
    return f"""
        CREATE OR REPLACE FUNCTION {pieces}_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM {pieces} WHERE network_id = OLD.id;
            RETURN NULL;
          END IF;
          DELETE FROM {pieces} WHERE network_id = NEW.id;
          IF NEW.{column} IS NOT NULL THEN
            INSERT INTO {pieces} ({columns})
            SELECT {values}
              FROM ST_Subdivide(NEW.{column}::geometry, 32) AS piece;
          END IF;
          RETURN NULL;
        END
        $$
        """


def _forward(pieces: str, source: str, column: str) -> list[str]:
    return [
        f"ALTER TABLE {pieces} ADD COLUMN segment_mercator geometry(Geometry, 3857)",
        f"UPDATE {pieces} SET segment_mercator = ST_Transform(segment::geometry, 3857)",
        f"ALTER TABLE {pieces} ALTER COLUMN segment_mercator SET NOT NULL",
        f"CREATE INDEX {pieces}_mercator_gist ON {pieces} USING gist (segment_mercator)",
        _refresh_function(pieces, column, mercator=True),
        f"ANALYZE {pieces}",
    ]


def _backward(pieces: str, source: str, column: str) -> list[str]:
    return [
        _refresh_function(pieces, column, mercator=False),
        f"ALTER TABLE {pieces} DROP COLUMN segment_mercator",
    ]


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0006_condominium")]

    operations = [
        migrations.RunSQL(sql=_forward(pieces, *source), reverse_sql=_backward(pieces, *source))
        for pieces, source in TABLES.items()
    ]
