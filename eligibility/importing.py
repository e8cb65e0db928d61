"""Shared machinery of the import commands (`import_networks`, `import_plants`, …).

An import command reads an official file as it is published, validates every row, writes in bulk
inside one transaction and ends with a report:

    Import de reseaux_de_chaleur.geojson
    4 réseaux de chaleur créés, 0 mis à jour, 0 inchangé, 1 rejeté.
    Avertissements (1) :
      - entité 1 (9502C) : géométrie réparée : 25 partie(s) dégénérée(s) supprimée(s) (…)
    Rejets (1) :
      - entité 3 (9599F) : l’identifiant 9599F est celui d’un réseau de froid mais la couche
        importée est « heat » (suffixe C attendu)
    Durée : 0,2 s (25 entités/s).

A row that cannot be imported is *rejected* (listed in the report, the others are imported); a file
that cannot be read at all (missing, wrong format or encoding, required columns missing, truncated)
stops the import with a `CommandError`, and the transaction leaves the database as it was. With
`--dry-run` everything is read, validated and written, then rolled back.

This module holds, in order: the report and its wording, the progress bar, the base command, value
parsers, file readers (CSV, JSON, GDAL vector layers), geometry repair, the bulk upsert, and the
drop and rebuild of a table's indexes around a bulk load.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
import operator
import re
import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSException, GEOSGeometry, WKBWriter
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Func
from django.utils import timezone

from chauffage.formatting import plural

# How many rejections and warnings the report prints before summarising the rest.
REPORT_LIMIT = 50


class RowRejected(Exception):
    """Raised while reading one row: the row is left out and the reason goes to the report."""


# --- Report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Noun:
    """What a command imports, for the report: `Noun("réseau", "réseaux")`."""

    singular: str
    plural: str
    feminine: bool = False

    def count(self, number: int) -> str:
        return f"{number} {self.singular if number < 2 else self.plural}"


# Past participles: masculine singular, masculine plural, feminine singular, feminine plural.
_PARTICIPLES = {
    "created": ("créé", "créés", "créée", "créées"),
    "updated": ("mis à jour", "mis à jour", "mise à jour", "mises à jour"),
    "unchanged": ("inchangé", "inchangés", "inchangée", "inchangées"),
    "rejected": ("rejeté", "rejetés", "rejetée", "rejetées"),
}


def participle(word: str, number: int, *, feminine: bool = False) -> str:
    """French agreement: `participle("created", 3, feminine=True)` → "créées" (0 and 1 singular)."""
    return _PARTICIPLES[word][(2 if feminine else 0) + (number >= 2)]


@dataclass
class ImportReport:
    """Counts and messages of one import, printed at the end."""

    noun: Noun
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    rows_read: int = 0
    unit: str = "lignes"  # what rows_read counts, for the speed: lignes, entités…

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def reject(self, where: str, reason: str) -> None:
        self.rejections.append((where, reason))

    def warn(self, where: str, message: str) -> None:
        self.warnings.append((where, message))

    def note(self, message: str) -> None:
        """A line about the whole file (coordinate system detected, links recomputed…)."""
        self.notes.append(message)

    def summary(self) -> str:
        """ "12 réseaux créés, 3 mis à jour, 0 inchangé, 1 rejeté"."""
        fem = self.noun.feminine
        return ", ".join(
            [
                f"{self.noun.count(self.created)} {participle('created', self.created, feminine=fem)}",
                f"{self.updated} {participle('updated', self.updated, feminine=fem)}",
                f"{self.unchanged} {participle('unchanged', self.unchanged, feminine=fem)}",
                f"{self.rejected} {participle('rejected', self.rejected, feminine=fem)}",
            ]
        )

    def lines(self, *, dry_run: bool = False, limit: int = REPORT_LIMIT) -> list[str]:
        lines = [*self.notes, self.summary() + "."]
        for title, entries, other in (
            ("Avertissements", self.warnings, "autres avertissements"),
            ("Rejets", self.rejections, "autres rejets"),
        ):
            if not entries:
                continue
            lines.append(f"{title} ({len(entries)}) :")
            lines.extend(f"  - {where} : {message}" for where, message in entries[:limit])
            if len(entries) > limit:
                lines.append(f"  … et {len(entries) - limit} {other} non affichés.")
        if self.elapsed:
            rate = ""
            if self.rows_read:
                rate = f" ({french_number(self.rows_read / self.elapsed)} {self.unit}/s)"
            lines.append(f"Durée : {french_number(self.elapsed, 1)} s{rate}.")
        if dry_run:
            lines.append("Simulation (--dry-run) : aucune modification n’a été enregistrée.")
        return lines


# --- Progress bar -----------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal (stderr); silent when the stream is not a terminal,
    so logs and tests stay clean.

        with Progress(self.stderr, total=len(rows), label="Réseaux") as progress:
            for row in rows:
                progress.advance()
    """

    WIDTH = 30
    INTERVAL = 0.2  # seconds between two redraws

    def __init__(self, stream, *, total: int | None, label: str, enabled: bool = True):
        self.stream = stream
        self.total = total or None
        self.label = label
        self.done = 0
        self.enabled = enabled and hasattr(stream, "isatty") and stream.isatty()
        self._drawn_at = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if self.enabled:
            self._draw(final=exc_type is None)
            self._emit("\n")

    def advance(self, step: int = 1) -> None:
        self.done += step
        self.update(self.done)

    def update(self, done: int) -> None:
        self.done = done
        if self.enabled and time.monotonic() - self._drawn_at >= self.INTERVAL:
            self._draw()

    def _draw(self, *, final: bool = False) -> None:
        self._drawn_at = time.monotonic()
        if self.total:
            share = 1.0 if final else min(self.done / self.total, 1.0)
            filled = int(share * self.WIDTH)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            text = f"\r{self.label} {bar} {share:4.0%}"
        else:
            text = f"\r{self.label} … {french_number(self.done)}"
        self._emit(text)

    def _emit(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):  # no newline added, no error colour
            self.stream.write(text, style_func=str, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()


def french_number(number: float, decimals: int = 0) -> str:
    """12345.6 → "12 345,6"."""
    return f"{number:,.{decimals}f}".replace(",", " ").replace(".", ",")


# --- Base command -----------------------------------------------------------------------------


def parse_source_date(value: str | date | None) -> date | None:
    """`--source-date`: YYYY-MM-DD."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise CommandError(
            f"--source-date : « {value} » n’est pas une date au format AAAA-MM-JJ."
        ) from None


class ImportCommand(BaseCommand):
    """Base of the `import_<thing>` commands: the path argument, --dry-run, --source and
    --source-date, the transaction, the report.

    A subclass sets `noun` (and `with_source = False` when its model has no source fields) and
    implements `import_file(path, report)`: it records rejected rows and warnings in the report,
    counts what it writes, and raises `CommandError` for a file it cannot read.
    """

    noun = Noun("ligne", "lignes", feminine=True)
    with_source = True
    path_help = "Fichier à importer."

    def add_arguments(self, parser):
        parser.add_argument("path", help=self.path_help)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Lit et valide tout le fichier, affiche le rapport, mais n’enregistre rien.",
        )
        if self.with_source:
            parser.add_argument(
                "--source",
                default="",
                help="Source des données, enregistrée avec elles pour l’attribution "
                "(par exemple « Liste des réseaux de l’arrêté DPE 2026 »).",
            )
            parser.add_argument(
                "--source-date",
                default=None,
                help="Date des données, AAAA-MM-JJ.",
            )

    def handle(self, *args, **options):
        self.options = options
        path = Path(options["path"])
        dry_run = options["dry_run"]
        if self.with_source:
            self.source = (options.get("source") or "").strip()
            self.source_date = parse_source_date(options.get("source_date"))
        check_file(path)

        report = ImportReport(self.noun)
        started = time.monotonic()
        try:
            with transaction.atomic():
                self.import_file(path, report)
                if dry_run:
                    transaction.set_rollback(True)
        except CommandError as error:
            raise CommandError(f"{error} Import annulé : rien n’a été enregistré.") from error
        except DatabaseError as error:
            raise CommandError(
                f"Erreur de la base de données, import annulé (rien n’a été enregistré) : {error}"
            ) from error
        report.elapsed = time.monotonic() - started

        lines = report.lines(dry_run=dry_run)
        if options["verbosity"] == 0:
            lines = [report.summary() + "."]
        self.stdout.write("\n".join([f"Import de {path.name}", *lines]))

    def import_file(self, path: Path, report: ImportReport) -> None:  # pragma: no cover
        raise NotImplementedError

    def progress(self, *, total: int | None, label: str) -> Progress:
        return Progress(
            self.stderr, total=total, label=label, enabled=self.options["verbosity"] > 0
        )


def check_file(path: Path) -> None:
    if not path.exists():
        raise CommandError(f"Fichier introuvable : {path}.")
    if path.is_dir() and not any(path.glob("*.shp")):
        raise CommandError(f"{path} est un dossier sans shapefile (.shp).")
    if path.is_file() and path.stat().st_size == 0:
        raise CommandError(f"Le fichier {path} est vide.")


# Where a network's `deliveries` summary comes from (its "source" key): the national export's
# livraisons_* attributes (import_networks), preferred, or the SDES rows per IRIS (import_deliveries).
DELIVERIES_FROM_EXPORT = "export_national"
DELIVERIES_FROM_SDES = "sdes_iris"


# --- Value parsers ----------------------------------------------------------------------------
# They take the raw value of a CSV cell, a JSON member or a GDAL field (str, int, float or None),
# return a clean Python value (None when empty) and raise RowRejected with a French reason.

_BLANKS = str.maketrans("", "", " \u00a0\u202f\t")
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
_INSEE_IN_TEXT = re.compile(r"(?<![0-9A-Z])(\d{5}|2[AB]\d{3})(?![0-9A-Z])")
# National network id: département (2 chars) + number + C (heat) or F (cold): 9502C, 2A01C, 7501F;
# the SDES also publishes "34__C" for a network it could not identify.
NETWORK_ID = re.compile(r"^[0-9][0-9AB][0-9A-Z_]{1,9}[CF]$")

TRUE_WORDS = {"oui", "o", "vrai", "true", "t", "yes", "y", "1", "checked", "x", "coché"}
FALSE_WORDS = {"non", "n", "faux", "false", "f", "no", "0", "unchecked", "décoché"}


def parse_text(value: Any) -> str:
    """Text with its runs of spaces collapsed; a list (JSON array attribute) joined by commas."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(filter(None, (parse_text(item) for item in value)))
    return " ".join(str(value).split())


def parse_number(
    value: Any,
    label: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    below: float | None = None,
) -> float | None:
    """A decimal number, with a dot or a French comma and spaces as thousands separators."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RowRejected(f"{label} : « {value} » n’est pas un nombre")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).translate(_BLANKS).replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise RowRejected(f"{label} : « {value} » n’est pas un nombre") from None
    if not math.isfinite(number):
        raise RowRejected(f"{label} : « {value} » n’est pas un nombre fini")
    if minimum is not None and number < minimum:
        raise RowRejected(f"{label} : {value} est inférieur au minimum ({minimum:g})")
    if maximum is not None and number > maximum:
        raise RowRejected(f"{label} : {value} dépasse le maximum ({maximum:g})")
    if below is not None and number >= below:
        raise RowRejected(f"{label} : {value} devrait être inférieur à {below:g}")
    return number


def parse_int(
    value: Any, label: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    number = parse_number(value, label, minimum=minimum, maximum=maximum)
    if number is None:
        return None
    if not number.is_integer():
        raise RowRejected(f"{label} : « {value} » n’est pas un nombre entier")
    return int(number)


def parse_bool(value: Any, label: str) -> bool | None:
    """oui/non, checked, true/false, 1/0 (the national export writes "oui" or "checked")."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise RowRejected(f"{label} : « {value} » n’est ni oui ni non")


def parse_insee_code(value: Any, label: str = "code INSEE") -> str:
    """5 characters: 95585, 2A004. Spaces are dropped (94 021) and a number gets its zero back."""
    if value is None:
        raise RowRejected(f"{label} manquant")
    if isinstance(value, int):
        value = f"{value:05d}"
    code = str(value).translate(_BLANKS).upper()
    if not INSEE_CODE.match(code):
        raise RowRejected(
            f"{label} « {value} » invalide (5 caractères, par exemple 95585 ou 2A004)"
        )
    return code


def parse_communes(value: Any) -> tuple[list[str], str]:
    """The `communes` of the national export: INSEE codes, names, or both ("Sarcelles (95585)").

    Returns the INSEE codes found (in order, without duplicates) and the text to keep as names:
    the raw text, or "" when it holds codes only."""
    text = parse_text(value)
    codes = list(dict.fromkeys(_INSEE_IN_TEXT.findall(text.upper())))
    rest = _INSEE_IN_TEXT.sub("", text.upper())
    names = text if re.search(r"[A-Z]", rest.replace("2A", "").replace("2B", "")) else ""
    return codes, names


def parse_network_id(value: Any, label: str = "identifiant du réseau") -> str:
    """The national network id, upper case: "9502c" → "9502C"."""
    text = parse_text(value).upper()
    if not text:
        raise RowRejected(f"{label} manquant")
    if not NETWORK_ID.match(text):
        raise RowRejected(
            f"{label} « {value} » invalide (attendu : code département, numéro, puis C pour "
            "chaleur ou F pour froid, par exemple 9502C)"
        )
    return text


def merge_source(current: str, new: str, *, max_length: int = 255) -> str:
    """Attribution of data that comes from several files: "A ; B", without repeating a source."""
    if not new or new in current:
        return current
    merged = f"{current} ; {new}" if current else new
    return merged if len(merged) <= max_length else new


# --- File readers -----------------------------------------------------------------------------


def read_json(path: Path) -> Any:
    """The whole JSON document, or a clear CommandError (truncated, invalid, not UTF-8)."""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            return json.load(stream)
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path.name} n’est pas encodé en UTF-8 (octet {error.start}) : "
            "réenregistrez-le en UTF-8."
        ) from None
    except json.JSONDecodeError as error:
        truncated = not _ends_like_json(path)
        reason = "tronqué (il s’arrête au milieu des données)" if truncated else "invalide"
        raise CommandError(
            f"{path.name} : JSON {reason}, ligne {error.lineno} colonne {error.colno} : {error.msg}."
        ) from None


def _picker(indexes: list[int]):
    """row → tuple of the values at `indexes` (operator.itemgetter, in C, always a tuple)."""
    get = operator.itemgetter(*indexes)
    return get if len(indexes) > 1 else (lambda row: (get(row),))


def _sniff_delimiter(header: str, delimiters: str) -> str:
    return max(delimiters, key=header.count)


def _open_text(path: Path):
    """(text stream, raw binary stream): the raw one tells how far we are, for the progress bar."""
    raw = open(path, "rb")  # noqa: SIM115 - closed by the caller through the text stream
    binary = gzip.GzipFile(fileobj=raw) if path.suffix.lower() == ".gz" else raw
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline=""), raw


def read_csv(
    path: Path,
    columns: list[str],
    report: ImportReport,
    *,
    delimiters: str = ",;",
    progress: Progress | None = None,
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Rows of a UTF-8 CSV file (optionally .gz) as (line number, values of `columns` in that
    order); other columns are ignored.

    The delimiter is guessed from the header among `delimiters`. A row with the wrong number of
    columns is rejected, except the last one, which means the file is truncated: fatal, as are a
    missing column, a non-UTF-8 encoding, a broken gzip archive and an unterminated quote."""
    text, raw = _open_text(path)
    line = 1
    try:
        with text:
            header_line = text.readline()
            delimiter = _sniff_delimiter(header_line, delimiters)
            header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter))]
            missing = [name for name in columns if name not in header]
            if missing:
                raise CommandError(
                    f"{path.name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}. "
                    f"Colonnes trouvées : {', '.join(header) or 'aucune'}."
                )
            width = len(header)
            pick = _picker([header.index(name) for name in columns])
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            pending: list[str] | None = None
            pending_line = 0
            for row in reader:
                # One row late, to know the last one. The header was read before the reader.
                if not row or row == [""]:
                    continue
                if pending is not None:
                    if len(pending) == width:
                        yield pending_line, pick(pending)
                    else:
                        report.reject(
                            f"ligne {pending_line}",
                            f"{plural(len(pending), 'colonne')} au lieu de {width}",
                        )
                pending, pending_line = row, reader.line_num + 1
                line = pending_line
                if progress and not line % 1024:
                    progress.update(raw.tell())
            if pending is not None:
                if len(pending) < width:
                    raise CommandError(
                        f"{path.name} est tronqué : la dernière ligne ({pending_line}) n’a que "
                        f"{plural(len(pending), 'colonne')} sur {width}."
                    )
                if len(pending) == width:
                    yield pending_line, pick(pending)
                else:
                    report.reject(
                        f"ligne {pending_line}",
                        f"{plural(len(pending), 'colonne')} au lieu de {width}",
                    )
    except UnicodeDecodeError:
        raise CommandError(
            f"{path.name} n’est pas encodé en UTF-8 (erreur vers la ligne {line}) : "
            "réenregistrez-le en UTF-8."
        ) from None
    except csv.Error as error:
        raise CommandError(
            f"{path.name} : CSV mal formé ou tronqué, ligne {line} : {error}."
        ) from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise CommandError(f"{path.name} : archive gzip illisible ou tronquée ({error}).") from None


_GDAL_LIST = re.compile(r"^\((\d+):(.*)\)$", re.DOTALL)


class VectorLayer:
    """The first layer of a GeoJSON file or a shapefile (its .shp, its folder or a .zip), read with
    GDAL, and how to bring its coordinates to WGS84 (lon/lat)."""

    def __init__(self, path: Path, report: ImportReport):
        self.path = path
        self.report = report
        source = str(path)
        suffix = path.suffix.lower()
        if suffix in {".json", ".geojson"}:
            _check_json_end(path)
        elif suffix == ".zip":
            source = f"/vsizip/{path}"
        elif suffix == ".shp":
            missing = [ext for ext in (".shx", ".dbf") if not path.with_suffix(ext).exists()]
            if missing:
                raise CommandError(
                    f"Shapefile incomplet : {', '.join(path.stem + ext for ext in missing)} "
                    "introuvable(s) à côté du .shp."
                )
        try:
            self.datasource = DataSource(source)
        except GDALException:
            raise CommandError(_unreadable_vector_reason(path)) from None
        if not len(self.datasource):
            raise CommandError(f"{path.name} ne contient aucune couche.")
        self.layer = self.datasource[0]
        # Field names, matched case-insensitively: the shapefile DBF may change the case.
        try:
            self.fields = {name.casefold(): name for name in self.layer.fields}
        except UnicodeDecodeError:
            raise CommandError(
                f"{path.name} : noms d’attributs illisibles en UTF-8 (encodage du fichier ?)."
            ) from None
        self._transform: CoordTransform | None | bool = False  # False: not decided yet

    def __len__(self) -> int:
        return self.layer.num_feat

    def __iter__(self):
        return iter(self.layer)

    def field(self, *aliases: str) -> str | None:
        """The layer's name of the first of these attributes it has (long name, shapefile name…)."""
        for alias in aliases:
            name = self.fields.get(alias.casefold())
            if name:
                return name
        return None

    def value(self, feature, name: str) -> Any:
        """The value of an attribute: str, int, float, date, None, or a list for a JSON array
        (GDAL gives those as "(2:01053,01054)")."""
        field = feature[name]
        try:
            if type(field).__name__.endswith("List"):
                match = _GDAL_LIST.match(field.as_string() or "")
                return match[2].split(",") if match and match[2] else []
            return field.value
        except UnicodeDecodeError:
            raise CommandError(
                f"{self.path.name} n’est pas encodé en UTF-8 (attribut « {name} », entité "
                f"{feature.fid + 1}) : réenregistrez-le en UTF-8."
            ) from None

    def geometry(self, feature):
        """The feature's geometry as a 2D OGR geometry in WGS84, or None when it has none.

        The coordinate system is decided on the first geometry (see `coordinate_transform`):
        GDAL would need a whole extra pass over the file to compute the layer's extent."""
        try:
            geom = feature.geom
        except GDALException:
            return None
        if geom.is_3d:
            geom.set_3d(False)
        if geom.is_measured:
            geom.set_measured(False)
        if geom.empty:
            return None
        if self._transform is False:
            self._transform = coordinate_transform(self.layer.srs, geom.extent, self.report)
        if self._transform:
            try:
                geom.transform(self._transform)
            except GDALException:
                raise RowRejected("coordonnées impossibles à convertir en WGS84") from None
        min_x, min_y, max_x, max_y = geom.extent
        if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
            raise RowRejected(
                f"coordonnées hors limites après conversion en WGS84 ({min_x:.5f}, {min_y:.5f})"
            )
        return geom


def _ends_like_json(path: Path) -> bool:
    """Whether the file ends as a JSON object or array does: a cut file rarely does."""
    with open(path, "rb") as stream:
        stream.seek(max(path.stat().st_size - 64, 0))
        return stream.read().rstrip().endswith((b"}", b"]"))


def _check_json_end(path: Path) -> None:
    """GDAL may read a truncated GeoJSON up to where it breaks without failing: check the end."""
    if not _ends_like_json(path):
        raise CommandError(
            f"{path.name} est tronqué : le fichier s’arrête au milieu des données JSON."
        )


def _unreadable_vector_reason(path: Path) -> str:
    if path.suffix.lower() in {".json", ".geojson"}:
        document = read_json(path)  # raises the precise JSON error when there is one
        if not isinstance(document, dict) or document.get("type") not in {
            "FeatureCollection",
            "Feature",
        }:
            return f"{path.name} est un JSON mais pas un GeoJSON (FeatureCollection attendue)."
    return (
        f"{path.name} : format non reconnu. Formats acceptés : GeoJSON (.geojson, .json) "
        "ou shapefile (.shp avec .shx et .dbf, son dossier ou un .zip)."
    )


# --- Coordinates and geometries ---------------------------------------------------------------


# WGS84 lon/lat, 2D or 3D (GDAL gives 4979 to a GeoJSON with heights): nothing to convert.
WGS84_SRIDS = {4326, 4979}


@cache
def wgs84() -> SpatialReference:
    return SpatialReference(4326)


def _in_degrees(extent) -> bool:
    min_x, min_y, max_x, max_y = extent
    return -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90


def _in_lambert93(extent) -> bool:
    min_x, min_y, max_x, max_y = extent
    return -100_000 <= min_x <= max_x <= 1_400_000 and 5_900_000 <= min_y <= max_y <= 7_300_000


def coordinate_transform(srs, extent, report: ImportReport) -> CoordTransform | None:
    """How to bring coordinates to WGS84 lon/lat (None: they already are), from the file's
    system (GeoJSON "crs", shapefile .prj; WGS84 when there is none) checked against the extent
    of its coordinates: metres in a file that says degrees (a GeoJSON written in Lambert-93
    without "crs") are read as Lambert-93 when they fit mainland France, degrees in a file that
    says metres, or coordinates that fit neither, make the file unreadable."""
    if srs is not None and not srs.geographic:
        if _in_degrees(extent):
            raise CommandError(
                f"Le fichier déclare le système {srs.name} (en mètres) mais ses coordonnées "
                "ressemblent à des degrés : vérifiez sa projection."
            )
        report.note(f"Coordonnées en {srs.name}, converties en WGS84.")
        return CoordTransform(srs, wgs84())
    if _in_degrees(extent):
        if srs is None or srs.srid in WGS84_SRIDS:
            return None
        report.note(f"Coordonnées en {srs.name}, converties en WGS84.")
        return CoordTransform(srs, wgs84())
    if _in_lambert93(extent):
        report.note(
            "Coordonnées en mètres sans système déclaré : lues en Lambert-93 (EPSG:2154) "
            "et converties en WGS84."
        )
        return CoordTransform(SpatialReference(2154), wgs84())
    raise CommandError(
        "Coordonnées ni en degrés (WGS84) ni en Lambert-93, et aucun système de coordonnées "
        f"exploitable dans le fichier (étendue {extent}) : ajoutez un .prj ou un membre « crs »."
    )


# Geometries travel as WKB (2D, little endian) between GDAL, GEOS and PostGIS: parts are picked
# and assembled on the bytes, never coordinate by coordinate in Python. WKB type codes:
_WKB_LINESTRING, _WKB_POLYGON, _WKB_MULTILINESTRING, _WKB_MULTIPOLYGON = 2, 3, 5, 6
_COORDINATE = 16  # bytes of one 2D coordinate


@cache
def _wkb_writer() -> WKBWriter:
    writer = WKBWriter(dim=2)
    writer.byteorder = 1  # little endian (NDR), like GDAL's on x86 and PostGIS's ST_AsBinary
    return writer


def wkb_of(geom: GEOSGeometry) -> bytes:
    return bytes(_wkb_writer().write(geom))


def _from_wkb(wkb: bytes) -> GEOSGeometry:
    # The WKB was written by GDAL or GEOS, without nested collections: Django's check of the
    # nesting depth, which walks every part in Python, is not needed.
    return GEOSGeometry(memoryview(wkb), 4326, max_geom_collections=None)


def _multi(kind: int, parts: list[bytes]) -> GEOSGeometry:
    return _from_wkb(struct.pack("<BII", 1, kind, len(parts)) + b"".join(parts))


def _split(wkb: bytes, single: int, multi: int) -> list[bytes]:
    """The WKB of each LineString (Polygon) of a 2D little-endian LineString or MultiLineString
    (Polygon or MultiPolygon)."""
    kind = struct.unpack_from("<I", wkb, 1)[0]
    if kind == single:
        return [wkb]
    if kind != multi:
        return []
    count = struct.unpack_from("<I", wkb, 5)[0]
    parts, offset = [], 9
    for _ in range(count):
        end = offset + 5
        if single == _WKB_LINESTRING:
            end += 4 + struct.unpack_from("<I", wkb, end)[0] * _COORDINATE
        else:
            rings = struct.unpack_from("<I", wkb, end)[0]
            end += 4
            for _ in range(rings):
                end += 4 + struct.unpack_from("<I", wkb, end)[0] * _COORDINATE
        parts.append(wkb[offset:end])
        offset = end
    return parts


def _degenerate(line: bytes) -> bool:
    """Fewer than 2 distinct points (so zero length): all coordinates byte-identical."""
    count = struct.unpack_from("<I", line, 5)[0]
    return count < 2 or line[9:] == line[9 : 9 + _COORDINATE] * count


def _ogr_wkb(geom) -> bytes:
    wkb = bytes(geom.wkb)
    if wkb[0] != 1:  # big-endian machine: let GEOS rewrite it little endian
        wkb = wkb_of(GEOSGeometry(memoryview(wkb)))
    return wkb


def collect(geoms: Iterable[GEOSGeometry], *, polygons: bool) -> GEOSGeometry | None:
    """One MultiLineString (MultiPolygon) with the parts of LineStrings and MultiLineStrings
    (Polygons and MultiPolygons); other members (points…) are left out. None when none is left."""
    single, multi = (
        (_WKB_POLYGON, _WKB_MULTIPOLYGON) if polygons else (_WKB_LINESTRING, _WKB_MULTILINESTRING)
    )
    parts = []
    for geom in geoms:
        for member in list(geom) if geom.geom_type == "GeometryCollection" else [geom]:
            if not member.empty:
                parts += _split(wkb_of(member), single, multi)
    return _multi(multi, parts) if parts else None


LINE_TYPES = {"LINESTRING", "MULTILINESTRING"}
POLYGON_TYPES = {"POLYGON", "MULTIPOLYGON"}


def repair_lines(geom) -> tuple[GEOSGeometry, int]:
    """A route (OGR LineString or MultiLineString) as a MultiLineString in WGS84, without its
    degenerate parts (fewer than 2 distinct points, zero length), and how many were dropped."""
    name = geom.geom_name
    if name not in LINE_TYPES:
        raise RowRejected(f"géométrie de type {name} : LineString ou MultiLineString attendu")
    parts = _split(_ogr_wkb(geom), _WKB_LINESTRING, _WKB_MULTILINESTRING)
    kept = [part for part in parts if not _degenerate(part)]
    if not kept:
        raise RowRejected(
            "géométrie irréparable : aucune partie valide (toutes ont moins de 2 points distincts)"
        )
    return _multi(_WKB_MULTILINESTRING, kept), len(parts) - len(kept)


def repair_polygons(geom) -> tuple[GEOSGeometry, bool]:
    """A zone (OGR Polygon or MultiPolygon) as a valid MultiPolygon in WGS84, and whether it had
    to be repaired (GEOS MakeValid: self-intersections, bow ties, collapsed rings…)."""
    name = geom.geom_name
    if name not in POLYGON_TYPES:
        raise RowRejected(f"géométrie de type {name} : Polygon ou MultiPolygon attendu")
    geom.close_rings()
    try:
        polygon = _from_wkb(_ogr_wkb(geom))
    except GEOSException:
        raise RowRejected("géométrie irréparable : polygone illisible") from None
    fixed = polygon.make_valid()
    zone = collect([fixed], polygons=True)
    if zone is None:
        raise RowRejected("géométrie irréparable : polygone sans surface")
    return zone, not fixed.equals_exact(polygon)


def merge_polygons(zones: list[GEOSGeometry]) -> GEOSGeometry:
    """Union of the zones of several features with the same id, as one valid MultiPolygon."""
    if len(zones) == 1:
        return zones[0]
    return collect([collect(zones, polygons=True).unary_union], polygons=True)


def merge_lines(routes: list[GEOSGeometry]) -> GEOSGeometry:
    """The parts of the routes of several features with the same id, as one MultiLineString."""
    return routes[0] if len(routes) == 1 else collect(routes, polygons=False)


# --- Bulk upsert ------------------------------------------------------------------------------


@dataclass
class Row:
    """One object to create or update, keyed on its official id.

    `values` are written on creation and update (only the fields the file provides), `defaults`
    on creation only, `many` are many-to-many links (field name → set of primary keys)."""

    where: str
    values: dict[str, Any]
    defaults: dict[str, Any] = field(default_factory=dict)
    many: dict[str, set[int]] = field(default_factory=dict)


def _digest(geom: GEOSGeometry | None) -> str | None:
    return None if geom is None else hashlib.md5(wkb_of(geom), usedforsecurity=False).hexdigest()


def _validation_reason(model, error: ValidationError) -> str:
    messages = []
    for name, errors in error.message_dict.items():
        label = model._meta.get_field(name).verbose_name if name != "__all__" else ""
        messages.extend(f"{label} : {message}" if label else message for message in errors)
    return " ; ".join(messages)


def upsert(
    model: type[models.Model],
    key: str,
    rows: dict[str, Row],
    report: ImportReport,
    *,
    source: str = "",
    source_date: date | None = None,
    merge_sources: bool = False,
    batch_size: int = 100,
) -> list[tuple[models.Model, Row]]:
    """Create or update `rows` (official id → Row) in bulk, like update_or_create on `key` but in
    a few queries, and count them in the report: created, updated, unchanged (same values), or
    rejected by the model's field validation (length, choices…). Returns the saved objects.

    `source` and `source_date`, when given, are recorded on every row written. With
    `merge_sources` (data of one object coming from several files), the source is added to the
    object's own ("A ; B") and the date is the most recent one."""
    many_fields = sorted({name for row in rows.values() for name in row.many})
    # Geometries already in the database are compared by a digest of their WKB, computed by
    # PostGIS, rather than loaded: a national file holds millions of vertices.
    geometry_fields = {
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, GeometryField) and any(f.name in row.values for row in rows.values())
    }
    digests = {
        f"{name}_wkb_md5": Func(AsWKB(name), function="md5", output_field=models.CharField())
        for name in geometry_fields
    }
    existing: dict[str, models.Model] = {}
    keys = list(rows)
    for start in range(0, len(keys), 5000):
        queryset = (
            model.objects.filter(**{f"{key}__in": keys[start : start + 5000]})
            .defer(*geometry_fields)
            .annotate(**digests)
            .prefetch_related(*many_fields)
        )
        existing.update((getattr(obj, key), obj) for obj in queryset)

    to_create, to_update, saved = [], [], []
    updated_fields: set[str] = set()
    now = timezone.now()
    has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
    for official_id, row in rows.items():
        obj = existing.get(official_id)
        if source:
            current = getattr(obj, "source", "") if obj and merge_sources else ""
            row.values["source"] = merge_source(current, source)
        if source_date:
            current = getattr(obj, "source_date", None) if obj and merge_sources else None
            row.values["source_date"] = max(source_date, current or source_date)
        if obj is None:
            obj = model(**{key: official_id, **row.defaults, **row.values})
            changed = [*row.defaults, *row.values]
        else:
            changed = [
                name
                for name, value in row.values.items()
                if (
                    getattr(obj, f"{name}_wkb_md5") != _digest(value)
                    if name in geometry_fields
                    else getattr(obj, name) != value
                )
            ]
            for name in changed:
                setattr(obj, name, row.values[name])
        links_changed = bool(obj.pk) and any(
            {o.pk for o in getattr(obj, name).all()} != row.many[name] for name in row.many
        )
        if obj.pk and not changed and not links_changed:
            report.unchanged += 1
            continue
        try:
            # A new object is checked whole (required fields), an existing one on what changed.
            exclude = (
                [f.name for f in model._meta.fields if {f.name, f.attname}.isdisjoint(changed)]
                if obj.pk
                else None
            )
            obj.clean_fields(exclude=exclude)
        except ValidationError as error:
            report.reject(row.where, _validation_reason(model, error))
            continue
        if has_updated_at:
            obj.updated_at = now
        if obj.pk:
            to_update.append(obj)
            updated_fields.update(model._meta.get_field(name).name for name in changed)
            report.updated += 1
        else:
            to_create.append(obj)
            report.created += 1
        saved.append((obj, row))

    model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update and (updated_fields or has_updated_at):
        fields = sorted(updated_fields | ({"updated_at"} if has_updated_at else set()))
        model.objects.bulk_update(to_update, fields, batch_size=batch_size)
    for obj, row in saved:
        for name, pks in row.many.items():
            getattr(obj, name).set(pks)
    return saved


# --- Index rebuild ----------------------------------------------------------------------------
# Loading many rows into a table with few or none costs mostly the upkeep of its indexes, row by
# row (a trigram GIN index above all); building an index once over the loaded rows costs a
# fraction of it. DDL is transactional in PostgreSQL: when the import fails, the rollback brings
# the dropped indexes back as they were.


@dataclass(frozen=True)
class TableIndex:
    """An index of a table, as PostgreSQL describes it, to be dropped and created again
    identically: by its `CREATE INDEX` statement (pg_get_indexdef), or, for the index of a UNIQUE
    or EXCLUDE constraint, by the constraint's definition (pg_get_constraintdef)."""

    table: str
    name: str
    definition: str
    constraint: str | None = None

    def drop_sql(self, quote) -> str:
        if self.constraint:
            return f"ALTER TABLE {quote(self.table)} DROP CONSTRAINT {quote(self.constraint)}"
        return f"DROP INDEX {quote(self.name)}"

    def create_sql(self, quote) -> str:
        if self.constraint:
            return (
                f"ALTER TABLE {quote(self.table)} ADD CONSTRAINT {quote(self.constraint)} "
                f"{self.definition}"
            )
        return self.definition


_TABLE_INDEXES = """
    SELECT index.relname, pg_get_indexdef(x.indexrelid), con.conname, pg_get_constraintdef(con.oid)
    FROM pg_index x
    JOIN pg_class index ON index.oid = x.indexrelid
    JOIN pg_am am ON am.oid = index.relam
    LEFT JOIN pg_constraint con
        ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('u', 'x')
    WHERE x.indrelid = %s::regclass
      AND NOT x.indisprimary
      AND am.amname <> ALL(%s)
      AND NOT EXISTS (
          SELECT 1 FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.conindid = x.indexrelid
      )
    ORDER BY con.conname IS NULL, index.relname
"""


def drop_indexes(
    cursor, table: str, *, keep_methods: Iterable[str] = (), keep_constraints: bool = False
) -> list[TableIndex]:
    """Drops the indexes of `table` (and the UNIQUE constraints they carry), except the primary
    key, those a foreign key relies on, those of the access methods in `keep_methods` ("gist"…)
    and, with `keep_constraints`, those of constraints (an INSERT … ON CONFLICT needs its UNIQUE
    index), and returns them, to be given to `create_indexes` once the rows are loaded. Takes an
    ACCESS EXCLUSIVE lock on the table until the end of the transaction: call it in one."""
    quote = connection.ops.quote_name
    cursor.execute(_TABLE_INDEXES, [quote(table), list(keep_methods)])
    indexes = [
        TableIndex(table, name, constraint_definition or definition, constraint)
        for name, definition, constraint, constraint_definition in cursor.fetchall()
        if not (keep_constraints and constraint)
    ]
    for index in indexes:
        cursor.execute(index.drop_sql(quote))
    return indexes


def create_indexes(cursor, indexes: list[TableIndex], progress: Progress | None = None) -> None:
    """Creates again the indexes `drop_indexes` dropped, with their names and definitions."""
    quote = connection.ops.quote_name
    for index in indexes:
        cursor.execute(index.create_sql(quote))
        if progress:
            progress.advance()
