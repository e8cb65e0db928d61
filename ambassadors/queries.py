"""Reads: the networks offered to a sign-up, what the public pages and the template tags show, and
the monthly counts for /stats (no personal data). The aggregates are cached for a few minutes."""

from datetime import date

from django.conf import settings
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth

from ambassadors.models import Ambassador, Message
from contacts.models import OutgoingEmail
from eligibility.models import HeatNetwork

CACHE_SECONDS = 300
CACHE_PREFIX = "ambassadors:v1"


def point(lat: float, lon: float) -> Point:
    return Point(lon, lat, srid=4326)


def networks_near(*, lat: float, lon: float, citycode: str = "") -> list[HeatNetwork]:
    """The heat networks a building may be connected to: those whose route passes within
    AMBASSADOR_NETWORK_RADIUS_M metres (nearest first, `distance_m` set; the spatial index answers
    ST_DWithin), then those without a route in its commune (`distance_m` None)."""
    location = point(lat, lon)
    radius = settings.AMBASSADOR_NETWORK_RADIUS_M
    near = list(
        HeatNetwork.objects.heat()
        .filter(route__dwithin=(location, D(m=radius)))
        .annotate(distance=Distance("route", location))
        .order_by("distance", "network_id")
        .only("pk", "network_id", "name", "operator")
    )
    for network in near:
        network.distance_m = network.distance.m
    in_commune = []
    if citycode:
        in_commune = list(
            HeatNetwork.objects.heat()
            .without_route()
            .filter(communes__contains=[citycode])
            .order_by("name")
            .only("pk", "network_id", "name", "operator")
        )
        for network in in_commune:
            network.distance_m = None
    return near + in_commune


def published_count_for_network(network_id: str) -> int:
    """How many published ambassadors testify about a network (national id), cached."""
    key = f"{CACHE_PREFIX}:count:{network_id}"
    count = cache.get(key)
    if count is None:
        count = Ambassador.objects.published().for_network(network_id).count()
        cache.set(key, count, CACHE_SECONDS)
    return count


def forget_counts(network_id: str = "") -> None:
    """Called after a change of status: the cached counts are computed again."""
    keys = [f"{CACHE_PREFIX}:monthly"]
    if network_id:
        keys.append(f"{CACHE_PREFIX}:count:{network_id}")
    cache.delete_many(keys)


def published_for_network(network_id: str, *, limit: int):
    return list(
        Ambassador.objects.published()
        .for_network(network_id)
        .select_related("network")
        .order_by("-published_at", "-pk")[:limit]
    )


def network_filter_choices() -> list[tuple[str, str]]:
    """(national id, name) of the networks that have published ambassadors."""
    rows = (
        HeatNetwork.objects.filter(ambassadors__status=Ambassador.Status.PUBLISHED)
        .values_list("network_id", "name")
        .distinct()
        .order_by("name", "network_id")
    )
    return [(network_id, f"{name} ({network_id})") for network_id, name in rows]


def commune_filter_choices() -> list[tuple[str, str]]:
    """(INSEE code, name) of the communes that have published ambassadors."""
    rows = (
        Ambassador.objects.published()
        .values_list("code_insee", "commune")
        .distinct()
        .order_by("commune", "code_insee")
    )
    choices = {}
    for code, name in rows:
        choices.setdefault(code, f"{name} ({code})")
    return sorted(choices.items(), key=lambda item: item[1])


def monthly_counts() -> list[dict]:
    """For /stats, month by month from the first one with data to the last: ambassadors published
    for the first time that month (withdrawn ones included: they were ambassadors), and messages
    relayed that month (emails sent to an ambassador or to an asker). No personal data.

    [{"month": date(2026, 5, 1), "ambassadors_published": 3, "messages_relayed": 12}, …]
    """
    key = f"{CACHE_PREFIX}:monthly"
    cached = cache.get(key)
    if cached is not None:
        return cached
    published = dict(
        Ambassador.objects.filter(published_at__isnull=False)
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    relayed = dict(
        Message.objects.filter(email__status=OutgoingEmail.Status.SENT)
        .annotate(month=TruncMonth("email__sent_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    months = {_first_day(m) for m in [*published, *relayed] if m is not None}
    published = {_first_day(m): n for m, n in published.items() if m is not None}
    relayed = {_first_day(m): n for m, n in relayed.items() if m is not None}
    series = (
        [
            {
                "month": month,
                "ambassadors_published": published.get(month, 0),
                "messages_relayed": relayed.get(month, 0),
            }
            for month in _months_between(min(months), max(months))
        ]
        if months
        else []
    )
    cache.set(key, series, CACHE_SECONDS)
    return series


def totals() -> dict:
    """Counts of today (no personal data): ambassadors by public state, messages relayed."""
    by_status = dict(
        Ambassador.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "ambassadors_published": by_status.get(Ambassador.Status.PUBLISHED, 0),
        "ambassadors_ever_published": Ambassador.objects.filter(published_at__isnull=False).count(),
        "messages_relayed": Message.objects.filter(email__status=OutgoingEmail.Status.SENT).count(),
    }


def _first_day(moment) -> date:
    day = moment.date() if hasattr(moment, "date") else moment
    return day.replace(day=1)


def _months_between(first: date, last: date) -> list[date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months
