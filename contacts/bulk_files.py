"""Reading the files of bulk eligibility tests: encoding, delimiter, columns and their roles.

A file is CSV or plain text whose first line names the columns. Its encoding is detected
(UTF-8 with or without BOM, UTF-16 with its BOM as Excel's "Unicode text", else Windows-1252,
else Latin-1), its delimiter too (`;` `,` tab
`|`: the one that splits the header and the first lines into the same number of columns), and
each column gets a role from its name (address, house number, street, postcode, commune, INSEE
code, latitude, longitude), which the user may correct. Problems are `BulkFileError`s with a code
and a message in French.
"""

import csv
import io
import re
from dataclasses import dataclass

from django.conf import settings

from eligibility.text import normalize

DELIMITERS = [";", ",", "\t", "|"]
DELIMITER_LABELS = {
    ";": "point-virgule (;)",
    ",": "virgule (,)",
    "\t": "tabulation",
    "|": "barre (|)",
}
ENCODING_LABELS = {
    "utf-8-sig": "UTF-8 (avec BOM)",
    "utf-8": "UTF-8",
    "utf-16": "UTF-16 (« Texte Unicode » d’Excel)",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1 (ISO-8859-1)",
}
SAMPLE_BYTES = 64 * 1024
PREVIEW_ROWS = 10

ROLES = {
    "": "Ignorée (recopiée telle quelle)",
    "address": "Adresse complète",
    "number": "Numéro",
    "street": "Voie",
    "postcode": "Code postal",
    "city": "Commune",
    "citycode": "Code INSEE",
    "lat": "Latitude",
    "lon": "Longitude",
}
# Normalised column names (eligibility.text.normalize) → role.
_NAMES = {
    "address": {
        "adresse",
        "adresse complete",
        "adresse postale",
        "address",
        "libelle",
        "libelle adresse",
        "label",
        "q",
    },
    "number": {"numero", "num", "no", "n", "numero de voie", "housenumber", "numero voie"},
    "street": {
        "voie",
        "rue",
        "nom voie",
        "nom de voie",
        "nom de la voie",
        "street",
        "libelle voie",
    },
    "postcode": {"code postal", "cp", "postcode", "code postal commune"},
    "city": {"commune", "ville", "city", "nom commune", "localite"},
    "citycode": {"code insee", "insee", "citycode", "code commune", "code commune insee"},
    "lat": {"lat", "latitude", "y", "lat wgs84"},
    "lon": {"lon", "lng", "long", "longitude", "x", "lon wgs84"},
}
_ROLE_OF_NAME = {name: role for role, names in _NAMES.items() for name in names}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class BulkFileError(Exception):
    """A file that cannot be tested: `code` for the API, `message` in French for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Inspection:
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, int]  # role → column index
    preview: list[list[str]]
    total_rows: int

    @property
    def encoding_label(self) -> str:
        return ENCODING_LABELS.get(self.encoding, self.encoding)

    @property
    def delimiter_label(self) -> str:
        return DELIMITER_LABELS.get(self.delimiter, self.delimiter)


def detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _check_not_binary(data: bytes) -> None:
    sample = data[:SAMPLE_BYTES]
    if sample.startswith(b"PK\x03\x04") or sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise BulkFileError(
            "spreadsheet_file",
            "Ce fichier est un classeur (Excel ou OpenDocument) : enregistrez-le au format CSV "
            "(« CSV UTF-8 » ou « CSV séparateur point-virgule ») puis déposez-le à nouveau.",
        )
    if b"\x00" in sample or sample.startswith(b"%PDF"):
        raise BulkFileError(
            "binary_file",
            "Ce fichier n’est pas un fichier texte (CSV ou TXT) : il contient des données "
            "binaires.",
        )


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes; raises BulkFileError for an empty or binary file."""
    if not data.strip():
        raise BulkFileError("empty_file", "Le fichier est vide.")
    encoding = detect_encoding(data)
    if encoding != "utf-16":  # its ASCII characters come with a NUL byte each
        _check_not_binary(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise BulkFileError(
            "unreadable_file", "Fichier illisible : encodage UTF-16 incorrect."
        ) from error
    sample = text[:SAMPLE_BYTES]
    if len(_CONTROL.findall(sample)) > max(10, len(sample) // 100):
        raise BulkFileError(
            "binary_file",
            "Ce fichier n’est pas un fichier texte (CSV ou TXT) : il contient des caractères de "
            "contrôle.",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _rows(text: str, delimiter: str):
    return csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header into as many columns as most of the first lines
    (more than one); `;` when none does (a file of one column)."""
    head = "\n".join(text.split("\n", 51)[:51])
    best, best_score = ";", (0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [row for row in _rows(head, delimiter) if any(cell.strip() for cell in row)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agreeing = sum(1 for row in rows[1:] if len(row) == width)
        share = agreeing / max(len(rows) - 1, 1)
        score = (1 if share >= 0.8 else 0, width if share >= 0.8 else 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def guess_mapping(columns: list[str]) -> dict[str, int]:
    """Roles from the column names; the first column of a one-column file is the address."""
    mapping: dict[str, int] = {}
    for index, name in enumerate(columns):
        role = _ROLE_OF_NAME.get(normalize(name))
        if role and role not in mapping:
            mapping[role] = index
    if not mapping and len(columns) == 1:
        mapping["address"] = 0
    return mapping


def check_mapping(mapping: dict[str, int], width: int) -> None:
    """Raises BulkFileError unless the roles locate a point or an address."""
    if any(not 0 <= index < width for index in mapping.values()):
        raise BulkFileError("invalid_mapping", "Une colonne indiquée n’existe pas dans le fichier.")
    if len(set(mapping.values())) != len(mapping):
        raise BulkFileError("invalid_mapping", "Une même colonne a reçu deux rôles.")
    has_point = "lat" in mapping and "lon" in mapping
    has_address = "address" in mapping or (
        "street" in mapping and ("postcode" in mapping or "city" in mapping)
    )
    if ("lat" in mapping) != ("lon" in mapping):
        raise BulkFileError(
            "invalid_mapping", "Indiquez à la fois la colonne de latitude et celle de longitude."
        )
    if not (has_point or has_address):
        raise BulkFileError(
            "no_usable_column",
            "Aucune colonne exploitable : il faut une colonne d’adresse complète, ou la voie avec "
            "le code postal ou la commune, ou une latitude et une longitude. Nommez les colonnes "
            "(par exemple « adresse », « latitude », « longitude ») ou indiquez leur rôle.",
        )


def parse_mapping(raw, width: int) -> dict[str, int]:
    """A mapping given by a user or an API client ({role: column index}); checked."""
    if not isinstance(raw, dict):
        raise BulkFileError("invalid_mapping", "Le rôle des colonnes est illisible.")
    mapping = {}
    for role, index in raw.items():
        if role not in ROLES or not role:
            raise BulkFileError("invalid_mapping", f"Rôle de colonne inconnu : « {role} ».")
        if isinstance(index, str) and index.strip().isdigit():
            index = int(index)
        if isinstance(index, bool) or not isinstance(index, int):
            raise BulkFileError("invalid_mapping", "Les colonnes se désignent par leur numéro.")
        mapping[role] = index
    check_mapping(mapping, width)
    return mapping


def mapping_from_names(raw, columns: list[str]) -> dict:
    """An API client may name the columns instead of numbering them: {"lat": "latitude"}."""
    if not isinstance(raw, dict):
        return raw
    names = {name.strip(): index for index, name in enumerate(columns)}
    result = {}
    for role, value in raw.items():
        if isinstance(value, str) and value.strip() in names:
            result[role] = names[value.strip()]
        else:
            result[role] = value
    return result


def inspect(data: bytes) -> Inspection:
    """Checks a file and describes it; raises BulkFileError."""
    if len(data) > settings.BULK_MAX_BYTES:
        raise BulkFileError(
            "file_too_large",
            f"Le fichier dépasse {settings.BULK_MAX_BYTES // (1024 * 1024)} Mo : découpez-le en "
            "plusieurs fichiers.",
        )
    text, encoding = decode(data)
    delimiter = detect_delimiter(text)
    reader = _rows(text, delimiter)
    try:
        columns = next(reader)
    except (StopIteration, csv.Error) as error:
        raise BulkFileError("empty_file", "Le fichier est vide.") from error
    columns = [name.strip() for name in columns]
    if not any(columns):
        raise BulkFileError(
            "no_header", "La première ligne doit donner le nom des colonnes : elle est vide."
        )
    preview = []
    total = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            total += 1
            if len(preview) < PREVIEW_ROWS:
                preview.append(row)
            if total > settings.BULK_MAX_ROWS:
                raise BulkFileError(
                    "too_many_rows",
                    f"Le fichier compte plus de {settings.BULK_MAX_ROWS:,} lignes : découpez-le "
                    "en plusieurs fichiers.".replace(",", "\u202f"),
                )
    except csv.Error as error:
        raise BulkFileError("unreadable_file", f"Fichier illisible : {error}.") from error
    if total == 0:
        raise BulkFileError(
            "empty_file", "Le fichier ne contient que la ligne des noms de colonnes."
        )
    return Inspection(
        encoding=encoding,
        delimiter=delimiter,
        columns=columns,
        mapping=guess_mapping(columns),
        preview=preview,
        total_rows=total,
    )


def data_rows(data: bytes, encoding: str, delimiter: str):
    """The columns, then an iterator of the data rows (blank lines skipped) of a stored file."""
    text = data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")
    reader = _rows(text, delimiter)
    columns = next(reader, [])
    return columns, (row for row in reader if any(cell.strip() for cell in row))
