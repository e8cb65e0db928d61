"""/ressources: the list (search, filters, pagination), a document's page, and its download."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from chauffage import ratelimit
from library import queries, services
from library.forms import DocumentSearchForm
from library.models import Audience, Document, DocumentType, Topic

DOCUMENTS_PER_PAGE = 12


@require_GET
def document_list(request):
    topics = list(Topic.objects.filter(documents__in=Document.objects.published()).distinct())
    form = DocumentSearchForm(request.GET or None, topics=topics)
    if form.is_bound and form.is_valid():
        filters = form.cleaned_data
        documents = queries.search_documents(filters)
    elif form.is_bound:
        filters, documents = {}, Document.objects.none()
    else:
        filters, documents = {}, queries.search_documents({})
    paginator = Paginator(documents, DOCUMENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    active = {key: filters.get(key) or "" for key in ("q", "type", "public", "theme")}
    context = {
        "title": "Ressources",
        "form": form,
        "page_obj": page,
        "active": active,
        "filtered": any(active.values()) or bool(form.errors),
        "filter_groups": [
            _filter_group("type", "Type de document", DocumentType.choices, active),
            _filter_group("public", "Public", Audience.choices, active),
            _filter_group("theme", "Thème", [(t.slug, t.name) for t in topics], active),
        ],
        "breadcrumb_data": {"links": [], "current": "Ressources"},
    }
    return render(request, "library/document_list.html", context)


def _filter_group(param: str, label: str, choices, active: dict) -> dict:
    """Tags of one filter: each a link that sets `param` (or clears it), keeping the others."""

    def url(value):
        params = {key: val for key, val in active.items() if val and key != param}
        if value:
            params[param] = value
        query = urlencode(params)
        return reverse("library:list") + (f"?{query}" if query else "")

    tags = [{"label": "Tous", "url": url(""), "selected": not active.get(param)}]
    tags += [
        {"label": name, "url": url(value), "selected": active.get(param) == value}
        for value, name in choices
    ]
    return {"param": param, "label": label, "tags": tags}


@require_GET
def document_detail(request, slug):
    document = get_object_or_404(
        Document.objects.published().select_related("network").prefetch_related("topics"),
        slug=slug,
    )
    context = {
        "title": document.title,
        "document": document,
        "breadcrumb_data": {
            "links": [{"url": reverse("library:list"), "title": "Ressources"}],
            "current": document.title,
        },
    }
    return render(request, "library/document_detail.html", context)


@require_GET
def document_download(request, slug):
    """Counts the download, then serves the file as an attachment (never displayed inline by the
    browser, never sniffed, in a CSP sandbox), or redirects to the external link. One client's
    repeated downloads beyond the rate limit are served but no longer counted."""
    document = get_object_or_404(Document.objects.published(), slug=slug)
    if not document.has_download:
        raise Http404("Ce document n’a pas de fichier à télécharger.")
    if document.file and not document.file.storage.exists(document.file.name):
        raise Http404("Fichier introuvable.")
    limit = ratelimit.from_setting("library_downloads", settings.RATELIMIT_DOWNLOADS)
    if ratelimit.hit(request, limit) is None:
        services.record_download(document=document)
    if not document.file:
        return HttpResponseRedirect(document.external_url)
    return file_response(document)


def file_response(document: Document) -> FileResponse:
    """The document's file with the headers that keep it a download: the content type checked
    at upload, `attachment`, nosniff and a CSP sandbox."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "no-store"
    return response
