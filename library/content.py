"""The library's starting content: data/library/catalogue.toml and the texts it names, read,
checked, and loaded into the database (`manage.py load_library_content`).

Loading is idempotent: topics and documents are matched on their slug (update_or_create), a
generated file is stored again only when its bytes change, and a document unpublished by the
national team in the admin stays unpublished (`published` is set on creation only).
"""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from library import odt, pdf, services
from library.models import Audience, Document, DocumentType, Topic, https_or_http

DEFAULT_CATALOGUE = Path(settings.BASE_DIR) / "data" / "library" / "catalogue.toml"
FILE_FORMATS = {"pdf", "odt"}


class ContentError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class LoadReport:
    topics_created: int = 0
    topics_updated: int = 0
    documents_created: int = 0
    documents_updated: int = 0
    files_written: int = 0
    files_unchanged: int = 0
    slugs: list[str] = field(default_factory=list)


def read_catalogue(path: Path = DEFAULT_CATALOGUE) -> dict:
    """The catalogue, every entry checked; raises ContentError listing every problem."""
    path = Path(path)
    try:
        catalogue = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ContentError([f"{path} : {error}"]) from error
    base = path.parent
    errors = []
    topic_slugs = set()
    for number, topic in enumerate(catalogue.get("topics", []), start=1):
        where = f"thème n° {number}"
        for key in ("slug", "name"):
            if not isinstance(topic.get(key), str) or not topic[key].strip():
                errors.append(f"{where} : « {key} » manque.")
        topic_slugs.add(topic.get("slug"))
    slugs = set()
    for number, entry in enumerate(catalogue.get("documents", []), start=1):
        where = f"document n° {number} ({entry.get('slug', '?')})"
        for key in ("slug", "title", "type", "summary", "published_on", "author"):
            if key not in entry:
                errors.append(f"{where} : « {key} » manque.")
        if entry.get("slug") in slugs:
            errors.append(f"{where} : identifiant en double.")
        slugs.add(entry.get("slug"))
        if entry.get("type") not in DocumentType.values:
            errors.append(f"{where} : type inconnu « {entry.get('type')} ».")
        if "published_on" in entry and not isinstance(entry["published_on"], date):
            errors.append(f"{where} : « published_on » doit être une date (AAAA-MM-JJ).")
        for audience in entry.get("audiences", []):
            if audience not in Audience.values:
                errors.append(f"{where} : public inconnu « {audience} ».")
        for slug in entry.get("topics", []):
            if slug not in topic_slugs:
                errors.append(f"{where} : thème inconnu « {slug} ».")
        for relative in (entry.get("body"), entry.get("file", {}).get("source")):
            if relative and not (base / relative).is_file():
                errors.append(f"{where} : fichier introuvable « {relative} ».")
        if "file" in entry:
            if entry.get("external_url"):
                errors.append(f"{where} : un fichier ou un lien externe, pas les deux.")
            if entry["file"].get("format") not in FILE_FORMATS:
                errors.append(f"{where} : format de fichier inconnu (pdf ou odt).")
            if not entry["file"].get("name"):
                errors.append(f"{where} : nom du fichier à générer manquant.")
        if entry.get("external_url"):
            try:
                https_or_http(entry["external_url"])
            except ValidationError:
                errors.append(f"{where} : lien externe invalide.")
        for source in entry.get("sources", []):
            _, _, url = (part.strip() for part in source.partition("|"))
            if url:
                try:
                    https_or_http(url)
                except ValidationError:
                    errors.append(f"{where} : adresse de source invalide « {url} ».")
    if errors:
        raise ContentError(errors)
    catalogue["_base"] = base
    return catalogue


def generate_file(entry: dict, *, base: Path, body: str) -> tuple[str, bytes]:
    """The file of a document entry: (file name, bytes)."""
    spec = entry["file"]
    title = spec.get("title", entry["title"])
    subtitle = f"{entry['author']} — {entry['published_on']:%d/%m/%Y}"
    source = (base / spec["source"]).read_text(encoding="utf-8") if "source" in spec else body
    if spec["format"] == "pdf":
        data = pdf.render(
            title, source, subtitle=subtitle, author=entry["author"], created=entry["published_on"]
        )
    else:
        data = odt.render(title, source, subtitle=subtitle, author=entry["author"])
    return spec["name"], data


def load_catalogue(catalogue: dict, *, dry_run: bool = False) -> LoadReport:
    """Creates or updates the topics and documents of a checked catalogue. With `dry_run`, the
    database is left as it was and no file is written."""
    report = LoadReport()
    base = catalogue["_base"]
    with transaction.atomic():
        topics = {}
        for entry in catalogue.get("topics", []):
            topic, created = Topic.objects.update_or_create(
                slug=entry["slug"],
                defaults={"name": entry["name"], "description": entry.get("description", "")},
            )
            topics[topic.slug] = topic
            report.topics_created += created
            report.topics_updated += not created
        for entry in catalogue.get("documents", []):
            body = (base / entry["body"]).read_text(encoding="utf-8") if entry.get("body") else ""
            fields = {
                "title": entry["title"],
                "type": entry["type"],
                "summary": entry["summary"].strip(),
                "body": body,
                "audiences": entry.get("audiences", []),
                "is_illustrative": entry.get("illustrative", False),
                "published_on": entry["published_on"],
                "author_organisation": entry["author"],
                "external_url": entry.get("external_url", ""),
                "sources": "\n".join(entry.get("sources", [])),
            }
            document, created = Document.objects.update_or_create(
                slug=entry["slug"],
                defaults=fields,
                # Published when created only: an unpublish in the admin survives a reload.
                create_defaults={**fields, "published": True},
            )
            report.documents_created += created
            report.documents_updated += not created
            report.slugs.append(document.slug)
            document.topics.set([topics[slug] for slug in entry.get("topics", [])])
            if "file" in entry:
                filename, data = generate_file(entry, base=base, body=body)
                if dry_run:
                    continue
                if services.attach_file(document=document, filename=filename, content=data):
                    report.files_written += 1
                else:
                    report.files_unchanged += 1
                    Document.objects.filter(pk=document.pk).refresh_search_vector()
            else:
                if document.file and not dry_run:
                    services.detach_file(document=document)
                Document.objects.filter(pk=document.pk).refresh_search_vector()
        if dry_run:
            transaction.set_rollback(True)
    return report
