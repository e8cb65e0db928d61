"""The public statistics page and its open-data exports (the same monthly series), for France,
a région or a département (`?region=11`, `?departement=95`)."""

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chauffage.api import api_endpoint, json_error
from stats import queries
from stats.charts import monthly_chart
from stats.forms import StatisticsFilterForm
from stats.territories import UnknownTerritory, territory_from

CHARTS = [
    ("adresses-testees", "Adresses testées", "checks"),
    ("adresses-eligibles", "Adresses éligibles", "checks_eligible"),
    ("demandes", "Demandes de contact", "leads"),
    ("demandes-gestionnaires", "Demandes adressées à un gestionnaire", "leads_operator"),
    ("reponses", "Demandes de gestionnaires ayant reçu une réponse", "leads_responded"),
    ("demandes-conseil", "Demandes de conseils France Rénov’", "leads_advice"),
    ("projets-realises", "Projets réalisés", "projects_done"),
    ("suivi-oui", "Demandeurs recontactés selon le suivi à 30 jours", "followup_yes"),
    ("ambassadeurs", "Ambassadeurs publiés", "ambassadors_published"),
    ("telechargements", "Documents téléchargés", "downloads"),
]


@require_GET
def index(request):
    form = StatisticsFilterForm(request.GET or None)
    territory = form.territory
    data = queries.statistics(territory=territory)

    def charts():  # built only when the page's body is not in the cache
        return [
            monthly_chart(slug, title, data["series"], key)
            for slug, title, key in CHARTS
            if territory.is_national or key not in queries.NATIONAL_ONLY
        ]

    national = data["national_figures"]
    periods = [data["since_launch"], data["last_12_months"]]
    return render(
        request,
        "stats/index.html",
        {
            "form": form,
            "territory": territory,
            "query": territory_query(territory),
            "data": data,
            "periods": [
                ("Depuis le lancement", data["since_launch"], national.get("since_launch", {})),
                (
                    "Sur les 12 derniers mois",
                    data["last_12_months"],
                    national.get("last_12_months", {}),
                ),
            ],
            "charts": charts,
            "breakdowns": breakdowns(periods),
            "national_only_labels": [
                label for key, label in queries.SERIES if key in queries.NATIONAL_ONLY
            ],
            # The rendered body only changes with the figures and the form's values: cached
            # (about 60 ms of template rendering saved per visit). Not with form errors.
            "cache_key": None
            if form.errors
            else ":".join(
                [
                    territory.key,
                    form.cleaned_data.get("region", "") if form.is_bound else "",
                    form.cleaned_data.get("departement", "") if form.is_bound else "",
                    data["computed_at"].isoformat(),
                ]
            ),
        },
        status=400 if form.errors else 200,
    )


def breakdowns(periods: list[dict]) -> list[dict]:
    """The tables of leads by request type, role and boiler replacement horizon: one row per
    value, with its count in each period, and a row for the leads without a value."""
    tables = []
    for slug, caption, heading, keys, rest_label in queries.BREAKDOWNS:
        rows = [(label, [figures[key] for figures in periods]) for key, label in keys]
        if rest_label is not None:
            rest = [figures["leads"] - sum(figures[key] for key, _ in keys) for figures in periods]
            rows.append((rest_label, rest))
        tables.append({"slug": slug, "caption": caption, "heading": heading, "rows": rows})
    return tables


def territory_query(territory) -> str:
    """The query string of the exports for the same territory ('' for France)."""
    if territory.is_national:
        return ""
    return f"?{territory.kind}={territory.code}"


def _territory_or_error(request):
    return territory_from(
        region=request.GET.get("region", ""), departement=request.GET.get("departement", "")
    )


def _invalid(error):
    return json_error("invalid_parameters", str(error), status=400)


@api_endpoint
def export_csv(request):
    try:
        territory = _territory_or_error(request)
    except UnknownTerritory as error:
        return _invalid(error)
    data = queries.statistics(territory=territory)
    suffix = "" if territory.is_national else f"-{territory.key}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statistiques-france-chaleur-urbaine{suffix}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["month", *queries.SERIES_KEYS])
    for row in data["series"]:
        writer.writerow(
            [
                row["month"].strftime("%Y-%m"),
                *("" if row[k] is None else row[k] for k in queries.SERIES_KEYS),
            ]
        )
    return response


@api_endpoint
def export_json(request):
    try:
        territory = _territory_or_error(request)
    except UnknownTerritory as error:
        return _invalid(error)
    data = queries.statistics(territory=territory)
    return JsonResponse(
        {
            "territory": data["territory"],
            "timezone": "Europe/Paris",
            "computed_at": timezone.localtime(data["computed_at"]).isoformat(),
            "fields": dict(queries.SERIES),
            "national_only": data["national_only"],
            "series": [
                {
                    "month": row["month"].strftime("%Y-%m"),
                    **{k: row[k] for k in queries.SERIES_KEYS},
                }
                for row in data["series"]
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
