"""Routes cut into short pieces for the eligibility test.

A route of the national export can hold thousands of vertices; the ground distance from a point
to it (spheroid) then costs milliseconds. Cut into pieces of at most 32 vertices, each with its
own bounding box in a GiST index, a test measures only the few pieces around the point.

The pieces are kept by PostgreSQL itself: triggers rewrite a network's pieces whenever its route
is written (import, back office, anything else) and remove them with the network (DELETE and
TRUNCATE; no foreign key, so that Django's TRUNCATE of the networks table keeps working). No code
has to refresh them; they are not a Django model.
"""

from django.db import migrations

TABLES = {
    # pieces table: (source table, its geometry column)
    "eligibility_heatnetwork_segment": ("eligibility_heatnetwork", "route"),
    "eligibility_futurenetwork_segment": ("eligibility_futurenetwork", "route"),
}


def _forward(pieces: str, source: str, column: str) -> list[str]:
    function = f"{pieces}_refresh"
    return [
        f"""
        CREATE TABLE {pieces} (
            network_id bigint NOT NULL,
            segment geography(Geometry, 4326) NOT NULL
        )
        """,
        f"CREATE INDEX {pieces}_segment_gist ON {pieces} USING gist (segment)",
        f"CREATE INDEX {pieces}_network ON {pieces} (network_id)",
        f"""
        CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM {pieces} WHERE network_id = OLD.id;
            RETURN NULL;
          END IF;
          DELETE FROM {pieces} WHERE network_id = NEW.id;
          IF NEW.{column} IS NOT NULL THEN
            INSERT INTO {pieces} (network_id, segment)
            SELECT NEW.id, piece::geography
              FROM ST_Subdivide(NEW.{column}::geometry, 32) AS piece;
          END IF;
          RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {function} AFTER INSERT OR UPDATE OF {column} OR DELETE ON {source}
        FOR EACH ROW EXECUTE FUNCTION {function}()
        """,
        f"""
        CREATE FUNCTION {function}_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          TRUNCATE {pieces};
          RETURN NULL;
        END
        $$
        """,
        f"""
        CREATE TRIGGER {function}_all AFTER TRUNCATE ON {source}
        FOR EACH STATEMENT EXECUTE FUNCTION {function}_all()
        """,
        f"""
        INSERT INTO {pieces} (network_id, segment)
        SELECT id, piece::geography FROM {source}, ST_Subdivide({column}::geometry, 32) AS piece
         WHERE {column} IS NOT NULL
        """,
        f"ANALYZE {pieces}",
    ]


def _backward(pieces: str, source: str, column: str) -> list[str]:
    function = f"{pieces}_refresh"
    return [
        f"DROP TRIGGER IF EXISTS {function} ON {source}",
        f"DROP TRIGGER IF EXISTS {function}_all ON {source}",
        f"DROP FUNCTION IF EXISTS {function}()",
        f"DROP FUNCTION IF EXISTS {function}_all()",
        f"DROP TABLE IF EXISTS {pieces}",
    ]


class Migration(migrations.Migration):
    dependencies = [("eligibility", "0004_address_lean_indexes")]

    operations = [
        migrations.RunSQL(sql=_forward(pieces, *source), reverse_sql=_backward(pieces, *source))
        for pieces, source in TABLES.items()
    ]
