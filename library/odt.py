"""A small OpenDocument text (.odt) writer, for the models a condominium board edits before
using them (an AG resolution…): the ODF format of the French State's interoperability framework
(RGI), opened by LibreOffice, Microsoft Word and most office suites. Built with the standard
library's zipfile from the same Markdown subset as the pages (library/markup.py); deterministic.
"""

import io
import zipfile
from xml.sax.saxutils import escape

from library import markup

MIMETYPE = "application/vnd.oasis.opendocument.text"
_FIXED_TIME = (2024, 1, 1, 0, 0, 0)

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'office:version="1.3"'
)

_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NAMESPACES}>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.2cm" fo:line-height="130%"/>
   <style:text-properties fo:font-family="'Liberation Sans', Arial, sans-serif" fo:font-size="11pt" fo:language="fr" fo:country="FR"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Title" style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.4cm"/>
   <style:text-properties fo:font-size="18pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Subtitle" style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.5cm"/>
   <style:text-properties fo:font-size="10pt" fo:color="#555555"/>
  </style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:default-outline-level="2">
   <style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="14pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Heading_20_3" style:display-name="Heading 3" style:family="paragraph" style:default-outline-level="3">
   <style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
   <style:text-properties fo:font-size="12pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Quotation" style:family="paragraph">
   <style:paragraph-properties fo:margin-left="0.6cm" fo:padding-left="0.3cm" fo:border-left="0.1cm solid #6a6af4"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="A4">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="A4"/>
 </office:master-styles>
</office:document-styles>
"""

_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _inline(text: str) -> str:
    xml = []
    for span in markup.spans(text):
        content = escape(span.text)
        if span.url:
            xml.append(
                f'<text:a xlink:type="simple" xlink:href="{escape(span.url)}">{content}</text:a>'
            )
        elif span.bold:
            xml.append(f'<text:span text:style-name="Bold">{content}</text:span>')
        else:
            xml.append(content)
    return "".join(xml)


def render(
    title: str, body: str, *, subtitle: str = "", author: str = "France Chaleur Urbaine"
) -> bytes:
    parts = [f'<text:p text:style-name="Title">{escape(title)}</text:p>']
    if subtitle:
        parts.append(f'<text:p text:style-name="Subtitle">{escape(subtitle)}</text:p>')
    for block in markup.parse(body):
        if block.kind in {"h2", "h3", "h4"}:
            level = min(int(block.kind[1]), 3)
            parts.append(
                f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                f"{_inline(block.text)}</text:h>"
            )
        elif block.kind == "p":
            parts.append(f'<text:p text:style-name="Standard">{_inline(block.text)}</text:p>')
        elif block.kind in {"ul", "ol"}:
            style = "Numbering" if block.kind == "ol" else "Bullets"
            first = (
                f' text:start-value="{block.start}"'
                if block.kind == "ol" and block.start != 1
                else ""
            )
            items = "".join(
                f'<text:list-item{first if number == 0 else ""}><text:p text:style-name="Standard">'
                f"{_inline(item)}</text:p></text:list-item>"
                for number, item in enumerate(block.items)
            )
            parts.append(f'<text:list text:style-name="{style}">{items}</text:list>')
        elif block.kind == "quote":
            parts.append(f'<text:p text:style-name="Quotation">{_inline(block.text)}</text:p>')
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {_NAMESPACES}>
 <office:automatic-styles>
  <style:style style:name="Bold" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <text:list-style style:name="Bullets">
   <text:list-level-style-bullet text:level="1" text:bullet-char="•">
    <style:list-level-properties text:space-before="0.4cm" text:min-label-width="0.5cm"/>
   </text:list-level-style-bullet>
  </text:list-style>
  <text:list-style style:name="Numbering">
   <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">
    <style:list-level-properties text:space-before="0.4cm" text:min-label-width="0.6cm"/>
   </text:list-level-style-number>
  </text:list-style>
 </office:automatic-styles>
 <office:body><office:text>
{chr(10).join(parts)}
 </office:text></office:body>
</office:document-content>
"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {_NAMESPACES}>
 <office:meta><dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator><dc:language>fr-FR</dc:language><meta:generator>France Chaleur Urbaine</meta:generator></office:meta>
</office:document-meta>
"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The first entry, stored uncompressed: how readers (and library/filetypes.py) know it.
        archive.writestr(zipfile.ZipInfo("mimetype", _FIXED_TIME), MIMETYPE, zipfile.ZIP_STORED)
        for name, data in [
            ("content.xml", content),
            ("styles.xml", _STYLES),
            ("meta.xml", meta),
            ("META-INF/manifest.xml", _MANIFEST),
        ]:
            archive.writestr(zipfile.ZipInfo(name, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
