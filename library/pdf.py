"""A small PDF writer for the library's generated documents (guides, models): A4 pages of text
in Helvetica (one of the 14 fonts every PDF reader has, so nothing is embedded), with titles,
paragraphs, lists, highlighted boxes, bold spans, links written out, and a footer with page
numbers. Pure Python, deterministic (the same text gives the same bytes): the content loader
can tell whether a file changed.

Text is encoded in WinAnsiEncoding (cp1252), which covers French: accents, œ, « », ’, €, —.
"""

import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date

from library import markup

PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60, 64, 64
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
REGULAR, BOLD = "F1", "F2"

# Advance widths (1/1000 em) of ASCII 32–126 in Helvetica and Helvetica-Bold (Adobe AFM).
_WIDTHS = {
    REGULAR: [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ],
    BOLD: [
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
        722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
        611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
        500, 389, 280, 389, 584,
    ],
}  # fmt: skip
_SPECIAL_WIDTHS = {
    "œ": 944, "Œ": 1000, "æ": 889, "«": 556, "»": 556, "’": 222, "‘": 222, "“": 333, "”": 333,
    "€": 556, "–": 556, "—": 1000, "…": 1000, "•": 350, "°": 400, "\u00a0": 278, "²": 333,
}  # fmt: skip
_REPLACEMENTS = {
    "\u202f": "\u00a0", "\u2009": " ", "≤": "<=", "≥": ">=", "₂": "2", "→": "->", "✓": "v",
    "\u2011": "-", "\u2010": "-",
}  # fmt: skip


def winansi(text: str) -> str:
    """The text with every character WinAnsiEncoding has; others replaced or dropped."""
    text = "".join(_REPLACEMENTS.get(char, char) for char in text)
    return text.encode("cp1252", errors="replace").decode("cp1252")


def char_width(char: str, font: str) -> float:
    code = ord(char)
    if 32 <= code <= 126:
        return _WIDTHS[font][code - 32]
    if char in _SPECIAL_WIDTHS:
        return _SPECIAL_WIDTHS[char]
    base = unicodedata.normalize("NFD", char)[:1]
    if base and 32 <= ord(base) <= 126:
        return _WIDTHS[font][ord(base) - 32]
    return 556


def text_width(text: str, font: str, size: float) -> float:
    return sum(char_width(char, font) for char in text) * size / 1000


def _pdf_string(text: str) -> str:
    """A PDF literal string of cp1252 bytes, with escapes."""
    out = []
    for byte in winansi(text).encode("cp1252", errors="replace"):
        char = chr(byte)
        if char in "\\()":
            out.append("\\" + char)
        elif 32 <= byte <= 126:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "(" + "".join(out) + ")"


def _utf16_string(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


@dataclass
class _Word:
    """A run of text in one font. A word `glued` to the previous one is drawn right after it,
    without a space and never on the next line (punctuation after a bold span)."""

    text: str
    font: str
    glued: bool = False


class _Layout:
    def __init__(self, title: str):
        self.title = title
        self.pages: list[list[str]] = []
        self.y = 0.0
        self.new_page()

    def new_page(self):
        self.pages.append([])
        self.y = PAGE_HEIGHT - MARGIN_TOP

    def ensure(self, height: float):
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def text(self, x: float, y: float, text: str, font: str, size: float, gray: float = 0):
        self.pages[-1].append(
            f"BT {gray:.2f} g /{font} {size:g} Tf {x:.2f} {y:.2f} Td {_pdf_string(text)} Tj ET"
        )

    def rule(self, x: float, y_top: float, y_bottom: float):
        self.pages[-1].append(
            f"0.416 0.416 0.957 RG 3 w {x:.2f} {y_top:.2f} m {x:.2f} {y_bottom:.2f} l S"
        )

    def paragraph(self, words: list[_Word], *, size: float, indent: float = 0, prefix: str = "",
                  space_after: float = 6, bar: bool = False):  # fmt: skip
        leading = size * 1.4
        lines = _wrap(words, TEXT_WIDTH - indent, size)
        first_top = self.y
        for number, line in enumerate(lines):
            self.ensure(leading)
            if number == 0:
                first_top = self.y
            self.y -= leading
            x = MARGIN_X + indent
            if prefix and number == 0:
                self.text(
                    x - text_width(prefix + " ", REGULAR, size), self.y, prefix, REGULAR, size
                )
            for unit in line:
                for word in unit:
                    self.text(x, self.y, word.text, word.font, size)
                    x += text_width(word.text, word.font, size)
                x += text_width(" ", REGULAR, size)
        if bar and lines:
            self.rule(MARGIN_X + 4, first_top - 2, self.y - 4)
        self.y -= space_after


def _words(text: str, bold: bool = False) -> list[_Word]:
    words: list[_Word] = []
    previous_ends_word = False
    for span in markup.spans(text):
        content = f"{span.text} ({span.url})" if span.url and span.url != span.text else span.text
        content = winansi(content)
        font = BOLD if bold or span.bold else REGULAR
        for number, word in enumerate(content.split()):
            glued = number == 0 and previous_ends_word and not content[:1].isspace()
            words.append(_Word(word, font, glued=glued))
        previous_ends_word = bool(content) and not content[-1:].isspace()
    return words


def _split_long(word: _Word, width: float, size: float) -> list[_Word]:
    """A word wider than the line (a long address…), cut into pieces that fit."""
    pieces, current = [], ""
    for char in word.text:
        if current and text_width(current + char, word.font, size) > width:
            pieces.append(_Word(current, word.font))
            current = ""
        current += char
    return [*pieces, _Word(current, word.font)]


def _wrap(words: list[_Word], width: float, size: float) -> list[list[list[_Word]]]:
    """Lines of units; a unit is a word and the words glued to it, never split."""
    units: list[list[_Word]] = []
    for word in words:
        if word.glued and units:
            units[-1].append(word)
        else:
            units.append([word])
    pieces = []
    for unit in units:
        if sum(text_width(w.text, w.font, size) for w in unit) > width:
            pieces.extend([piece] for word in unit for piece in _split_long(word, width, size))
        else:
            pieces.append(unit)
    lines, line, used = [], [], 0.0
    space = text_width(" ", REGULAR, size)
    for unit in pieces:
        unit_width = sum(text_width(w.text, w.font, size) for w in unit)
        if line and used + space + unit_width > width:
            lines.append(line)
            line, used = [], 0.0
        used += (space if line else 0) + unit_width
        line.append(unit)
    if line:
        lines.append(line)
    return lines


def render(title: str, body: str, *, subtitle: str = "", author: str = "France Chaleur Urbaine",
           created: date | None = None) -> bytes:  # fmt: skip
    """A PDF of `title` and the Markdown-subset `body` (see library/markup.py)."""
    layout = _Layout(title)
    layout.paragraph(_words(title, bold=True), size=20, space_after=4)
    if subtitle:
        layout.paragraph(_words(subtitle), size=10, space_after=14)
    for block in markup.parse(body):
        if block.kind == "h2":
            layout.ensure(60)
            layout.y -= 8
            layout.paragraph(_words(block.text, bold=True), size=14, space_after=4)
        elif block.kind in {"h3", "h4"}:
            layout.ensure(40)
            layout.y -= 4
            layout.paragraph(_words(block.text, bold=True), size=12, space_after=2)
        elif block.kind == "p":
            layout.paragraph(_words(block.text), size=10.5)
        elif block.kind in {"ul", "ol"}:
            for number, item in enumerate(block.items, start=block.start):
                prefix = "•" if block.kind == "ul" else f"{number}."
                layout.paragraph(_words(item), size=10.5, indent=18, prefix=prefix, space_after=3)
            layout.y -= 4
        elif block.kind == "quote":
            layout.paragraph(_words(block.text), size=10.5, indent=16, bar=True, space_after=8)
    return _assemble(layout, author=author, created=created)


def _assemble(layout: _Layout, *, author: str, created: date | None) -> bytes:
    count = len(layout.pages)
    objects: list[bytes] = []  # object n is objects[n - 1]

    def add(content: bytes) -> int:
        objects.append(content)
        return len(objects)

    catalog = add(b"")  # filled in at the end
    pages = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    resources = f"<< /Font << /{REGULAR} {regular} 0 R /{BOLD} {bold} 0 R >> >>"
    page_ids = []
    for number, operations in enumerate(layout.pages, start=1):
        title = layout.title
        while text_width(winansi(title), REGULAR, 8) > TEXT_WIDTH - 130:
            title = title[:-2].rstrip() + "…"
        footer = f"{title} — page {number} sur {count}"
        footer_width = text_width(winansi(footer), REGULAR, 8)
        operations = [
            *operations,
            f"BT 0.40 g /{REGULAR} 8 Tf {PAGE_WIDTH - MARGIN_X - footer_width:.2f} 36 Td "
            f"{_pdf_string(footer)} Tj ET",
            f"BT 0.40 g /{REGULAR} 8 Tf {MARGIN_X} 36 Td {_pdf_string('France Chaleur Urbaine')} Tj ET",
        ]
        stream = zlib.compress("\n".join(operations).encode("latin-1"), 9)
        content = add(
            f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
            + stream
            + b"\nendstream"
        )
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
                f"/Resources {resources} /Contents {content} 0 R >>".encode()
            )
        )
    kids = " ".join(f"{page} 0 R" for page in page_ids)
    objects[pages - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()
    objects[catalog - 1] = (
        f"<< /Type /Catalog /Pages {pages} 0 R /Lang (fr-FR) "
        f"/ViewerPreferences << /DisplayDocTitle true >> >>"
    ).encode()
    stamp = f"(D:{created:%Y%m%d}000000Z)" if created else ""
    info = add(
        (
            f"<< /Title {_utf16_string(layout.title)} /Author {_utf16_string(author)} "
            f"/Producer (France Chaleur Urbaine)"
            + (f" /CreationDate {stamp} /ModDate {stamp}" if stamp else "")
            + " >>"
        ).encode()
    )

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
