"""The document library (/ressources): guides, experience reports, testimonials, templates,
regulations and videos, for condominium boards, property managers, social landlords, local
authorities and network operators.

A document has a text (`body`, a small Markdown subset rendered by library/markup.py, which
escapes every HTML character), and either a file uploaded by the national team (checked by
library/filetypes.py, served only by the download view, never from /media/), or a link to an
external page, or neither (a text-only guide).

Full-text search: `search_vector` is computed by PostgreSQL with the `french_unaccent` text
search configuration (created by migration 0001: French stemming after `unaccent`), so that
"reseaux" finds "réseau" and "chaudieres" finds "chaudière". `Document.save()` refreshes it with
`Document.objects.filter(pk=…).refresh_search_vector()`; call that method again after changing
the topics of a document, or after a queryset `update()`.
"""

import secrets
from pathlib import PurePosixPath

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, F, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.forms import MultipleChoiceField
from django.forms.widgets import CheckboxSelectMultiple
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from library import filetypes, markup

SEARCH_CONFIG = "french_unaccent"


class DocumentType(models.TextChoices):
    GUIDE = "guide", "Guide"
    EXPERIENCE = "rex", "Retour d’expérience"
    TESTIMONY = "temoignage", "Témoignage"
    TEMPLATE = "modele", "Modèle"
    REGULATION = "reglementation", "Réglementation"
    VIDEO = "video", "Vidéo"


class Audience(models.TextChoices):
    CONDOMINIUMS = "coproprietes", "Copropriétés"
    PROPERTY_MANAGERS = "syndics", "Syndics"
    SOCIAL_LANDLORDS = "bailleurs", "Bailleurs sociaux"
    LOCAL_AUTHORITIES = "collectivites", "Collectivités"
    OPERATORS = "exploitants", "Exploitants de réseaux"


class ChoiceArrayField(ArrayField):
    """An array of choices, edited as checkboxes (the admin's default is a comma-separated
    text field)."""

    def formfield(self, **kwargs):
        defaults = {
            "form_class": MultipleChoiceField,
            "choices": self.base_field.choices,
            "widget": CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        # Skip ArrayField.formfield (SimpleArrayField): go to Field.formfield.
        return super(ArrayField, self).formfield(**defaults)


class Topic(models.Model):
    name = models.CharField("nom", max_length=80, unique=True)
    slug = models.SlugField("identifiant dans l’adresse", max_length=80, unique=True)
    description = models.CharField("description", max_length=255, blank=True)

    class Meta:
        verbose_name = "thème"
        verbose_name_plural = "thèmes"
        ordering = ["name"]

    def __str__(self):
        return self.name


def library_upload_to(instance: "Document", filename: str) -> str:
    """`library/<slugified name>-<random>.<checked extension>`: never the uploader's path, never
    their extension when the content says otherwise."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem, _, suffix = name.rpartition(".") if "." in name else (name, "", "")
    extension = instance.file_type or slugify(suffix)[:8] or "bin"
    stem = slugify(stem)[:60].strip("-") or "document"
    return f"library/{stem}-{secrets.token_hex(6)}.{extension}"


https_or_http = URLValidator(schemes=["https", "http"])


class DocumentQuerySet(models.QuerySet):
    def published(self):
        """What the public sees: published, with a publication date that has come."""
        return self.filter(published=True, published_on__lte=timezone.localdate())

    def refresh_search_vector(self) -> int:
        """Recomputes the search vector of these documents in the database (title, summary,
        topics, body, type, audiences and author, by decreasing weight)."""
        topic_names = (
            Document.topics.through.objects.filter(document=OuterRef("pk"))
            .values("document")
            .annotate(names=StringAgg("topic__name", delimiter=" "))
            .values("names")
        )
        type_label = Case(
            *[When(type=value, then=Value(label)) for value, label in DocumentType.choices],
            default=Value(""),
            output_field=models.TextField(),
        )
        audiences = Func(
            F("audiences"), Value(" "), function="array_to_string", output_field=models.TextField()
        )
        vector = (
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
            + SearchVector(
                Coalesce(Subquery(topic_names), Value(""), output_field=models.TextField()),
                weight="B",
                config=SEARCH_CONFIG,
            )
            + SearchVector("body", weight="C", config=SEARCH_CONFIG)
            + SearchVector(type_label, weight="C", config=SEARCH_CONFIG)
            + SearchVector(audiences, "author_organisation", weight="D", config=SEARCH_CONFIG)
        )
        return self.update(search_vector=vector)


class Document(models.Model):
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(
        "identifiant dans l’adresse",
        max_length=120,
        unique=True,
        help_text="Lettres minuscules, chiffres et tirets : /ressources/<identifiant>/",
    )
    summary = models.TextField(
        "résumé", max_length=600, help_text="Deux ou trois phrases, affichées dans la liste."
    )
    body = models.TextField(
        "texte",
        blank=True,
        help_text=(
            "Mise en forme simple : « ## Titre », « ### Sous-titre », listes « - » ou « 1. », "
            "**gras**, [lien](https://…), « > » pour un encadré. Le HTML n’est pas interprété."
        ),
    )
    type = models.CharField("type", max_length=20, choices=DocumentType.choices)
    audiences = ChoiceArrayField(
        models.CharField(max_length=20, choices=Audience.choices),
        verbose_name="publics",
        default=list,
        blank=True,
    )
    topics = models.ManyToManyField(
        Topic, verbose_name="thèmes", related_name="documents", blank=True
    )
    is_illustrative = models.BooleanField(
        "exemple fictif",
        default=False,
        help_text="Un contenu fictif (exemple construit pour illustrer) est signalé comme tel.",
    )

    file = models.FileField(
        "fichier",
        upload_to=library_upload_to,
        max_length=200,
        blank=True,
        help_text=(
            "PDF, Word, Excel, PowerPoint ou OpenDocument, 20 Mo au plus. Le type est vérifié "
            "d’après le contenu du fichier."
        ),
    )
    file_type = models.CharField(
        "type de fichier vérifié", max_length=8, blank=True, editable=False
    )
    file_size = models.PositiveIntegerField("taille du fichier (octets)", null=True, editable=False)
    file_sha256 = models.CharField("empreinte SHA-256", max_length=64, blank=True, editable=False)
    external_url = models.URLField(
        "lien externe",
        max_length=500,
        blank=True,
        validators=[https_or_http],
        help_text="Par exemple une vidéo ou une page officielle. Un fichier ou un lien, pas les deux.",
    )

    published = models.BooleanField(
        "publié", default=False, help_text="Un document non publié n’est visible que dans l’admin."
    )
    published_on = models.DateField("date de publication", default=timezone.localdate)
    author_organisation = models.CharField("organisme auteur", max_length=200, blank=True)
    network = models.ForeignKey(
        "eligibility.HeatNetwork",
        verbose_name="réseau concerné",
        related_name="documents",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    sources = models.TextField(
        "sources",
        blank=True,
        help_text="Une source par ligne : « Nom de la source | https://adresse » (adresse facultative).",
    )

    download_count = models.PositiveIntegerField("téléchargements", default=0, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-published_on", "title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="library_document_search"),
            GinIndex(fields=["audiences"], name="library_document_audiences"),
            models.Index(fields=["published", "-published_on"], name="library_document_public"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(file="") | Q(external_url=""),
                name="library_document_file_or_link",
                violation_error_message="Un document a un fichier ou un lien externe, pas les deux.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Document.objects.filter(pk=self.pk).refresh_search_vector()

    def get_absolute_url(self):
        return reverse("library:detail", args=[self.slug])

    def get_download_url(self):
        return reverse("library:download", args=[self.slug])

    def clean(self):
        errors = {}
        if self.file and self.external_url:
            errors["external_url"] = "Un document a un fichier ou un lien externe, pas les deux."
        if self.type == DocumentType.VIDEO and not self.external_url:
            errors["external_url"] = (
                "Une vidéo est publiée par un lien vers la plateforme qui l’héberge."
            )
        if self.type == DocumentType.TEMPLATE and not (self.file or self.external_url):
            errors["file"] = "Un modèle doit avoir un fichier à télécharger."
        if self.file and not self.file._committed:  # a new upload
            try:
                self.set_file_info(filetypes.inspect(self.file, self.file.name))
            except ValidationError as error:
                errors["file"] = error.messages
        if not self.file:
            self.file_type, self.file_size, self.file_sha256 = "", None, ""
        try:
            self.source_list()
        except ValidationError as error:
            errors["sources"] = error.messages
        if errors:
            raise ValidationError(errors)

    def set_file_info(self, info: "filetypes.FileInfo") -> None:
        self.file_type, self.file_size, self.file_sha256 = info.kind, info.size, info.sha256

    @property
    def body_html(self):
        return markup.render(self.body)

    @property
    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [labels[value] for value in self.audiences if value in labels]

    @property
    def has_download(self) -> bool:
        return bool(self.file or self.external_url)

    @property
    def file_format(self) -> str:
        return filetypes.LABELS.get(self.file_type, "")

    @property
    def file_description(self) -> str:
        """ "PDF – 9 Ko", "OpenDocument texte (ODT) – 4 Ko": what the download button gets."""
        if not self.file_type:
            return ""
        size = self.file_size or 0
        if size < 1024 * 1024:
            amount = f"{max(1, round(size / 1024))} Ko"
        else:
            amount = f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
        label = self.file_format
        if label.upper() != self.file_type.upper():
            label = f"{label} ({self.file_type.upper()})"
        return f"{label} – {amount}"

    @property
    def content_type(self) -> str:
        return filetypes.MIME_TYPES.get(self.file_type, "application/octet-stream")

    @property
    def download_filename(self) -> str:
        return f"{self.slug}.{self.file_type}" if self.file_type else self.slug

    @property
    def external_host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.external_url).hostname or ""

    def source_list(self) -> list[dict]:
        """The sources, one a line: `Name | https://url` or `Name`."""
        sources = []
        for line in self.sources.splitlines():
            label, _, url = (part.strip() for part in line.partition("|"))
            if not label and not url:
                continue
            if url:
                try:
                    https_or_http(url)
                except ValidationError as error:
                    raise ValidationError(
                        f"Source « {label or url} » : l’adresse doit commencer par https:// ou http://."
                    ) from error
            sources.append({"label": label or url, "url": url})
        return sources


class DocumentDownload(models.Model):
    """One download (or one click on an external link), for the monthly statistics: the document
    and the day, nothing about who downloaded it."""

    document = models.ForeignKey(
        Document,
        verbose_name="document",
        related_name="downloads",
        on_delete=models.SET_NULL,
        null=True,
    )
    downloaded_on = models.DateField("date", default=timezone.localdate, db_index=True)
    external = models.BooleanField("lien externe", default=False)

    class Meta:
        verbose_name = "téléchargement"
        verbose_name_plural = "téléchargements"

    def __str__(self):
        return f"{self.document_id} — {self.downloaded_on:%d/%m/%Y}"
