"""What an uploaded file really is, from its content (its first bytes and, for office documents,
the structure of the zip or OLE container), never from its name or the browser's Content-Type.

Accepted: PDF; Word, Excel and PowerPoint (OOXML .docx/.xlsx/.pptx, and the legacy OLE
.doc/.xls/.ppt); OpenDocument text, spreadsheet and presentation (.odt/.ods/.odp). The file's
extension must agree with its content. Refused with a French message: executables (Windows
MZ/PE, Linux ELF, macOS Mach-O, Java classes), scripts (`#!`), HTML, SVG and other XML/markup,
documents with macros, PDFs with JavaScript or launch actions, anything else, and files over
20 MB or empty.

A small pure-Python detector: no libmagic to install on the servers.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MAX_SIZE = 20 * 1024 * 1024  # 20 Mo
HEAD_SIZE = 4096
CHUNK_SIZE = 1024 * 1024

LABELS = {
    "pdf": "PDF",
    "docx": "Word",
    "xlsx": "Excel",
    "pptx": "PowerPoint",
    "doc": "Word 97-2003",
    "xls": "Excel 97-2003",
    "ppt": "PowerPoint 97-2003",
    "odt": "OpenDocument texte",
    "ods": "OpenDocument tableur",
    "odp": "OpenDocument présentation",
}
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
ACCEPTED = "PDF, Word, Excel, PowerPoint ou OpenDocument"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
EXECUTABLE_MAGICS = [
    (b"MZ", "un programme Windows"),
    (b"\x7fELF", "un programme Linux"),
    (b"\xfe\xed\xfa\xce", "un programme macOS"),
    (b"\xfe\xed\xfa\xcf", "un programme macOS"),
    (b"\xce\xfa\xed\xfe", "un programme macOS"),
    (b"\xcf\xfa\xed\xfe", "un programme macOS"),
    (b"\xca\xfe\xba\xbe", "un programme macOS ou Java"),
    (b"#!", "un script"),
]
MARKUP = re.compile(
    rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed|\?xml|\?php)\b", re.I
)
# Names long enough never to appear by chance in compressed data (a best effort: an object
# stream can hide them; the file is served as an attachment in a sandbox anyway).
PDF_ACTIONS = re.compile(rb"/(JavaScript|Launch|EmbeddedFile)\b")
OOXML_MAIN_PARTS = {
    "word/document.xml": ("docx", "wordprocessingml.document.main+xml"),
    "xl/workbook.xml": ("xlsx", "spreadsheetml.sheet.main+xml"),
    "ppt/presentation.xml": ("pptx", "presentationml.presentation.main+xml"),
}
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Stream names (UTF-16LE, in the OLE directory) that make a legacy file what its extension says.
OLE_STREAMS = {
    "doc": "WordDocument",
    "xls": "Workbook",
    "ppt": "PowerPoint Document",
}
OLE_MACROS = ["_VBA_PROJECT"]


@dataclass(frozen=True)
class FileInfo:
    kind: str  # the checked extension: "pdf", "docx"…
    size: int
    sha256: str

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.kind]


def refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def extension_of(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def size_of(fileobj) -> int:
    size = getattr(fileobj, "size", None)
    if size is None:
        position = fileobj.tell()
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
        fileobj.seek(position)
    return size


def inspect(fileobj, name: str) -> FileInfo:
    """Checks an upload; returns what it is, or raises ValidationError (French message).

    The size is checked first, from the object's `size` (Django's uploaded files have one), before
    a single byte is read."""
    size = size_of(fileobj)
    if size > MAX_SIZE:
        refuse(
            f"Le fichier dépasse la taille maximale de 20 Mo ({size:,} octets).".replace(",", " "),
            "too_large",
        )
    if size == 0:
        refuse("Le fichier est vide.", "empty")
    extension = extension_of(name)
    fileobj.seek(0)
    head = fileobj.read(HEAD_SIZE)
    for magic, what in EXECUTABLE_MAGICS:
        if head.startswith(magic):
            refuse(
                f"Ce fichier est {what}, même s’il porte l’extension « .{extension} » : "
                "il est refusé. Seuls les documents "
                f"{ACCEPTED} sont acceptés.",
                "executable",
            )
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(ZIP_MAGIC):
        kind = _zip_kind(fileobj)
    elif head.startswith(OLE_MAGIC):
        kind = _ole_kind(fileobj, extension)
    else:
        kind = None
    if MARKUP.search(head[:1024]):
        refuse(
            "Ce fichier contient du HTML, du SVG ou un script : il est refusé. Seuls les "
            f"documents {ACCEPTED} sont acceptés.",
            "markup",
        )
    if kind is None:
        refuse(
            f"Type de fichier non reconnu : seuls les documents {ACCEPTED} sont acceptés.",
            "unknown_type",
        )
    if extension != kind:
        refuse(
            f"L’extension du fichier (« .{extension} ») ne correspond pas à son contenu "
            f"({LABELS[kind]}, extension « .{kind} »). Renommez-le ou vérifiez le fichier.",
            "extension_mismatch",
        )
    digest = hashlib.sha256()
    scan_tail = b""
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK_SIZE):
        digest.update(chunk)
        if kind == "pdf" and PDF_ACTIONS.search(scan_tail + chunk):
            refuse(
                "Ce PDF contient du JavaScript, une action de lancement ou des fichiers joints : "
                "il est refusé. Enregistrez-le de nouveau en PDF simple (PDF/A par exemple).",
                "active_content",
            )
        scan_tail = chunk[-32:]
    fileobj.seek(0)
    return FileInfo(kind=kind, size=size, sha256=digest.hexdigest())


def _zip_kind(fileobj) -> str | None:
    """docx/xlsx/pptx from [Content_Types].xml and the main part; odt/ods/odp from the `mimetype`
    entry. Documents with macros are refused."""
    fileobj.seek(0)
    try:
        archive = zipfile.ZipFile(fileobj)
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    lowered = [name.lower() for name in names]
    if any(name.endswith("vbaproject.bin") or name.startswith("basic/") for name in lowered):
        refuse(
            "Ce document contient des macros : il est refusé. Enregistrez-le sans macros "
            "(.docx, .xlsx, .pptx ou OpenDocument).",
            "macros",
        )
    if "[Content_Types].xml" in names:
        content_types = _read_member(archive, "[Content_Types].xml")
        for part, (kind, main_type) in OOXML_MAIN_PARTS.items():
            if part in names and main_type.encode() in content_types:
                return kind
        if b"macroEnabled" in content_types:
            refuse(
                "Ce document contient des macros : il est refusé.",
                "macros",
            )
        return None
    if names and names[0] == "mimetype":
        mimetype = _read_member(archive, "mimetype").strip()
        return ODF_MIMETYPES.get(mimetype)
    return None


def _read_member(archive: zipfile.ZipFile, name: str, limit: int = 64 * 1024) -> bytes:
    """At most `limit` bytes of one entry (a zip bomb stays a small read)."""
    with archive.open(name) as member:
        return member.read(limit)


def _ole_kind(fileobj, extension: str) -> str | None:
    """A legacy Office file (OLE compound document) is what its extension says when the stream
    that format requires is in the file (its directory stores stream names in UTF-16LE)."""
    wanted = OLE_STREAMS.get(extension)
    if wanted is None:
        return None
    needles = {name: name.encode("utf-16-le") for name in [wanted, *OLE_MACROS]}
    found = set()
    tail = b""
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK_SIZE):
        window = tail + chunk
        found |= {name for name, needle in needles.items() if needle in window}
        tail = chunk[-80:]
    if found & set(OLE_MACROS):
        refuse(
            "Ce document contient des macros : il est refusé. Enregistrez-le sans macros.",
            "macros",
        )
    return extension if wanted in found else None
