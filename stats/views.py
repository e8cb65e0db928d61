"""The public statistics page and its open-data exports (the same monthly series)."""

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from stats import queries
from stats.charts import monthly_chart

CHARTS = [
    ("adresses-testees", "Adresses testées", "checks"),
    ("adresses-eligibles", "Adresses éligibles", "checks_eligible"),
    ("demandes", "Demandes de contact", "leads"),
    ("demandes-gestionnaires", "Demandes adressées à un gestionnaire", "leads_operator"),
    ("reponses", "Demandes de gestionnaires ayant reçu une réponse", "leads_responded"),
    ("projets-realises", "Projets réalisés", "projects_done"),
    ("suivi-oui", "Demandeurs recontactés selon le suivi à 30 jours", "followup_yes"),
    ("ambassadeurs", "Ambassadeurs publiés", "ambassadors_published"),
    ("telechargements", "Documents téléchargés", "downloads"),
]


@require_GET
def index(request):
    data = queries.statistics()
    charts = [monthly_chart(slug, title, data["series"], key) for slug, title, key in CHARTS]
    return render(
        request,
        "stats/index.html",
        {
            "data": data,
            "periods": [
                ("Depuis le lancement", data["since_launch"]),
                ("Sur les 12 derniers mois", data["last_12_months"]),
            ],
            "charts": charts,
        },
    )


@require_GET
def export_csv(request):
    data = queries.statistics()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        'attachment; filename="statistiques-france-chaleur-urbaine.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["month", *queries.SERIES_KEYS])
    for row in data["series"]:
        writer.writerow([row["month"].strftime("%Y-%m"), *(row[k] for k in queries.SERIES_KEYS)])
    return response


@require_GET
def export_json(request):
    data = queries.statistics()
    return JsonResponse(
        {
            "timezone": "Europe/Paris",
            "computed_at": data["computed_at"].isoformat(),
            "fields": dict(queries.SERIES),
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
