"""Answers while the database does not answer: 503, never a 500.

The public API answers JSON (`service_unavailable`), the pages the French page of
templates/503.html, which renders without the database (the context processors it runs read
settings only; `user` and `messages` stay lazy and are not read). A form whose POST could not be
saved says so: the visitor knows the request was not recorded and must be sent again.

`DatabaseUnavailableMiddleware` catches the errors of the views; `server_error` (handler500)
those raised elsewhere (a middleware saving the session). Any OperationalError or InterfaceError
counts: the connection is refused or lost, or the server is restarting.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import bad_request as default_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import permission_denied as default_permission_denied
from django.views.defaults import server_error as default_server_error

from chauffage.api import is_api_path

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60
API_MESSAGE = "Le service est momentanément indisponible. Réessayez dans quelques minutes."


def is_api(request) -> bool:
    """The machine-readable paths (public API, vector tiles, statistics as data) answer JSON."""
    return is_api_path(request.path)


def unavailable_response(request) -> HttpResponse:
    """The 503 answer: JSON for the API, the French page elsewhere, with Retry-After."""
    if is_api(request):
        response = JsonResponse(
            {"error": "service_unavailable", "message": API_MESSAGE}, status=503
        )
    else:
        context = {"not_saved": request.method == "POST"}
        html = loader.render_to_string("503.html", context, request=request)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.warning(
            "Database unavailable: 503 for %s %s (%s)",
            request.method,
            request.path,
            type(exception).__name__,
        )
        return unavailable_response(request)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the 503 for a database error raised outside a view; JSON for the API."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return unavailable_response(request)
    if is_api(request):
        return JsonResponse(
            {"error": "internal_error", "message": "Erreur inattendue du service."}, status=500
        )
    return default_server_error(request, template_name)


def not_found(request, exception, template_name="404.html"):
    """handler404: JSON for the API, the page elsewhere."""
    if is_api(request):
        return JsonResponse(
            {"error": "not_found", "message": "Aucune ressource de l’API à cette adresse."},
            status=404,
        )
    return page_not_found(request, exception, template_name)


def bad_request(request, exception, template_name="400.html"):
    """handler400 (a forbidden Host header, a malformed request): JSON for the API."""
    if is_api(request):
        return JsonResponse({"error": "bad_request", "message": "Requête invalide."}, status=400)
    return default_bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    """handler403: JSON for the API."""
    if is_api(request):
        return JsonResponse({"error": "forbidden", "message": "Accès refusé."}, status=403)
    return default_permission_denied(request, exception, template_name)
