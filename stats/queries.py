"""Aggregates of the public statistics (/stats, /stats.csv, /stats.json): month by month
(Europe/Paris months, months without activity as zeros) and key figures, since launch and over the
last 12 months. SQL aggregates only, no personal data; the whole result is cached
CACHE_SECONDS (figures at most 10 minutes old)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ambassadors import queries as ambassador_queries
from contacts.models import Lead, LeadEvent, Organisation
from eligibility.models import EligibilityCheck
from library.models import DocumentDownload

PARIS = ZoneInfo("Europe/Paris")
CACHE_KEY = "stats:v1"
CACHE_SECONDS = 10 * 60
# Small-count rule: per-operator figures only for organisations with at least this many leads.
MIN_LEADS_FOR_OPERATOR_FIGURES = 10
PROJECT_STAGES = [Lead.Status.VOTED, Lead.Status.WORKS, Lead.Status.DONE]
RESPONSE_KINDS = [LeadEvent.Kind.STATUS, LeadEvent.Kind.REPLY]

# The monthly series, in the order of the CSV columns: (key, French label).
SERIES = [
    ("checks_web", "Adresses testées sur le site"),
    ("checks_api", "Adresses testées par l’API"),
    ("checks_bulk", "Adresses testées en masse"),
    ("checks", "Adresses testées"),
    ("checks_eligible", "Adresses éligibles"),
    ("leads", "Demandes de contact"),
    ("leads_operator", "Demandes adressées à un gestionnaire"),
    ("leads_agency", "Demandes adressées à une agence ou collectivité"),
    ("leads_national", "Demandes en tri national"),
    ("leads_moderation", "Demandes en modération"),
    ("leads_responded", "Demandes de gestionnaires ayant reçu une réponse"),
    ("projects_voted", "Projets votés en AG"),
    ("projects_works", "Projets en travaux"),
    ("projects_done", "Projets réalisés"),
    ("followup_yes", "Suivi à 30 jours : recontacté"),
    ("followup_no", "Suivi à 30 jours : pas recontacté"),
    ("ambassadors_published", "Ambassadeurs publiés"),
    ("messages_relayed", "Messages relayés aux ambassadeurs"),
    ("downloads", "Documents téléchargés"),
]
SERIES_KEYS = [key for key, _ in SERIES]
STAGE_KEYS = {
    Lead.Status.VOTED: "projects_voted",
    Lead.Status.WORKS: "projects_works",
    Lead.Status.DONE: "projects_done",
}


def paris_month(moment) -> date:
    """The first day of the Europe/Paris month of an aware datetime (or of a date)."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment, PARIS).date()
    return moment.replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    months = []
    current = first
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=PARIS)


def _by_month(queryset, field: str, *, datefield: bool = False, **aggregates) -> dict:
    month = TruncMonth(field) if datefield else TruncMonth(field, tzinfo=PARIS)
    rows = queryset.annotate(month=month).values("month").annotate(**aggregates).order_by()
    return {paris_month(row.pop("month")): row for row in rows if row["month"] is not None}


def _routing_q():
    """Conditional counts of where a lead went: moderation first, then the organisation's kind."""
    moderation = Q(status=Lead.Status.MODERATION)
    kind = "organisation__kind"
    return {
        "leads": Count("pk"),
        "leads_moderation": Count("pk", filter=moderation),
        "leads_operator": Count("pk", filter=~moderation & Q(**{kind: Organisation.Kind.OPERATOR})),
        "leads_agency": Count(
            "pk",
            filter=~moderation
            & Q(
                **{
                    f"{kind}__in": [
                        Organisation.Kind.ENERGY_AGENCY,
                        Organisation.Kind.LOCAL_AUTHORITY,
                    ]
                }
            ),
        ),
        "leads_national": Count(
            "pk",
            filter=~moderation
            & (Q(organisation__isnull=True) | Q(**{kind: Organisation.Kind.NATIONAL_TEAM})),
        ),
    }


def _responses():
    return LeadEvent.objects.filter(
        lead=OuterRef("pk"), kind__in=RESPONSE_KINDS, actor__isnull=False
    )


def _operator_leads():
    return Lead.objects.filter(organisation__kind=Organisation.Kind.OPERATOR).exclude(
        status=Lead.Status.MODERATION
    )


def monthly_series(today: date | None = None) -> list[dict]:
    """One row per Europe/Paris month, from the first month with activity to the current one."""
    current = paris_month(timezone.now()) if today is None else today.replace(day=1)
    checks = _by_month(
        EligibilityCheck.objects.all(),
        "created_at",
        checks=Count("pk"),
        checks_eligible=Count("pk", filter=Q(eligible=True)),
        checks_web=Count("pk", filter=Q(channel=EligibilityCheck.Channel.WEB)),
        checks_api=Count("pk", filter=Q(channel=EligibilityCheck.Channel.API)),
        checks_bulk=Count("pk", filter=Q(channel=EligibilityCheck.Channel.BULK)),
    )
    leads = _by_month(Lead.objects.all(), "created_at", **_routing_q())
    responded = _by_month(
        _operator_leads().filter(Exists(_responses())),
        "created_at",
        leads_responded=Count("pk"),
    )
    # A project reaches a stage the month a status change to that stage is recorded.
    stages = {}
    for status, key in STAGE_KEYS.items():
        for month, row in _by_month(
            LeadEvent.objects.filter(kind=LeadEvent.Kind.STATUS, to_status=status),
            "created_at",
            n=Count("lead", distinct=True),
        ).items():
            stages.setdefault(month, {})[key] = row["n"]
    followups = _by_month(
        Lead.objects.filter(followup_answered_at__isnull=False, followup_contacted__isnull=False),
        "followup_answered_at",
        followup_yes=Count("pk", filter=Q(followup_contacted=True)),
        followup_no=Count("pk", filter=Q(followup_contacted=False)),
    )
    downloads = _by_month(
        DocumentDownload.objects.all(), "downloaded_on", datefield=True, downloads=Count("pk")
    )
    # TIME_ZONE is Europe/Paris: the ambassadors' months are Paris months too.
    ambassadors = {
        row["month"]: {k: v for k, v in row.items() if k != "month"}
        for row in ambassador_queries.monthly_counts()
    }
    sources = [checks, leads, responded, stages, followups, downloads, ambassadors]
    months = [month for source in sources for month in source]
    first = min([*months, current])
    series = []
    for month in months_between(first, max([*months, current])):
        row = {"month": month}
        for key in SERIES_KEYS:
            row[key] = 0
        for source in sources:
            row.update({k: v or 0 for k, v in source.get(month, {}).items()})
        series.append(row)
    return series


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def median_response_hours(since: datetime | None = None) -> float | None:
    """Median time (hours) from an operator lead's creation to the first status change or reply
    by staff. One SQL query: PERCENTILE_CONT over the per-lead first responses."""
    first_response = Subquery(_responses().order_by("created_at").values("created_at")[:1])
    leads = _operator_leads().filter(Exists(_responses()))
    if since is not None:
        leads = leads.filter(created_at__gte=since)
    seconds = leads.annotate(
        delay=Func(
            ExpressionWrapper(first_response - F("created_at"), output_field=DurationField()),
            template="EXTRACT(EPOCH FROM %(expressions)s)",
            output_field=FloatField(),
        )
    ).aggregate(median=Median("delay"))["median"]
    return None if seconds is None else round(float(seconds) / 3600, 1)


def projects_by_stage(since: datetime | None = None) -> list[dict]:
    """Leads currently at each project stage, with the dwellings concerned."""
    leads = Lead.objects.filter(status__in=PROJECT_STAGES)
    if since is not None:
        leads = leads.filter(created_at__gte=since)
    rows = {
        row["status"]: row
        for row in leads.values("status")
        .annotate(projects=Count("pk"), dwellings=Sum("dwellings"))
        .order_by()
    }
    return [
        {
            "stage": str(status.label),
            "projects": rows.get(status, {}).get("projects", 0),
            "dwellings": rows.get(status, {}).get("dwellings") or 0,
        }
        for status in PROJECT_STAGES
    ]


def operator_figures() -> list[dict]:
    """Response figures of each operator with at least MIN_LEADS_FOR_OPERATOR_FIGURES leads
    (small-count rule: no request can be singled out). No personal data: organisation names
    only."""
    rows = (
        _operator_leads()
        .values("organisation__name")
        .annotate(
            leads=Count("pk"),
            responded=Count("pk", filter=Exists(_responses())),
        )
        .filter(leads__gte=MIN_LEADS_FOR_OPERATOR_FIGURES)
        .order_by("organisation__name")
    )
    return [
        {
            "organisation": row["organisation__name"],
            "leads": row["leads"],
            "responded": row["responded"],
            "response_rate": _share(row["responded"], row["leads"]),
        }
        for row in rows
    ]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def key_figures(series: list[dict], since: datetime | None) -> dict:
    """Totals of the series' rows (all of them, or those from `since`'s month) and shares."""
    first_month = paris_month(since) if since is not None else None
    rows = [row for row in series if first_month is None or row["month"] >= first_month]
    totals = {key: sum(row[key] for row in rows) for key in SERIES_KEYS}
    totals.update(
        eligible_share=_share(totals["checks_eligible"], totals["checks"]),
        operator_share=_share(totals["leads_operator"], totals["leads"]),
        response_rate=_share(totals["leads_responded"], totals["leads_operator"]),
        median_response_hours=median_response_hours(since),
        projects=projects_by_stage(since),
    )
    return totals


def statistics(now: datetime | None = None) -> dict:
    """Everything /stats shows, cached CACHE_SECONDS (`now` is for tests)."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached
    now = now or timezone.now()
    series = monthly_series(paris_month(now))
    current = paris_month(now)
    twelve_months_ago = months_between(date(current.year - 1, current.month, 1), current)[1]
    data = {
        "computed_at": now,
        "series": series,
        "since_launch": key_figures(series, None),
        "last_12_months": key_figures(series, month_start(twelve_months_ago)),
        "operators": operator_figures(),
        "min_leads_for_operator_figures": MIN_LEADS_FOR_OPERATOR_FIGURES,
    }
    cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def forget() -> None:
    cache.delete(CACHE_KEY)
