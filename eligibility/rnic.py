"""Reading the national condominium register (registre national d’immatriculation des
copropriétés, RNIC, published by ANAH) into `Condominium`, for `import_rnic`.

Two formats, with the register's field names:

- GeoJSON (points, WGS84), read by GDAL: `numero_immatriculation`, `nom_usage_copropriete`,
  `adresse_reference`, `commune` (INSEE code), `nb_lot_habitation`, `nb_lot`,
  `periode_construction`, `type_chauffage`, `energie_utilisee`, `chauffage_urbain`, the legal
  representative (`type_syndic`, `identification_representant_legal` with the SIRET after a
  professional's name, `syndicat_cooperatif`, `mandat`, `date_fin_mandat`) and the buildings per
  energy class (`a` … `g`, `non_determine`)…
- CSV as published on data.gouv.fr: the same fields, or their long spellings
  (`numero_d_immatriculation`, `nombre_de_lots_a_usage_d_habitation`…, or the labels
  « Numéro d’immatriculation », « Type de syndic : bénévole / professionnel / non connu »,
  « SIRET du représentant légal », « Date de fin du dernier mandat »), the position in
  `long`/`lat` (or `lon`, `longitude`…), `;` or `,`, UTF-8 or Latin-1 (Windows-1252).

A row without a registration number or a usable position is rejected; a value the register
garbled (a date such as « 0029/05/16 », an unknown code) is ignored with a warning, never a
rejection. Rows are written in chunks with `importing.upsert` (update on the registration number).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import Point
from django.core.management.base import CommandError

from chauffage.formatting import plural
from eligibility.importing import (
    ImportReport,
    Progress,
    Row,
    RowRejected,
    VectorLayer,
    parse_bool,
    parse_insee_code,
    parse_int,
    parse_number,
    parse_text,
    upsert,
)
from eligibility.models import (
    ENERGY_CLASSES,
    Condominium,
    CondominiumHeating,
    ConstructionPeriod,
    MandateStatus,
    SyndicKind,
)
from eligibility.text import normalize

DEFAULT_SOURCE = "ANAH, registre national d’immatriculation des copropriétés (RNIC)"
CHUNK = 5000  # rows written at once

# Our key → the register's names for it, first the GeoJSON's, then the CSV's long spellings.
# Names are compared normalised (lower case, no accents, "_" between words), so the labels
# « Numéro d’immatriculation » or « Nombre total de lots » match too.
FIELDS = {
    "numero_immatriculation": (
        "numero_immatriculation",
        "numero_d_immatriculation",
        "immatriculation",
    ),
    "name": (
        "nom_usage_copropriete",
        "nom_d_usage_de_la_copropriete",
        "nom_d_usage_copropriete",
        "nom_usage",
    ),
    "adresse_reference": ("adresse_reference", "adresse_de_reference"),
    "commune": ("commune", "code_officiel_commune", "code_insee_commune", "code_commune"),
    "nb_lot_habitation": (
        "nb_lot_habitation",
        "nombre_de_lots_a_usage_d_habitation",
        "nombre_lots_usage_habitation",
        "nombre_lots_habitation",
    ),
    "nb_lot": ("nb_lot", "nombre_total_de_lots", "nombre_total_lots"),
    "periode_construction": ("periode_construction", "periode_de_construction"),
    "type_chauffage": ("type_chauffage", "type_de_chauffage"),
    "energie_utilisee": ("energie_utilisee", "energie_utilisee_pour_le_chauffage"),
    "chauffage_urbain": ("chauffage_urbain",),
    "date_derniere_maj": (
        "date_derniere_maj",
        "date_de_la_derniere_maj",
        "date_de_derniere_mise_a_jour",
        "date_derniere_mise_a_jour",
    ),
    # The legal representative: « Type de syndic : bénévole / professionnel / non connu »,
    # « Identification du représentant légal (raison sociale et le numéro SIRET du syndic
    # professionnel ou Civilité/prénom/ nom du syndic bénévole ou coopératif) », « SIRET du
    # représentant légal » (« Siret représentant légal (si existe) » in older files), « Mandat en
    # cours dans la copropriété », « Date de fin du dernier mandat », « Syndicat coopératif ».
    "type_syndic": (
        "type_syndic",
        "type_de_syndic_benevole_professionnel_non_connu",
        "type_de_syndic",
    ),
    "representant_legal": (
        "identification_representant_legal",
        "identification_du_representant_legal_raison_sociale_et_le_numero_siret_du_syndic_"
        "professionnel_ou_civilite_prenom_nom_du_syndic_benevole_ou_cooperatif",
        "identification_du_representant_legal",
    ),
    "representant_legal_siret": (
        "siret_representant_legal",
        "siret_du_representant_legal",
        "siret_representant_legal_si_existe",
    ),
    "mandat": ("mandat", "mandat_en_cours_dans_la_copropriete", "mandat_en_cours"),
    "date_fin_mandat": (
        "date_fin_mandat",
        "date_de_fin_du_dernier_mandat",
        "date_fin_dernier_mandat",
    ),
    "syndicat_cooperatif": ("syndicat_cooperatif",),
    # Buildings per energy performance class (DPE): `a` … `g`, `non_determine`.
    **{
        field: (label, f"etiquette_{label}", f"dpe_{label}")
        for field, label in (
            ("dpe_a", "a"),
            ("dpe_b", "b"),
            ("dpe_c", "c"),
            ("dpe_d", "d"),
            ("dpe_e", "e"),
            ("dpe_f", "f"),
            ("dpe_g", "g"),
            ("dpe_non_determine", "non_determine"),
        )
    },
}
LONGITUDE = ("long", "lon", "lng", "longitude", "x_wgs84", "coordonnee_x_wgs84")
LATITUDE = ("lat", "latitude", "y_wgs84", "coordonnee_y_wgs84")

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_REGISTRATION = re.compile(r"^[A-Z0-9]{4,20}$")
_PERIODS = {choice.value for choice in ConstructionPeriod}
_HEATINGS = {choice.value for choice in CondominiumHeating}
_SYNDIC_KINDS = {choice.value for choice in SyndicKind}
_MANDATES = {choice.value for choice in MandateStatus}
# Values that say "nothing known": kept empty.
_EMPTY_CODES = {"", "non_renseigne", "non_renseignee", "nc", "n_c", "null", "none"}
# The syndic's fields also say « non connu » (the energy keeps its code « non_connue »).
_UNKNOWN_CODES = _EMPTY_CODES | {"non_connu", "non_connue"}
# "FONCIA MANSART 49020518400016": the register writes a professional's SIRET after its name.
_TRAILING_SIRET = re.compile(r"^(?P<name>.*?)[\s,;:-]*(?P<siret>\d{14})$")
_SIRET = re.compile(r"^\d{14}$")
MANDATE_YEARS_AHEAD = 10  # a syndic's mandate lasts 3 years at most; a later end is garbled
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ].*)?$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
)


# Apostrophes that normalize() would drop rather than turn into a separator: the register's
# labels write « Nom d’usage de la copropriété » with a typographic one.
_APOSTROPHES = str.maketrans({"\u2019": " ", "\u2018": " ", "\u02bc": " "})


def field_key(name: str) -> str:
    """ "Numéro d’immatriculation" → "numero_d_immatriculation"."""
    return _NOT_WORD.sub("_", normalize(name.translate(_APOSTROPHES))).strip("_")


def code(value: Any) -> str:
    """A code of the register, normalised: "Gaz collectif" → "gaz_collectif", "sans objet" →
    "sans_objet", "DE_1949_A_1960" unchanged apart from the case (callers choose it)."""
    return field_key(parse_text(value))


def parse_loose_date(value: Any, *, years_ahead: int = 1) -> date | None:
    """A date of the register, or None when it is empty or garbled (« 0029/05/16 »), before 1990
    or more than `years_ahead` years from now."""
    if isinstance(value, date):
        return value
    text = parse_text(value)
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                parsed = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
            return parsed if 1990 <= parsed.year <= date.today().year + years_ahead else None
    return None


@dataclass
class Record:
    """One row of the file: where it is (for the report), its values by our keys, its position."""

    where: str
    values: dict[str, Any]
    lon: Any = None
    lat: Any = None
    point: Point | None = None


# --- Readers --------------------------------------------------------------------------------


def read_geojson(path: Path, report: ImportReport, progress_for: Callable) -> Iterator[Record]:
    layer = VectorLayer(path, report)
    report.unit = "entités"
    names = {key: layer.field(*aliases) for key, aliases in FIELDS.items()}
    if not names["numero_immatriculation"]:
        raise CommandError(
            f"{path.name} : attribut numero_immatriculation absent. "
            f"Attributs trouvés : {', '.join(layer.fields.values()) or 'aucun'}."
        )
    with progress_for(total=len(layer), label="Copropriétés") as progress:
        for index, feature in enumerate(layer, start=1):
            progress.advance()
            values = {}
            for key, name in names.items():
                if not name:
                    continue
                try:
                    values[key] = layer.value(feature, name)
                except (GDALException, ValueError, TypeError):
                    values[key] = None  # a value GDAL cannot read (a garbled date): ignored
            record = Record(f"entité {index}", values)
            try:
                geom = layer.geometry(feature)
                if geom is None:
                    raise RowRejected("géométrie absente")
                if geom.geom_name == "MULTIPOINT" and len(geom) == 1:
                    geom = geom[0]
                if geom.geom_name != "POINT":
                    raise RowRejected(f"géométrie de type {geom.geom_name} : Point attendu")
                record.point = Point(geom.x, geom.y, srid=4326)
            except RowRejected as rejection:
                record.point = None
                record.values["_rejection"] = str(rejection)
            yield record


def detect_encoding(path: Path) -> str:
    """UTF-8 when every byte decodes as such, else Windows-1252 (Latin-1 with the French
    quotes and œ), else Latin-1, which decodes anything."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    return "latin-1"


ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (Latin-1)", "latin-1": "Latin-1"}


def read_csv(path: Path, report: ImportReport, progress_for: Callable) -> Iterator[Record]:
    encoding = detect_encoding(path)
    if encoding != "utf-8-sig":
        report.note(f"Encodage détecté : {ENCODING_NAMES[encoding]}.")
    raw = open(path, "rb")  # noqa: SIM115 - closed through the text stream below
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    line = 1
    try:
        with text, progress_for(total=path.stat().st_size, label="Copropriétés") as progress:
            header_line = text.readline()
            delimiter = max(";,\t", key=header_line.count)
            header = next(csv.reader([header_line], delimiter=delimiter), [])
            keys = [field_key(name) for name in header]

            def column(*aliases: str) -> int | None:
                for alias in aliases:
                    if alias in keys:
                        return keys.index(alias)
                return None

            columns = {key: column(*aliases) for key, aliases in FIELDS.items()}
            lon_column, lat_column = column(*LONGITUDE), column(*LATITUDE)
            missing = [
                label
                for label, index in (
                    ("numero_immatriculation", columns["numero_immatriculation"]),
                    ("long (longitude)", lon_column),
                    ("lat (latitude)", lat_column),
                )
                if index is None
            ]
            if missing:
                raise CommandError(
                    f"{path.name} : colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}. "
                    f"Colonnes trouvées : {', '.join(name.strip() for name in header) or 'aucune'}."
                )
            width = len(header)
            reader = csv.reader(text, delimiter=delimiter, strict=True)
            pending: list[str] | None = None
            pending_line = 0

            def record(row: list[str], number: int) -> Record | None:
                if len(row) != width:
                    report.reject(
                        f"ligne {number}", f"{plural(len(row), 'colonne')} au lieu de {width}"
                    )
                    return None
                values = {key: row[index] for key, index in columns.items() if index is not None}
                return Record(f"ligne {number}", values, row[lon_column], row[lat_column])

            for row in reader:
                # One row late, to know the last one: cut short, it means a truncated file.
                if not row or row == [""]:
                    continue
                if pending is not None and (found := record(pending, pending_line)):
                    yield found
                pending, pending_line = row, reader.line_num + 1
                line = pending_line
                if not line % 1024:
                    progress.update(raw.tell())
            if pending is not None:
                if len(pending) < width:
                    raise CommandError(
                        f"{path.name} est tronqué : la dernière ligne ({pending_line}) n’a que "
                        f"{plural(len(pending), 'colonne')} sur {width}."
                    )
                if found := record(pending, pending_line):
                    yield found
    except csv.Error as error:
        raise CommandError(
            f"{path.name} : CSV mal formé ou tronqué, ligne {line} : {error}."
        ) from None


# --- Rows -----------------------------------------------------------------------------------


class Counters:
    """What was ignored in valid rows, summarised once in the report rather than row by row."""

    def __init__(self):
        self.garbled_dates = 0
        self.garbled_mandate_ends = 0


def clean(record: Record, report: ImportReport, counters: Counters) -> tuple[str, dict]:
    """(registration number, model values) of a record; raises RowRejected."""
    values = record.values
    number = parse_text(values.get("numero_immatriculation")).upper().replace(" ", "")
    if not number:
        raise RowRejected("numéro d’immatriculation manquant")
    record.where = f"{record.where} ({number})"
    if not _REGISTRATION.match(number):
        raise RowRejected(f"numéro d’immatriculation « {number} » invalide")
    if "_rejection" in values:
        raise RowRejected(values["_rejection"])
    point = record.point or _point(record.lon, record.lat)
    if abs(point.x) < 1e-9 and abs(point.y) < 1e-9:
        raise RowRejected("position nulle (0, 0) : copropriété non localisée")

    where = record.where
    result: dict[str, Any] = {
        "location": point,
        "name": parse_text(values.get("name"))[:255],
        "adresse_reference": parse_text(values.get("adresse_reference"))[:255],
    }
    raw_commune = parse_text(values.get("commune"))
    if raw_commune:
        try:
            result["code_insee"] = parse_insee_code(raw_commune, "commune")
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
    for key, label in (("nb_lot_habitation", "lots d’habitation"), ("nb_lot", "lots")):
        try:
            result[key] = parse_int(values.get(key), label, minimum=0)
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
    period = parse_text(values.get("periode_construction")).upper().replace(" ", "_")
    period = period.replace("À", "A")
    if _known(period, _PERIODS, "période de construction", "inconnue", report, where):
        result["periode_construction"] = period
    heating = code(values.get("type_chauffage"))
    if _known(heating, _HEATINGS, "type de chauffage", "inconnu", report, where):
        result["type_chauffage"] = heating
    energy = code(values.get("energie_utilisee"))
    if energy not in _EMPTY_CODES:
        result["energie_utilisee"] = energy[:40]
    try:
        result["chauffage_urbain"] = parse_bool(values.get("chauffage_urbain"), "chauffage urbain")
    except RowRejected as problem:
        report.warn(where, f"{problem} : valeur ignorée")
    raw_date = values.get("date_derniere_maj")
    updated = parse_loose_date(raw_date)
    if updated:
        result["date_derniere_maj"] = updated
    elif parse_text(raw_date):
        counters.garbled_dates += 1
    result.update(_syndic(values, report, where, counters))
    for field, label in ENERGY_CLASSES.items():
        try:
            result[field] = parse_int(
                values.get(field), f"bâtiments d’étiquette DPE {label}", minimum=0
            )
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
    return number, {key: value for key, value in result.items() if value not in ("", None)}


def _known(
    value: str, known, what: str, unknown: str, report, where: str, empty=_EMPTY_CODES
) -> bool:
    """Whether a coded value of the register is one of `known`; an unknown code that says
    something (not one of `empty`) is reported as ignored."""
    if value in known:
        return True
    if code(value) not in empty:
        report.warn(where, f"{what} « {value} » {unknown} : valeur ignorée")
    return False


def _syndic(values: dict, report: ImportReport, where: str, counters: Counters) -> dict:
    """The legal representative: name, SIRET (its own column, else the 14 digits the register
    writes after a professional's name), kind of syndic, cooperative or not, mandate."""
    result: dict[str, Any] = {}
    identity = parse_text(values.get("representant_legal"))
    siret = parse_text(values.get("representant_legal_siret")).replace(" ", "")
    if code(identity) in _UNKNOWN_CODES:
        identity = ""
    if match := _TRAILING_SIRET.match(identity):
        identity = match["name"].strip()
        siret = siret if _SIRET.match(siret) else match["siret"]
    result["representant_legal"] = identity[:255]
    if _SIRET.match(siret):
        result["representant_legal_siret"] = siret
    elif code(siret) not in _UNKNOWN_CODES:
        report.warn(where, f"SIRET du représentant légal « {siret} » invalide : valeur ignorée")
    kind = code(values.get("type_syndic"))
    if _known(kind, _SYNDIC_KINDS, "type de syndic", "inconnu", report, where, _UNKNOWN_CODES):
        result["type_syndic"] = kind
    cooperative = code(values.get("syndicat_cooperatif"))
    if cooperative not in _UNKNOWN_CODES:
        try:
            result["syndicat_cooperatif"] = parse_bool(cooperative, "syndicat coopératif")
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
    mandate = code(values.get("mandat"))
    if _known(mandate, _MANDATES, "mandat", "inconnu", report, where, _UNKNOWN_CODES):
        result["mandat"] = mandate
    raw_end = values.get("date_fin_mandat")
    end = parse_loose_date(raw_end, years_ahead=MANDATE_YEARS_AHEAD)
    if end:
        result["date_fin_mandat"] = end
    elif parse_text(raw_end):
        counters.garbled_mandate_ends += 1
    return result


def _point(lon: Any, lat: Any) -> Point:
    longitude = parse_number(lon, "longitude", minimum=-180, maximum=180)
    latitude = parse_number(lat, "latitude", minimum=-90, maximum=90)
    if longitude is None or latitude is None:
        raise RowRejected("position absente (long et lat vides)")
    return Point(longitude, latitude, srid=4326)


def import_file(
    path: Path,
    report: ImportReport,
    *,
    progress_for: Callable[..., Progress],
    source: str = "",
    source_date: date | None = None,
) -> None:
    """Reads the whole file into `Condominium` (created or updated on the registration number)."""
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        records = read_geojson(path, report, progress_for)
    elif suffix in {".csv", ".txt"}:
        records = read_csv(path, report, progress_for)
    else:
        raise CommandError(
            f"{path.name} : format non reconnu. Formats acceptés : GeoJSON (.geojson, .json) "
            "ou CSV (.csv) du registre."
        )
    counters = Counters()
    seen: dict[str, str] = {}
    rows: dict[str, Row] = {}
    for record in records:
        report.rows_read += 1
        try:
            number, values = clean(record, report, counters)
            if number in seen:
                raise RowRejected(f"numéro d’immatriculation en double (déjà {seen[number]})")
        except RowRejected as rejection:
            report.reject(record.where, str(rejection))
            continue
        seen[number] = record.where
        rows[number] = Row(record.where, values)
        if len(rows) >= CHUNK:
            _write(rows, report, source, source_date)
            rows = {}
    _write(rows, report, source, source_date)
    if counters.garbled_dates:
        report.note(
            f"{counters.garbled_dates} date(s) de mise à jour illisibles dans le registre : "
            "ignorées, les copropriétés sont importées."
        )
    if counters.garbled_mandate_ends:
        report.note(
            f"{counters.garbled_mandate_ends} date(s) de fin de mandat illisibles dans le "
            "registre : ignorées, les copropriétés sont importées."
        )
    if not report.rows_read:
        raise CommandError(f"{path.name} ne contient aucune copropriété.")


def _write(rows: dict[str, Row], report: ImportReport, source: str, source_date) -> None:
    if rows:
        upsert(
            Condominium,
            "numero_immatriculation",
            rows,
            report,
            source=source or DEFAULT_SOURCE,
            source_date=source_date,
        )
