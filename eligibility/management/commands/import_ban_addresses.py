"""Import addresses from an official Base Adresse Nationale CSV (one département).

    manage.py import_ban_addresses adresses-95.csv.gz

The file is the BAN's `adresses-DD.csv(.gz)`: `;`-separated, UTF-8. Of its columns, these are read
(and required): id;numero;rep;nom_voie;code_postal;code_insee;nom_commune;lon;lat. Positions are
checked against the ranges of WGS84 and, for a mainland commune, against mainland France.

Speed: rows are validated in Python, sent to PostgreSQL with COPY into a temporary table, and merged
into the addresses by one INSERT … ON CONFLICT (ban_id) DO UPDATE per chunk of 50,000 rows, which
rewrites only the rows that changed. While PostgreSQL merges a chunk (index upkeep is most of the
cost), the next one is read and validated: a writer thread holds the connection meanwhile. Each
chunk is inserted in ban_id order, so that index pages are touched in order.
"""

import math
import re
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import connection

from eligibility.importing import (
    INSEE_CODE,
    ImportCommand,
    Noun,
    RowRejected,
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
        seen: dict[str, int] = {}  # ban_id → line
        batch: list[tuple] = []
        merge_sql = _merge_sql()
        with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as writer:
            columns = ", ".join(f"{name} {kind}" for name, kind in STAGING_COLUMNS)
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({columns}) ON COMMIT DROP")
            raw_cursor = cursor.cursor  # psycopg's own, used by the writer thread only
            writing: Future | None = None
            with self.progress(total=path.stat().st_size, label="Adresses") as progress:
                for line, values in read_csv(
                    path, COLUMNS, report, delimiters=";", progress=progress
                ):
                    report.rows_read += 1
                    try:
                        row = self.parse(values)
                    except RowRejected as rejection:
                        report.reject(f"ligne {line}", str(rejection))
                        continue
                    if row[0] in seen:
                        report.reject(
                            f"ligne {line}",
                            f"identifiant BAN {row[0]} en double (déjà ligne {seen[row[0]]})",
                        )
                        continue
                    seen[row[0]] = line
                    batch.append(row)
                    if len(batch) >= CHUNK:
                        self.wait(writing, report)
                        writing = writer.submit(self.write, raw_cursor, batch, merge_sql)
                        batch = []
                self.wait(writing, report)
            self.wait(writer.submit(self.write, raw_cursor, batch, merge_sql), report)
            cursor.execute(f"DROP TABLE {STAGING}")

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
    def write(cursor, batch: list[tuple], merge_sql: str) -> tuple[int, int, int]:
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
        ban_id, numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat = (
            value.strip() for value in values
        )
        if not ban_id:
            raise RowRejected("identifiant BAN (id) manquant")
        number = int(numero) if numero.isascii() and numero.isdigit() else None
        if number is None and numero:
            number = parse_int(numero, "numero", minimum=0, maximum=2_147_483_647)
        if not nom_voie:
            raise RowRejected("nom_voie manquant")
        if not nom_commune:
            raise RowRejected("nom_commune manquant")
        if not POSTCODE.match(code_postal):
            raise RowRejected(f"code postal « {code_postal} » invalide (5 chiffres)")
        if not INSEE_CODE.match(code_insee):
            code_insee = parse_insee_code(code_insee)
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
        for name, value in (
            ("ban_id", ban_id),
            ("rep", rep),
            ("nom_voie", nom_voie),
            ("nom_commune", nom_commune),
        ):
            if len(value) > self.max_lengths[name]:
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
