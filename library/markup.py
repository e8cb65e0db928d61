"""The text of a document: a small Markdown subset, parsed into blocks that are rendered to HTML
(the document page) or to PDF (library/pdf.py) and ODT (library/odt.py).

Supported: `## Titre`, `### Sous-titre`, `#### …`; paragraphs; lists `- item` and `1. item`;
`> encadré`; inline `**gras**` and `[texte](https://adresse)`. Nothing else is interpreted:
every character of the text is escaped, so HTML typed in a document is shown, never run. Links
keep only http(s), mailto and site-relative (`/…`) addresses.
"""

import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HEADING = re.compile(r"^(#{1,4})\s+(.*)$")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(.*)$")
QUOTE = re.compile(r"^>\s?(.*)$")
INLINE = re.compile(r"\*\*(?P<bold>.+?)\*\*|\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)")
SAFE_URL = re.compile(r"^(https?://|mailto:|/(?!/))", re.I)


@dataclass(frozen=True)
class Span:
    text: str
    bold: bool = False
    url: str = ""


@dataclass
class Block:
    kind: str  # "h2", "h3", "h4", "p", "ul", "ol", "quote"
    text: str = ""
    items: list[str] = field(default_factory=list)
    start: int = 1  # first number of an ordered list


def parse(source: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush():
        if paragraph:
            blocks.append(Block("p", " ".join(paragraph)))
            paragraph.clear()

    for raw in (source or "").replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip():
            flush()
            continue
        if heading := HEADING.match(line):
            flush()
            level = max(2, len(heading.group(1)))  # the page's h1 is the document's title
            blocks.append(Block(f"h{level}", heading.group(2).strip()))
        elif (bullet := BULLET.match(line)) or NUMBERED.match(line):
            numbered = None if bullet else NUMBERED.match(line)
            flush()
            kind = "ul" if bullet else "ol"
            text = (bullet.group(1) if bullet else numbered.group(2)).strip()
            if blocks and blocks[-1].kind == kind:
                blocks[-1].items.append(text)
            else:
                start = int(numbered.group(1)) if numbered else 1
                blocks.append(Block(kind, items=[text], start=start))
        elif quote := QUOTE.match(line):
            flush()
            if blocks and blocks[-1].kind == "quote":
                blocks[-1].text += " " + quote.group(1).strip()
            else:
                blocks.append(Block("quote", quote.group(1).strip()))
        elif (
            raw.startswith(("  ", "\t"))
            and not paragraph
            and blocks
            and blocks[-1].kind in {"ul", "ol"}
        ):
            blocks[-1].items[-1] += " " + line.strip()  # continuation of a list item
        else:
            paragraph.append(line.strip())
    flush()
    return blocks


def spans(text: str) -> list[Span]:
    """Inline text as spans: plain, bold, or a link (only to a safe address)."""
    result, position = [], 0
    for match in INLINE.finditer(text):
        if match.start() > position:
            result.append(Span(text[position : match.start()]))
        if match.group("bold") is not None:
            result.append(Span(match.group("bold"), bold=True))
        elif SAFE_URL.match(match.group("url")):
            result.append(Span(match.group("text"), url=match.group("url")))
        else:
            result.append(Span(match.group(0)))
        position = match.end()
    if position < len(text):
        result.append(Span(text[position:]))
    return result


def plain(text: str) -> str:
    """The text without its inline marks (for PDF bookmarks, summaries…)."""
    return "".join(span.text for span in spans(text))


def _inline_html(text: str) -> str:
    html = []
    for span in spans(text):
        content = escape(span.text)
        if span.url:
            html.append(f'<a href="{escape(span.url)}">{content}</a>')
        elif span.bold:
            html.append(f"<strong>{content}</strong>")
        else:
            html.append(content)
    return "".join(html)


def render(source: str) -> SafeString:
    """HTML of the text; every character coming from `source` is escaped."""
    html = []
    for block in parse(source):
        if block.kind in {"h2", "h3", "h4"}:
            html.append(f"<{block.kind}>{_inline_html(block.text)}</{block.kind}>")
        elif block.kind == "p":
            html.append(f"<p>{_inline_html(block.text)}</p>")
        elif block.kind in {"ul", "ol"}:
            items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
            start = f' start="{block.start}"' if block.kind == "ol" and block.start != 1 else ""
            html.append(f"<{block.kind}{start}>{items}</{block.kind}>")
        elif block.kind == "quote":
            html.append(f'<div class="fr-highlight"><p>{_inline_html(block.text)}</p></div>')
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped text only
