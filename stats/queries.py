"""Aggregates of the public statistics (/stats, /stats.csv, /stats.json): month by month
(Europe/Paris months, months without activity as zeros) and key figures, since launch and over the
last 12 months, for France, each région and each département. SQL aggregates only, no personal
data.

Every count is grouped by month and by département (from the commune's INSEE code of the record)
in one pass; a région's or France's figures are sums of those cells. The result of a pass is kept
in `StatisticsSnapshot` rows (one per territory) with its computation time:

- a visitor reads one row: never the computation;
- figures older than REFRESH_AFTER (30 minutes) are served while a background task
  (`stats.tasks.refresh_statistics`, run by `manage.py db_worker`) computes new ones;
- figures older than MAX_AGE (one hour) are never served: if the background refresh did not run
  (no worker, no cron), the request computes them, as does the very first visit.
`manage.py refresh_statistics` (cron) does the same pass.
"""

import logging
import statistics as pystats
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    Func,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.utils import timezone

from ambassadors.models import Ambassador, Message
from contacts.models import Lead, LeadEvent, Organisation, OutgoingEmail
from eligibility.models import EligibilityCheck
from library.models import DocumentDownload
from stats.models import StatisticsSnapshot
from stats.territories import DEPARTEMENTS, FRANCE, Territory, all_territories

logger = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
REFRESH_AFTER = timedelta(minutes=30)
MAX_AGE = timedelta(hours=1)
REFRESH_QUEUED_KEY = "stats:refresh-queued"
# An arbitrary constant: the PostgreSQL advisory lock taken while the figures are computed, so
# that concurrent requests and workers compute them once.
LOCK_ID = 7_340_209
# Small-count rule: per-operator figures only for organisations with at least this many leads.
MIN_LEADS_FOR_OPERATOR_FIGURES = 10
PROJECT_STAGES = [Lead.Status.VOTED, Lead.Status.WORKS, Lead.Status.DONE]
# Statuses of real requests: moderation decisions (releasing, rejecting as spam) are the national
# team's, never an operator's response; leads rejected as spam are no requests at all.
ORDINARY_STATUSES = [
    status for status in Lead.Status.values if status not in Lead.WITHHELD_STATUSES
]

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
    # What requesters ask for, who they are, when their boiler is to be replaced. Leads sent
    # before the form asked are study or quote requests, without a role or a date.
    ("leads_quote", "Demandes d’étude ou de devis au gestionnaire"),
    ("leads_appointment", "Demandes de rendez-vous avec le gestionnaire"),
    ("leads_advice", "Demandes de conseils France Rénov’"),
    ("leads_role_council_member", "Demandes de membres du conseil syndical"),
    ("leads_role_co_owner", "Demandes de copropriétaires"),
    ("leads_role_syndic_professional", "Demandes de syndics professionnels"),
    ("leads_role_syndic_volunteer", "Demandes de syndics bénévoles"),
    ("leads_role_social_landlord", "Demandes de bailleurs sociaux"),
    ("leads_role_tertiary_manager", "Demandes de gestionnaires de bâtiments tertiaires"),
    ("leads_role_design_office", "Demandes de bureaux d’études"),
    ("leads_role_other", "Demandes d’un autre rôle"),
    ("leads_replacement_within_1y", "Remplacement de chaudière prévu dans les 12 mois"),
    ("leads_replacement_1_to_3y", "Remplacement de chaudière prévu dans 1 à 3 ans"),
    ("leads_replacement_beyond_3y", "Remplacement de chaudière prévu dans 3 ans ou plus"),
]
SERIES_KEYS = [key for key, _ in SERIES]
# The breakdowns of the leads shown on /stats: (slug, caption, first column, [(key, label)],
# label of the leads left out: role or date not given, or None).
BREAKDOWNS = [
    (
        "objet",
        "Demandes de contact par objet",
        "Objet de la demande",
        [(f"leads_{value}", label) for value, label in Lead.RequestType.choices],
        None,
    ),
    (
        "role",
        "Demandes de contact par rôle du demandeur",
        "Rôle du demandeur",
        [(f"leads_role_{value}", label) for value, label in Lead.Role.choices],
        "Non demandé (maison individuelle) ou non renseigné",
    ),
    (
        "remplacement",
        "Demandes de contact par échéance du remplacement de la chaudière, comptée depuis la "
        "demande",
        "Remplacement prévu",
        [
            ("leads_replacement_within_1y", "Dans les 12 mois"),
            ("leads_replacement_1_to_3y", "Dans 1 à 3 ans"),
            ("leads_replacement_beyond_3y", "Dans 3 ans ou plus"),
        ],
        "Date non indiquée",
    ),
]
# Series whose records carry no territory (a download is a document and a day, nothing else):
# given for France only; under a filter their values are None (null in JSON, empty in CSV).
NATIONAL_ONLY = ["downloads"]
TERRITORIAL_KEYS = [key for key in SERIES_KEYS if key not in NATIONAL_ONLY]
STAGE_KEYS = {
    Lead.Status.VOTED: "projects_voted",
    Lead.Status.WORKS: "projects_works",
    Lead.Status.DONE: "projects_done",
}
UNKNOWN = ""  # the cell of records without a known département (France only)


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


class Departement(Func):
    """The département of an INSEE commune code column: 3 characters overseas (97x), else 2."""

    template = (
        "CASE WHEN left(%(expressions)s, 2) = '97' THEN upper(left(%(expressions)s, 3)) "
        "ELSE upper(left(%(expressions)s, 2)) END"
    )
    output_field = CharField()


def _departement(code: str | None) -> str:
    return code if code in DEPARTEMENTS else UNKNOWN


def _cells(queryset, field: str, territory_field: str, *, keys=(), **aggregates):
    """Rows grouped by Paris month of `field`, by département of `territory_field` and `keys`."""
    rows = (
        queryset.annotate(month=TruncMonth(field, tzinfo=PARIS), dep=Departement(territory_field))
        .values("month", "dep", *keys)
        .annotate(**aggregates)
        .order_by()
    )
    for row in rows:
        if row["month"] is None:
            continue
        row["month"] = paris_month(row["month"])
        row["dep"] = _departement(row["dep"])
        yield row


def _requests():
    """The leads that are real requests: all but those rejected as spam."""
    return Lead.objects.exclude(status=Lead.Status.SPAM)


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


def _replacement_months_ahead():
    """Months from the request (Paris month) to the planned boiler replacement."""
    planned = "boiler_replacement_date"
    return (ExtractYear(planned) - ExtractYear("created_at", tzinfo=PARIS)) * 12 + (
        ExtractMonth(planned) - ExtractMonth("created_at", tzinfo=PARIS)
    )


def _request_q():
    """Conditional counts of what leads ask for, their requesters' role and how soon after the
    request the boiler is to be replaced (a replacement planned in a past month counts as
    within the year)."""
    ahead = _replacement_months_ahead()
    return {
        **{
            f"leads_{value}": Count("pk", filter=Q(request_type=value))
            for value in Lead.RequestType.values
        },
        **{
            f"leads_role_{value}": Count("pk", filter=Q(requester_role=value))
            for value in Lead.Role.values
        },
        "leads_replacement_within_1y": Count("pk", filter=LessThan(ahead, 12)),
        "leads_replacement_1_to_3y": Count(
            "pk", filter=GreaterThanOrEqual(ahead, 12) & LessThan(ahead, 36)
        ),
        "leads_replacement_beyond_3y": Count("pk", filter=GreaterThanOrEqual(ahead, 36)),
    }


def _response_q(prefix: str = "") -> Q:
    """A response by staff, on LeadEvent (or through `prefix`, e.g. "events__"): a reply, or a
    status change between two statuses of real requests (not a moderation decision)."""

    def q(**lookups):
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    return q(actor__isnull=False) & (
        q(kind=LeadEvent.Kind.REPLY)
        | q(
            kind=LeadEvent.Kind.STATUS,
            from_status__in=[*ORDINARY_STATUSES, ""],  # blank: not recorded
            to_status__in=ORDINARY_STATUSES,
        )
    )


def _responses():
    return LeadEvent.objects.filter(_response_q(), lead=OuterRef("pk"))


def _operator_leads():
    return Lead.objects.filter(organisation__kind=Organisation.Kind.OPERATOR).exclude(
        status__in=Lead.WITHHELD_STATUSES
    )


def monthly_cells() -> dict[str, dict[date, dict[str, int]]]:
    """{département (UNKNOWN for none): {month: {series key: count}}} of the territorial series."""
    cells = defaultdict(lambda: defaultdict(dict))

    def add(rows):
        for row in rows:
            cell = cells[row.pop("dep")][row.pop("month")]
            for key, value in row.items():
                cell[key] = cell.get(key, 0) + (value or 0)

    add(
        _cells(
            EligibilityCheck.objects.all(),
            "created_at",
            "code_insee",
            checks=Count("pk"),
            checks_eligible=Count("pk", filter=Q(eligible=True)),
            checks_web=Count("pk", filter=Q(channel=EligibilityCheck.Channel.WEB)),
            checks_api=Count("pk", filter=Q(channel=EligibilityCheck.Channel.API)),
            checks_bulk=Count("pk", filter=Q(channel=EligibilityCheck.Channel.BULK)),
        )
    )
    add(_cells(_requests(), "created_at", "code_insee", **_routing_q(), **_request_q()))
    add(
        _cells(
            _operator_leads().filter(Exists(_responses())),
            "created_at",
            "code_insee",
            leads_responded=Count("pk"),
        )
    )
    # A project reaches a stage the month a status change to that stage is recorded.
    stage_rows = _cells(
        LeadEvent.objects.filter(kind=LeadEvent.Kind.STATUS, to_status__in=PROJECT_STAGES).exclude(
            lead__status=Lead.Status.SPAM
        ),
        "created_at",
        "lead__code_insee",
        keys=("to_status",),
        n=Count("lead", distinct=True),
    )
    for row in stage_rows:
        cell = cells[row["dep"]][row["month"]]
        key = STAGE_KEYS[row["to_status"]]
        cell[key] = cell.get(key, 0) + row["n"]
    add(
        _cells(
            _requests().filter(
                followup_answered_at__isnull=False, followup_contacted__isnull=False
            ),
            "followup_answered_at",
            "code_insee",
            followup_yes=Count("pk", filter=Q(followup_contacted=True)),
            followup_no=Count("pk", filter=Q(followup_contacted=False)),
        )
    )
    # Ambassadors published for the first time that month (withdrawn ones included: they were
    # ambassadors), messages relayed that month (emails actually sent, both directions).
    add(
        _cells(
            Ambassador.objects.filter(published_at__isnull=False),
            "published_at",
            "code_insee",
            ambassadors_published=Count("pk"),
        )
    )
    add(
        _cells(
            Message.objects.filter(email__status=OutgoingEmail.Status.SENT),
            "email__sent_at",
            "ambassador__code_insee",
            messages_relayed=Count("pk"),
        )
    )
    return cells


def national_only_cells() -> dict[date, dict[str, int]]:
    rows = (
        DocumentDownload.objects.values("downloaded_on__year", "downloaded_on__month")
        .annotate(downloads=Count("pk"))
        .order_by()
    )
    return {
        date(row["downloaded_on__year"], row["downloaded_on__month"], 1): {
            "downloads": row["downloads"]
        }
        for row in rows
    }


def series_of(cells, departements, national_only, current: date) -> list[dict]:
    """One row per month, from the territory's first month with activity to `current`. Keys of
    NATIONAL_ONLY are None unless `national_only` (France) is given."""
    totals = defaultdict(lambda: dict.fromkeys(TERRITORIAL_KEYS, 0))
    for departement in departements:
        for month, cell in cells.get(departement, {}).items():
            row = totals[month]
            for key, value in cell.items():
                row[key] += value
    months = [*totals, *(national_only or {})]
    series = []
    for month in months_between(min([*months, current]), max([*months, current])):
        row = {"month": month, **dict.fromkeys(SERIES_KEYS, 0), **totals.get(month, {})}
        for key in NATIONAL_ONLY:
            row[key] = None if national_only is None else national_only.get(month, {}).get(key, 0)
        series.append(row)
    return series


def response_delays() -> list[tuple[str, datetime, float]]:
    """(département, creation, seconds to the first status change or reply by staff) of every
    operator lead that got a response. One GROUP BY over leads and their events."""
    response = _response_q("events__")
    rows = (
        _operator_leads()
        .annotate(first_response=Min("events__created_at", filter=response))
        .filter(first_response__isnull=False)
        .annotate(dep=Departement("code_insee"))
        .values_list("dep", "created_at", "first_response")
    )
    return [
        (_departement(dep), created, (first - created).total_seconds())
        for dep, created, first in rows
    ]


def median_hours(delays, departements: set[str] | None, since: datetime | None, minimum=0):
    """Median (hours, 1 decimal) of the delays of these départements (None: all) and period;
    None without delays or with fewer than `minimum`."""
    values = [
        seconds
        for dep, created, seconds in delays
        if (departements is None or dep in departements) and (since is None or created >= since)
    ]
    if not values or len(values) < minimum:
        return None
    return round(pystats.median(values) / 3600, 1)


def project_cells(since: datetime | None) -> dict[str, dict[str, tuple[int, int]]]:
    """{département: {status: (projects, dwellings)}}: leads currently at a project stage."""
    leads = Lead.objects.filter(status__in=PROJECT_STAGES)
    if since is not None:
        leads = leads.filter(created_at__gte=since)
    cells = defaultdict(dict)
    rows = (
        leads.annotate(dep=Departement("code_insee"))
        .values("dep", "status")
        .annotate(projects=Count("pk"), dwellings=Sum("dwellings"))
        .order_by()
    )
    for row in rows:
        projects, dwellings = cells[_departement(row["dep"])].get(row["status"], (0, 0))
        cells[_departement(row["dep"])][row["status"]] = (
            projects + row["projects"],
            dwellings + (row["dwellings"] or 0),
        )
    return cells


def projects_of(cells, departements) -> list[dict]:
    result = []
    for status in PROJECT_STAGES:
        projects = sum(cells.get(dep, {}).get(status, (0, 0))[0] for dep in departements)
        dwellings = sum(cells.get(dep, {}).get(status, (0, 0))[1] for dep in departements)
        result.append({"stage": str(status.label), "projects": projects, "dwellings": dwellings})
    return result


def operator_cells() -> dict[str, dict[str, list[int]]]:
    """{operator's name: {département: [leads, leads with a response]}}."""
    rows = (
        _operator_leads()
        .annotate(dep=Departement("code_insee"))
        .values("organisation__name", "dep")
        .annotate(leads=Count("pk"), responded=Count("pk", filter=Exists(_responses())))
        .order_by()
    )
    cells = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        cell = cells[row["organisation__name"]][_departement(row["dep"])]
        cell[0] += row["leads"]
        cell[1] += row["responded"]
    return cells


def operators_of(cells, territory: Territory) -> list[dict]:
    """Response figures of the operators with at least MIN_LEADS_FOR_OPERATOR_FIGURES leads in
    the territory (small-count rule: no request can be singled out). Under a filter an operator
    is shown only if its leads in every département (and those without one) are either none or
    at least the minimum: subtracting one published figure from another (France minus a région,
    a région minus its départements) then never isolates fewer requests than the minimum.
    Organisation names only, no personal data."""
    departements = set(territory.departements) | ({UNKNOWN} if territory.is_national else set())
    figures = []
    for name in sorted(cells):
        by_dep = cells[name]
        leads = sum(by_dep[dep][0] for dep in by_dep if dep in departements)
        responded = sum(by_dep[dep][1] for dep in by_dep if dep in departements)
        if leads < MIN_LEADS_FOR_OPERATOR_FIGURES:
            continue
        if not territory.is_national and any(
            0 < count < MIN_LEADS_FOR_OPERATOR_FIGURES for count, _ in by_dep.values()
        ):
            continue
        figures.append(
            {
                "organisation": name,
                "leads": leads,
                "responded": responded,
                "response_rate": _share(responded, leads),
            }
        )
    return figures


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def key_figures(series: list[dict], since: datetime | None) -> dict:
    """Totals of the series' rows (all of them, or those from `since`'s month) and shares.
    A NATIONAL_ONLY total is None under a filter."""
    first_month = paris_month(since) if since is not None else None
    rows = [row for row in series if first_month is None or row["month"] >= first_month]
    totals = {}
    for key in SERIES_KEYS:
        values = [row[key] for row in rows]
        totals[key] = None if any(v is None for v in values) else sum(values)
    totals.update(
        eligible_share=_share(totals["checks_eligible"], totals["checks"]),
        operator_share=_share(totals["leads_operator"], totals["leads"]),
        response_rate=_share(totals["leads_responded"], totals["leads_operator"]),
    )
    return totals


def compute(now: datetime | None = None) -> dict[str, dict]:
    """Every territory's figures, from one pass over the data: {territory key: data}."""
    now = now or timezone.now()
    current = paris_month(now)
    twelve_months_ago = month_start(
        months_between(date(current.year - 1, current.month, 1), current)[1]
    )
    cells = monthly_cells()
    national_only = national_only_cells()
    delays = response_delays()
    projects = {None: project_cells(None), twelve_months_ago: project_cells(twelve_months_ago)}
    operators = operator_cells()
    results = {}
    national = {}
    for territory in all_territories():
        departements = territory.departements + ([UNKNOWN] if territory.is_national else [])
        series = series_of(
            cells, departements, national_only if territory.is_national else None, current
        )
        # Under a filter a median is published only over enough responses (small counts).
        minimum = 0 if territory.is_national else MIN_LEADS_FOR_OPERATOR_FIGURES
        periods = {}
        for name, since in [("since_launch", None), ("last_12_months", twelve_months_ago)]:
            figures = key_figures(series, since)
            figures["median_response_hours"] = median_hours(
                delays, None if territory.is_national else set(departements), since, minimum
            )
            figures["projects"] = projects_of(projects[since], departements)
            periods[name] = figures
        data = {
            "territory": territory.as_dict(),
            "computed_at": now,
            "series": series,
            **periods,
            "operators": operators_of(operators, territory),
            "min_leads_for_operator_figures": MIN_LEADS_FOR_OPERATOR_FIGURES,
            "national_only": NATIONAL_ONLY,
        }
        if territory.is_national:
            national = {
                period: {key: periods[period][key] for key in NATIONAL_ONLY} for period in periods
            }
        results[territory.key] = data
    for data in results.values():
        data["national_figures"] = national
    return results


# --- Storage: what a visitor reads ------------------------------------------------------------


def _encode(data: dict) -> dict:
    return {
        **data,
        "computed_at": data["computed_at"].isoformat(),
        "series": [{**row, "month": row["month"].isoformat()} for row in data["series"]],
    }


def _decode(data: dict) -> dict:
    return {
        **data,
        "computed_at": datetime.fromisoformat(data["computed_at"]),
        "series": [{**row, "month": date.fromisoformat(row["month"])} for row in data["series"]],
    }


def refresh(now: datetime | None = None, *, unless_newer_than: timedelta | None = None) -> bool:
    """Computes every territory's figures and stores them; one computation at a time (advisory
    lock). With `unless_newer_than`, does nothing when the stored figures are younger (another
    process has just computed them). True when it computed."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])
        if unless_newer_than is not None:
            latest = (
                StatisticsSnapshot.objects.filter(territory=FRANCE.key)
                .values_list("computed_at", flat=True)
                .first()
            )
            if latest is not None and now - latest < unless_newer_than:
                return False
        results = compute(now)
        StatisticsSnapshot.objects.bulk_create(
            [
                StatisticsSnapshot(territory=key, computed_at=now, data=_encode(data))
                for key, data in results.items()
            ],
            update_conflicts=True,
            unique_fields=["territory"],
            update_fields=["computed_at", "data"],
        )
    cache.delete(REFRESH_QUEUED_KEY)
    return True


def schedule_refresh() -> None:
    """Asks the task worker for new figures, once per REFRESH_AFTER at most."""
    from stats.tasks import refresh_statistics

    if not cache.add(REFRESH_QUEUED_KEY, True, int(REFRESH_AFTER.total_seconds())):
        return
    try:
        refresh_statistics.enqueue()
    except Exception:
        cache.delete(REFRESH_QUEUED_KEY)
        logger.exception("Could not enqueue the refresh of the statistics.")


def _stored(territory: Territory) -> tuple[datetime, dict] | None:
    return (
        StatisticsSnapshot.objects.filter(territory=territory.key)
        .values_list("computed_at", "data")
        .first()
    )


def _has_every_series(data: dict) -> bool:
    return set(SERIES_KEYS) <= set(data.get("since_launch", {}))


def statistics(now: datetime | None = None, territory: Territory = FRANCE) -> dict:
    """Everything /stats shows for a territory, at most MAX_AGE old (`now` is for tests)."""
    now = now or timezone.now()
    snapshot = _stored(territory)
    if snapshot is not None and not _has_every_series(snapshot[1]):
        # Stored by a version of the service with fewer series: computed again, now.
        refresh(now)
        snapshot = _stored(territory)
    if snapshot is None or now - snapshot[0] >= MAX_AGE:
        # First visit, or the background refresh did not run: computed here, once.
        refresh(now, unless_newer_than=MAX_AGE)
        snapshot = _stored(territory)
        if snapshot is None:  # a territory unknown to the last computation
            refresh(now)
            snapshot = _stored(territory)
    elif now - snapshot[0] >= REFRESH_AFTER:
        schedule_refresh()
    return _decode(snapshot[1])


def forget() -> None:
    """Drops the stored figures: the next visit computes them again."""
    StatisticsSnapshot.objects.all().delete()
    cache.delete(REFRESH_QUEUED_KEY)
