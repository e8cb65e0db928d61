from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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
    """For load balancers: 200 when the database answers, 503 otherwise. The address service is
    reported, never asked (a slow national API must not slow this answer down): "local" (the
    database), "ok", or "unavailable" while this process's breaker skips the national API."""
    from eligibility import geocoding

    if settings.GEOCODER == "local":
        geocoder = "local"
    else:
        geocoder = "unavailable" if geocoding.breaker.state() == "open" else "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse(
            {"status": "error", "database": "unavailable", "geocoder": geocoder}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "geocoder": geocoder})
