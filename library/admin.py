"""The library's back office, for the national team: superusers, or staff whose groups give them
the library's model permissions (view/add/change/delete document and topic).

Uploads are checked by `Document.clean()` (library/filetypes.py: real type from the content,
extension agreeing with it, 20 MB at most) and stored under a sanitised random name. The stored
file is linked to the admin's own download view (an attachment, unpublished documents too),
never to /media/.
"""

from django.contrib import admin
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html

from library.forms import DocumentAdminForm
from library.models import Document, Topic
from library.views import file_response


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    form = DocumentAdminForm
    formfield_overrides = {
        models.URLField: {"widget": AdminURLFieldWidget, "assume_scheme": "https"},
    }
    list_display = [
        "title",
        "type",
        "published",
        "published_on",
        "is_illustrative",
        "download_count",
    ]
    list_filter = ["published", "type", "topics", "is_illustrative"]
    search_fields = ["title", "summary", "author_organisation"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["topics"]
    raw_id_fields = ["network"]
    date_hierarchy = "published_on"
    readonly_fields = ["file_info", "download_count", "public_link", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "type", "summary", "body", "is_illustrative"]}),
        ("Publics et thèmes", {"fields": ["audiences", "topics", "network"]}),
        (
            "Fichier ou lien",
            {
                "fields": ["file", "file_info", "external_url"],
                "description": "Un fichier, ou un lien externe, ou aucun des deux pour un guide en texte seul.",
            },
        ),
        (
            "Publication",
            {
                "fields": [
                    "published",
                    "published_on",
                    "author_organisation",
                    "sources",
                    "public_link",
                ]
            },
        ),
        ("Statistiques", {"fields": ["download_count", "created_at", "updated_at"]}),
    ]

    @admin.display(description="fichier vérifié")
    def file_info(self, document):
        if not document.file:
            return "—"
        size = f"{(document.file_size or 0) / 1024:.0f} Ko".replace(".", ",")
        return f"{document.file_format} (.{document.file_type}), {size}"

    @admin.display(description="page publique")
    def public_link(self, document):
        if not document.pk:
            return "—"
        if not document.published:
            return "non publiée"
        return format_html(
            '<a href="{}">{}</a>', document.get_absolute_url(), document.get_absolute_url()
        )

    def save_model(self, request, obj, form, change):
        previous = (
            Document.objects.filter(pk=obj.pk).values_list("file", flat=True).first()
            if change
            else ""
        )
        super().save_model(request, obj, form, change)
        if previous and previous != obj.file.name:  # replaced or cleared: no orphan file
            obj.file.storage.delete(previous)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The topics are saved after the document: their names join its search vector now.
        Document.objects.filter(pk=form.instance.pk).refresh_search_vector()

    def get_urls(self):
        return [
            path(
                "<int:pk>/fichier/",
                self.admin_site.admin_view(self.file_view),
                name="library_document_file",
            ),
            *super().get_urls(),
        ]

    def file_view(self, request, pk):
        """The stored file as an attachment, for staff who may view documents (published or
        not); not counted as a public download."""
        document = get_object_or_404(Document, pk=pk)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        if not document.file or not document.file.storage.exists(document.file.name):
            raise Http404("Ce document n’a pas de fichier.")
        return file_response(document)
