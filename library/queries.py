"""Reads of the library: the public search of /ressources, the documents related to a network,
and the monthly download series for /stats (cached)."""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from eligibility.models import HeatNetwork
from library.models import SEARCH_CONFIG, Document, DocumentDownload, DocumentType

DOWNLOADS_CACHE_KEY = "library:downloads_per_month"
DOWNLOADS_CACHE_SECONDS = 15 * 60


def search_documents(filters: dict) -> QuerySet[Document]:
    """Published documents matching the filters of a valid DocumentSearchForm: full-text `q`
    (French, accents ignored, ranked), `type`, `public` (an audience) and `theme` (a topic slug).
    """
    documents = Document.objects.published().prefetch_related("topics")
    if filters.get("type"):
        documents = documents.filter(type=filters["type"])
    if filters.get("public"):
        documents = documents.filter(audiences__contains=[filters["public"]])
    if filters.get("theme"):
        documents = documents.filter(topics__slug=filters["theme"])
    query = (filters.get("q") or "").strip()
    if query:
        search = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        return (
            documents.filter(search_vector=search)
            .annotate(rank=SearchRank(F("search_vector"), search))
            .order_by("-rank", "-published_on", "title")
        )
    return documents.order_by("-published_on", "title")


def documents_for_network(network, *, limit: int = 3) -> list[Document]:
    """Published documents to read next to a network (a HeatNetwork, or the NetworkSummary of an
    eligibility verdict): the ones about this network first, then the guides and models for
    condominiums."""
    documents = Document.objects.published()
    network_pk = _heat_network_pk(network)
    linked = list(documents.filter(network_id=network_pk)[:limit]) if network_pk else []
    if len(linked) < limit:
        guides = (
            documents.filter(type__in=[DocumentType.GUIDE, DocumentType.TEMPLATE])
            .filter(Q(audiences__contains=["coproprietes"]))
            .exclude(pk__in=[document.pk for document in linked])
            .order_by("-published_on", "title")
        )
        linked += list(guides[: limit - len(linked)])
    return linked


# The topics of the guides that fit a verdict where no network can serve the address yet, in
# order: the other low-carbon heating solutions, then the financial aids (which cover them too).
NO_NETWORK_TOPICS = ["autres-solutions", "aides-financieres"]
FAR_CATEGORIES = {"existing_far", "future_far"}


def documents_for_verdict(network, category: str = "", *, limit: int = 3) -> list[Document]:
    """Published documents to read next to an eligibility verdict. "Too far": the guides on
    other solutions and financial aids (the nearest network's own documents do not apply);
    "far": the network's documents, then those guides; otherwise documents_for_network()."""
    if category not in FAR_CATEGORIES and category != "too_far":
        return documents_for_network(network, limit=limit)
    documents = Document.objects.published()
    linked: list[Document] = []
    network_pk = _heat_network_pk(network)
    if category in FAR_CATEGORIES and network_pk:
        linked = list(documents.filter(network_id=network_pk)[:limit])
    for slug in NO_NETWORK_TOPICS:
        if len(linked) >= limit:
            break
        linked += list(
            documents.filter(topics__slug=slug, audiences__contains=["coproprietes"])
            .exclude(pk__in=[document.pk for document in linked])
            .order_by("-published_on", "title")[: limit - len(linked)]
        )
    return linked


def _heat_network_pk(network) -> int | None:
    """The HeatNetwork's key, from the model or from an eligibility verdict's NetworkSummary; a
    network under construction (FutureNetwork) has no documents of its own."""
    if isinstance(network, HeatNetwork):
        return network.pk
    if network is not None and getattr(network, "kind", None) == "existing":
        return network.pk
    return None


def downloads_per_month() -> list[dict]:
    """`[{"month": date, "downloads": n}, …]`, oldest first, for /stats."""
    series = cache.get(DOWNLOADS_CACHE_KEY)
    if series is None:
        series = list(
            DocumentDownload.objects.annotate(month=TruncMonth("downloaded_on"))
            .values("month")
            .annotate(downloads=Count("id"))
            .order_by("month")
        )
        cache.set(DOWNLOADS_CACHE_KEY, series, DOWNLOADS_CACHE_SECONDS)
    return series
