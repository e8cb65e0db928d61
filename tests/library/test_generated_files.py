"""The PDF and ODT writers, and the Markdown subset they share with the pages."""

import io
import re
import zipfile
import zlib
from datetime import date
from xml.etree import ElementTree

from library import filetypes, markup, odt, pdf

TEXT = """## Étape 1 — L’étude

Le gestionnaire étudie le **raccordement** de la copropriété (voir [Légifrance](https://www.legifrance.gouv.fr/)).

- une sous-station ;
- un échangeur « primaire » et « secondaire ».

6. Sixième question : 5,5 % de TVA, 30 kW, 300 000 €, œuvre.
7. Septième.

> Conseil : commencez tôt.
"""


def pdf_objects(data: bytes) -> dict[int, int]:
    """Object number → byte offset, read from the cross-reference table."""
    xref = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", data).group(1))
    assert data[xref : xref + 4] == b"xref"
    lines = data[xref:].split(b"\n")
    count = int(lines[1].split()[1])
    offsets = {}
    for number in range(1, count):
        offset, _, kind = lines[2 + number].split()
        assert kind == b"n"
        offsets[number] = int(offset)
    return offsets


def pdf_text(data: bytes) -> str:
    streams = re.findall(rb"stream\n(.*?)\nendstream", data, re.S)
    return "\n".join(zlib.decompress(stream).decode("latin-1") for stream in streams)


def test_markup_escapes_everything_and_keeps_only_safe_links():
    html = markup.render(
        "## <b>Titre</b>\n\nUn [lien](https://a.fr/?x=1&y=2), un [piège](javascript:alert(1)) "
        "et <script>alert(1)</script>."
    )
    assert "<h2>&lt;b&gt;Titre&lt;/b&gt;</h2>" in html
    assert '<a href="https://a.fr/?x=1&amp;y=2">lien</a>' in html
    assert "javascript:alert" in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_markup_blocks():
    html = markup.render(TEXT)
    assert "<h2>Étape 1 — L’étude</h2>" in html
    assert "<ul><li>une sous-station ;</li>" in html
    assert '<ol start="6"><li>Sixième question' in html
    assert '<div class="fr-highlight"><p>Conseil : commencez tôt.</p></div>' in html


def test_the_pdf_is_a_well_formed_text_pdf():
    data = pdf.render(
        "Ce que l’assemblée générale doit voter", TEXT, subtitle="France Chaleur Urbaine"
    )
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    for number, offset in pdf_objects(data).items():
        assert data[offset:].startswith(f"{number} 0 obj\n".encode())
    assert b"/Type /Catalog" in data and b"/Lang (fr-FR)" in data
    assert b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding" in data
    text = pdf_text(data)
    # Accents in WinAnsiEncoding (é = \351, ’ = \222, € = \200, œ = \234), as octal escapes.
    assert r"(l\222assembl\351e)" in text
    assert r"(\200,)" in text or r"(\200)" in text
    assert r"(\234uvre.)" in text
    assert "(raccordement)" in text
    assert "(https://www.legifrance.gouv.fr/\\))" in text  # a link is written out
    assert r"(page 1 sur 1)" in text or "page" in text


def test_a_long_text_breaks_into_pages_with_numbered_footers():
    data = pdf.render("Long", "\n\n".join(f"Paragraphe {n} " + "mot " * 80 for n in range(40)))
    assert data.count(b"/Type /Page ") > 2
    pages = data.count(b"/Type /Page ")
    assert f"/Count {pages}".encode() in data
    assert f"sur {pages}".encode() in pdf_text(data).encode()


def test_lines_stay_within_the_page():
    data = pdf.render(
        "Largeur", "W" * 30 + " " + " ".join(["mmmmmmmm"] * 60) + "\n\n- " + "é" * 200
    )
    shown = re.findall(r"/(F\d) ([\d.]+) Tf ([\d.]+) [\d.]+ Td \((.*?)\) Tj", pdf_text(data))
    assert len(shown) > 60
    for font, size, x, escaped in shown:
        text = re.sub(r"\\(\d{3})", lambda m: bytes([int(m.group(1), 8)]).decode("cp1252"), escaped)
        text = re.sub(r"\\(.)", r"\1", text)
        right = float(x) + pdf.text_width(text, font, float(size))
        assert right <= pdf.PAGE_WIDTH - pdf.MARGIN_X + 0.5, (text, right)


def test_the_pdf_is_deterministic_and_passes_the_upload_check():
    first = pdf.render("Titre", TEXT, created=date(2025, 6, 2))
    assert first == pdf.render("Titre", TEXT, created=date(2025, 6, 2))
    assert filetypes.inspect(io.BytesIO(first), "guide.pdf").kind == "pdf"


def test_the_odt_is_an_opendocument_text_that_passes_the_upload_check():
    data = odt.render("Modèle de résolution", TEXT, subtitle="France Chaleur Urbaine")
    archive = zipfile.ZipFile(io.BytesIO(data))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    for name in ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"):
        ElementTree.fromstring(archive.read(name))  # noqa: S314 - well-formed XML, our own file
    content = archive.read("content.xml").decode()
    assert "Modèle de résolution" in content
    assert 'text:start-value="6"' in content
    assert '<text:a xlink:type="simple" xlink:href="https://www.legifrance.gouv.fr/">' in content
    assert filetypes.inspect(io.BytesIO(data), "modele.odt").kind == "odt"
    assert data == odt.render("Modèle de résolution", TEXT, subtitle="France Chaleur Urbaine")
