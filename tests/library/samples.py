"""Small files of every kind the upload check meets, built in memory (nothing downloaded)."""

import io
import zipfile

from library import odt, pdf

OOXML_TYPES = {
    "docx": ("word/document.xml", "wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "presentationml.presentation.main+xml"),
}


def a_pdf(text: str = "## Titre\n\nUn paragraphe.") -> bytes:
    return pdf.render("Un guide", text)


def an_odt() -> bytes:
    return odt.render("Un modèle", "## Résolution\n\nL’assemblée générale décide.")


def an_ooxml(kind: str, *, macros: bool = False) -> bytes:
    part, main_type = OOXML_TYPES[kind]
    if macros:
        main_type = main_type.replace(".main+xml", ".macroEnabled.main+xml")
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-officedocument.{main_type}"/>'
        "</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(part, "<document/>")
        if macros:
            archive.writestr(part.split("/")[0] + "/vbaProject.bin", b"\x00" * 64)
    return buffer.getvalue()


def an_odf(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def an_ole(*streams: str) -> bytes:
    """An OLE compound file header followed by directory entries naming `streams`."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(
        name.encode("utf-16-le").ljust(128, b"\x00") for name in ("Root Entry", *streams)
    )
    return header + entries + b"\x00" * 1024


def a_zip_of(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


# A Windows executable's first bytes: the MZ header and its DOS stub message.
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 50
    + b"This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 200
)
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf /\n"
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
HTML_AFTER_WHITESPACE = b"\n\n   <html><script>alert(1)</script></html>"
SVG_IMAGE = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
PDF_WITH_HTML = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n"
PDF_WITH_JAVASCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Action /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF\n"
)
PLAIN_TEXT = "Un simple texte déguisé en PDF.\n".encode()
