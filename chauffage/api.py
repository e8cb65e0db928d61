"""What every JSON endpoint of the public API shares: errors with a code, the method check and
the rate limit."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from chauffage import ratelimit

# Paths answered in JSON (or CSV, vector tiles…): their errors are JSON with a code too. The
# API's documentation page (/api/) is HTML.
_API_PREFIXES = ("/api/", "/tiles/")
_API_SUFFIXES = (".json", ".geojson", ".csv", ".pbf")


def json_error(code: str, message: str, *, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


def is_api_path(path: str) -> bool:
    if path == "/api/":
        return False
    return path.startswith(_API_PREFIXES) or path.endswith(_API_SUFFIXES)


def method_not_allowed(allowed: set[str]) -> JsonResponse:
    """The 405 of the API: a JSON error and the `Allow` header."""
    methods = sorted(allowed)
    response = json_error(
        "method_not_allowed",
        f"Méthode non acceptée : utilisez {' ou '.join(m for m in methods if m != 'HEAD')}.",
        status=405,
    )
    response["Allow"] = ", ".join(methods)
    return response


def allow_methods(*methods: str):
    """Refuses other methods with the API's JSON 405. The endpoint takes no cookie-authenticated
    action (read-only, or authenticated by a key): exempt from CSRF, whose 403 would otherwise
    answer a POST before the method check."""
    allowed = set(methods)

    def decorator(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                return method_not_allowed(allowed)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def rate_limited(request, limit: ratelimit.Limit) -> JsonResponse | None:
    """Counts the request; the 429 answer (with Retry-After) when the client is over `limit`."""
    wait = ratelimit.hit(request, limit)
    if not wait:
        return None
    response = json_error(
        "rate_limited", f"Trop de requêtes : réessayez dans {wait} secondes.", status=429
    )
    response["Retry-After"] = str(wait)
    return response


def api_endpoint(view):
    """GET only, rate limited per client, errors as JSON."""

    @allow_methods("GET", "HEAD")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        refused = rate_limited(request, ratelimit.from_setting("api", settings.RATELIMIT_API))
        if refused:
            return refused
        return view(request, *args, **kwargs)

    return wrapper
