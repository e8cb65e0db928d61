"""Import addresses from an official Base Adresse Nationale CSV (one département).

    manage.py import_ban_addresses adresses-95.csv.gz

The file is the BAN's `adresses-DD.csv(.gz)`: `;`-separated, UTF-8. Of its columns, these are read
(and required): id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;lon;lat. Positions are
checked against the ranges of WGS84 and, for a mainland commune, against mainland France.

Speed: rows are validated in Python, then written in one of three ways.

- Into a table that holds addresses (SMALL_TABLE or more): sent to PostgreSQL with COPY into a
  temporary table, and merged into the addresses by one INSERT … ON CONFLICT (ban_id) DO UPDATE
  per chunk of 50,000 rows, which rewrites only the rows that changed. While PostgreSQL merges a
  chunk (index upkeep is most of the cost), the next one is read and validated: a writer thread
  holds the connection meanwhile. Each chunk is inserted in ban_id order, so that index pages
  are touched in order.
- Into an empty table (a first import): the table is locked, its b-tree and trigram indexes
  (and the UNIQUE constraint on ban_id) are dropped, the rows go by one COPY straight into it
  while the file is read, and the indexes are built again at the end, with the names and
  definitions PostgreSQL gave of them: building them once costs less than half of their upkeep
  row by row. The GiST index of the positions is kept: its upkeep costs as much as its build,
  and runs while Python reads the file. All of it is one transaction: a failed import brings
  the indexes back with the empty table.
- Into an almost empty table (fewer than SMALL_TABLE addresses, the demo's for instance): the
  same, but the UNIQUE constraint stays and the rows are merged as into a filled table.
"""

import math
import re
import struct
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import OperationalError, connection, transaction

from eligibility.importing import (
    INSEE_CODE,
    ImportCommand,
    Noun,
    RowRejected,
    TableIndex,
    create_indexes,
    drop_indexes,
    parse_insee_code,
    parse_int,
    parse_number,
    read_csv,
)
from eligibility.models import Address
from eligibility.text import normalize

COLUMNS = [
    "id",
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "lon",
    "lat",
]
CHUNK = 50_000
# Mainland France and Corsica, with a margin: an address of a mainland commune outside it has a
# wrong position (often longitude and latitude swapped). Overseas communes (97x, 98x) are only
# checked against the ranges of WGS84.
MAINLAND = {"lon": (-5.6, 10.0), "lat": (41.0, 51.5)}
MAX_NUMERO = 2_147_483_647  # the column is a PostgreSQL integer
POSTCODE = re.compile(r"^\d{5}$")
STAGING = "ban_import"
# Columns of the staging table, in COPY order, with their SQL types.
STAGING_COLUMNS = [
    ("ban_id", "text"),
    ("numero", "integer"),
    ("rep", "text"),
    ("nom_voie", "text"),
    ("code_postal", "text"),
    ("code_insee", "text"),
    ("nom_commune", "text"),
    ("lon", "double precision"),
    ("lat", "double precision"),
    ("search_label", "text"),
]
ATTRIBUTES = [
    "numero",
    "rep",
    "nom_voie",
    "code_postal",
    "code_insee",
    "nom_commune",
    "search_label",
]


def _merge_sql() -> str:
    names = ", ".join(ATTRIBUTES)
    changed = " OR ".join(f"address.{name} IS DISTINCT FROM excluded.{name}" for name in ATTRIBUTES)
    return f"""
        WITH written AS (
            INSERT INTO {Address._meta.db_table} AS address (ban_id, {names}, location, is_synthetic)
            SELECT ban_id, {names}, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, false
            FROM {STAGING}
            ORDER BY ban_id  -- neighbours in the indexes (the id starts with the INSEE code)
            ON CONFLICT (ban_id) DO UPDATE SET
                {", ".join(f"{name} = excluded.{name}" for name in ATTRIBUTES)},
                location = excluded.location,
                is_synthetic = false
            WHERE {changed}
               OR address.is_synthetic
               OR ST_AsBinary(address.location) IS DISTINCT FROM ST_AsBinary(excluded.location)
            RETURNING (xmax = 0) AS created
        )
        SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
    """  # noqa: S608 - names from this module and the model; values travel by COPY


def _copy_sql() -> str:
    return (
        f"COPY {Address._meta.db_table} (ban_id, numero, rep, nom_voie, code_postal, code_insee, "
        "nom_commune, location, search_label, is_synthetic) FROM STDIN"
    )


# A point as EWKB (little endian, with its SRID), the form PostGIS reads fastest from COPY text.
_EWKB_POINT = struct.Struct("<BIIdd")
_EWKB_POINT_SRID = 0x20000001  # Point, with an SRID
# Index access methods kept during a first import: a GiST index costs about as much to build
# as to keep up, and its upkeep runs while the file is read; the b-tree and trigram GIN
# indexes are built once after the load, which costs less than half of their upkeep.
KEPT_INDEX_METHODS = ("gist",)
# Below this many addresses in the table, an import drops the indexes and builds them after the
# load (over a few thousand rows, the build costs nothing); from it on, an import keeps them up
# row by row: it may well rewrite nothing (the same file again) and must not rebuild them.
SMALL_TABLE = 10_000
# How long an import into an (almost) empty table waits for its lock before keeping the indexes.
LOCK_TIMEOUT = "10s"


class Command(ImportCommand):
    help = "Importe les adresses d’un fichier CSV départemental de la Base Adresse Nationale."
    noun = Noun("adresse", "adresses", feminine=True)
    with_source = False
    path_help = "Fichier CSV de la BAN (adresses-DD.csv ou adresses-DD.csv.gz)."

    def import_file(self, path, report):
        self.max_lengths = {
            name: Address._meta.get_field(name).max_length
            for name in ("ban_id", "rep", "nom_voie", "nom_commune")
        }
        self.streets: dict[tuple, str] = {}  # normalised "voie code_postal commune", per street
        with connection.cursor() as cursor:
            dropped, empty = None, False
            if self.count_up_to(cursor, SMALL_TABLE) < SMALL_TABLE:
                dropped, empty = self.start_bulk_load(cursor, report)
            with self.progress(total=path.stat().st_size, label="Adresses") as progress:
                rows = self.rows(path, report, progress)
                if empty:
                    self.copy_rows(cursor, rows, report)
                else:
                    self.merge_rows(cursor, rows, report)
            if dropped is not None:
                with self.progress(total=len(dropped), label="Index") as progress:
                    create_indexes(cursor, dropped, progress)
                rebuilt = f"{len(dropped)} index reconstruit{'s' if len(dropped) > 1 else ''}"
                report.note(
                    f"Premier import (table vide) : adresses copiées directement, puis {rebuilt}."
                    if empty
                    else f"Table presque vide : index supprimés pendant l’import, puis {rebuilt}."
                )

    def rows(self, path, report, progress) -> Iterator[tuple]:
        """The valid rows of the file, as staging rows; the others go to the report, with the
        duplicates of a BAN id."""
        seen: dict[str, int] = {}  # ban_id → line
        parse = self.parse
        for line, values in read_csv(path, COLUMNS, report, delimiters=";", progress=progress):
            report.rows_read += 1
            try:
                row = parse(values)
            except RowRejected as rejection:
                report.reject(f"ligne {line}", str(rejection))
                continue
            first = seen.setdefault(row[0], line)
            if first != line:
                report.reject(
                    f"ligne {line}", f"identifiant BAN {row[0]} en double (déjà ligne {first})"
                )
                continue
            yield row

    def merge_rows(self, cursor, rows: Iterator[tuple], report) -> None:
        """Merges the rows into the addresses by chunks, through the staging table: a writer
        thread merges one chunk while the next is read."""
        columns = ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS)
        cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({columns}) ON COMMIT DROP")
        merge_sql = _merge_sql()
        raw_cursor = cursor.cursor  # psycopg's own, used by the writer thread only
        batch: list[tuple] = []
        writing: Future | None = None
        with ThreadPoolExecutor(max_workers=1) as writer:
            for row in rows:
                batch.append(row)
                if len(batch) >= CHUNK:
                    self.wait(writing, report)
                    writing = writer.submit(self.merge, raw_cursor, batch, merge_sql)
                    batch = []
            self.wait(writing, report)
            self.wait(writer.submit(self.merge, raw_cursor, batch, merge_sql), report)
        cursor.execute(f"DROP TABLE {STAGING}")

    @staticmethod
    def copy_rows(cursor, rows: Iterator[tuple], report) -> None:
        """First import: one COPY of the rows straight into the empty, locked table (no BAN id
        can be there already, and the file's duplicates were rejected). PostgreSQL stores them
        while the next ones are read."""
        pack = _EWKB_POINT.pack
        created = 0
        with connection.wrap_database_errors, cursor.cursor.copy(_copy_sql()) as copy:
            write = copy.write_row
            for ban_id, numero, rep, voie, postcode, insee, commune, lon, lat, label in rows:
                location = pack(1, _EWKB_POINT_SRID, 4326, lon, lat).hex()
                write((ban_id, numero, rep, voie, postcode, insee, commune, location, label, False))
                created += 1
        report.created += created

    @staticmethod
    def count_up_to(cursor, limit: int) -> int:
        """How many addresses the table holds, counted up to `limit` only."""
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {Address._meta.db_table} LIMIT %s) AS few",  # noqa: S608
            [limit],
        )
        return cursor.fetchone()[0]

    def start_bulk_load(self, cursor, report) -> tuple[list[TableIndex] | None, bool]:
        """Import into an empty or almost empty table: lock it (checking it still is), drop the
        indexes that are cheaper to build once at the end than to keep up row by row, and return
        them, with whether the table is empty: then the UNIQUE constraint on ban_id goes too, and
        the rows are copied straight into it; else it stays, for the merge. (None, False) when
        another import filled the table in the meantime, or when the lock is not granted within
        LOCK_TIMEOUT (a transaction left open on the table): the rows are then merged with the
        indexes kept up, as into a filled table."""
        table = Address._meta.db_table
        cursor.execute("SELECT current_setting('lock_timeout')")
        lock_timeout = cursor.fetchone()[0]
        try:
            with transaction.atomic():  # a savepoint: waiting for the lock may end in an error
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [LOCK_TIMEOUT])
                cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        except OperationalError:
            report.note(
                "Table des adresses occupée par une autre transaction : index tenus à jour "
                "ligne à ligne (import plus lent)."
            )
            return None, False
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
        count = self.count_up_to(cursor, SMALL_TABLE)
        if count >= SMALL_TABLE:
            return None, False
        indexes = drop_indexes(
            cursor, table, keep_methods=KEPT_INDEX_METHODS, keep_constraints=count > 0
        )
        return indexes, count == 0

    @staticmethod
    def wait(writing: Future | None, report) -> None:
        """Wait for the chunk being written, count it; a database error surfaces here."""
        if writing is None:
            return
        with connection.wrap_database_errors:
            created, updated, total = writing.result()
        report.created += created
        report.updated += updated
        report.unchanged += total - created - updated

    @staticmethod
    def merge(cursor, batch: list[tuple], merge_sql: str) -> tuple[int, int, int]:
        """COPY one chunk into the staging table and merge it: (created, updated, rows)."""
        if not batch:
            return 0, 0, 0
        names = ", ".join(name for name, _ in STAGING_COLUMNS)
        with cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        cursor.execute(merge_sql)
        created, updated = cursor.fetchone()
        cursor.execute(f"TRUNCATE {STAGING}")
        return created, updated, len(batch)

    def parse(self, values: tuple[str, ...]) -> tuple:
        """One CSV row → a staging row, or RowRejected. Written for speed: the common case
        (clean official data) costs a few string operations."""
        ban_id, numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat = map(
            str.strip, values
        )
        if not ban_id:
            raise RowRejected("identifiant BAN (id) manquant")
        number = (
            int(numero)
            if numero.isascii() and numero.isdigit()
            else parse_int(numero, "numero", minimum=0)
        )
        if number is not None and number > MAX_NUMERO:
            raise RowRejected(f"numero : {numero} trop grand (au plus {MAX_NUMERO})")
        if not nom_voie:
            raise RowRejected("nom_voie manquant")
        if not nom_commune:
            raise RowRejected("nom_commune manquant")
        if not POSTCODE.match(code_postal):
            raise RowRejected(f"code postal « {code_postal} » invalide (5 chiffres)")
        if not INSEE_CODE.match(code_insee):
            code_insee = parse_insee_code(code_insee)
        try:
            longitude, latitude = float(lon), float(lat)
        except ValueError:
            longitude, latitude = math.nan, math.nan
        if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
            # Not plain numbers within range: decimal comma, or the precise reason.
            longitude = _coordinate(lon, "lon", 180)
            latitude = _coordinate(lat, "lat", 90)
        if longitude == 0 and latitude == 0:
            raise RowRejected("position (0, 0) : adresse non localisée")
        if code_insee[:2] not in {"97", "98"} and not (
            MAINLAND["lon"][0] <= longitude <= MAINLAND["lon"][1]
            and MAINLAND["lat"][0] <= latitude <= MAINLAND["lat"][1]
        ):
            raise RowRejected(
                f"position ({lon}, {lat}) hors de la France métropolitaine pour la commune "
                f"{code_insee} (longitude et latitude inversées ?)"
            )
        if "\0" in ban_id or "\0" in rep or "\0" in nom_voie or "\0" in nom_commune:
            raise RowRejected("caractère nul (octet 0x00) dans le texte : fichier abîmé ?")
        lengths = self.max_lengths
        if (
            len(ban_id) > lengths["ban_id"]
            or len(rep) > lengths["rep"]
            or len(nom_voie) > lengths["nom_voie"]
            or len(nom_commune) > lengths["nom_commune"]
        ):
            for name, value in (
                ("ban_id", ban_id),
                ("rep", rep),
                ("nom_voie", nom_voie),
                ("nom_commune", nom_commune),
            ):
                if len(value) > lengths[name]:
                    raise RowRejected(f"{name} trop long ({len(value)} caractères)")
        label = self.search_label(numero, rep, nom_voie, code_postal, nom_commune)
        return (
            ban_id,
            number,
            rep,
            nom_voie,
            code_postal,
            code_insee,
            nom_commune,
            longitude,
            latitude,
            label,
        )

    def search_label(self, numero, rep, nom_voie, code_postal, nom_commune) -> str:
        """normalize("{numero} {rep} {nom_voie} {code_postal} {nom_commune}"), empty parts left
        out, with the street's part normalised once per street (normalize works word by word)."""
        key = (nom_voie, code_postal, nom_commune)
        street = self.streets.get(key)
        if street is None:
            if len(self.streets) > 500_000:
                self.streets.clear()
            street = self.streets[key] = normalize(f"{nom_voie} {code_postal} {nom_commune}")
        head = (
            numero
            if not rep and numero.isascii() and numero.isalnum()
            else normalize(f"{numero} {rep}")
        )
        head = head.lower()
        return f"{head} {street}" if head and street else head or street


def _coordinate(text: str, label: str, limit: int) -> float:
    try:
        value = float(text)
    except ValueError:
        value = parse_number(text, label)  # decimal comma, or a clear reason
    if value is None:
        raise RowRejected("position (lon, lat) manquante")
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise RowRejected(f"{label} : {text} hors limites (−{limit} à {limit})")
    return value
