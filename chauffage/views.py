from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chauffage.api import is_api_path, json_error

# Static information pages: (URL name, template, title). The site map lists them.
INFORMATION_PAGES = {
    "accessibility": ("pages/accessibilite.html", "Déclaration d’accessibilité"),
    "legal_notice": ("pages/mentions_legales.html", "Mentions légales"),
    "personal_data": ("pages/donnees_personnelles.html", "Données personnelles"),
    "cookies": ("pages/cookies.html", "Gestion des cookies"),
}


@require_GET
def information_page(request, page):
    template, title = INFORMATION_PAGES[page]
    return render(request, template, {"title": title})


@require_GET
def sitemap(request):
    return render(request, "pages/plan_du_site.html")


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception):
    """handler404: the API's JSON error for an unknown API address, the DSFR page otherwise."""
    if is_api_path(request.path):
        return json_error("not_found", "Aucune ressource de l’API à cette adresse.", status=404)
    return defaults.page_not_found(request, exception)
