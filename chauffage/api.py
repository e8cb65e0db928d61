"""What every JSON endpoint of the public API shares: errors with a code, and the rate limit."""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse

from chauffage import ratelimit


def json_error(code: str, message: str, *, status: int, **extra) -> JsonResponse:
    return JsonResponse({"error": code, "message": message, **extra}, status=status)


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

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in {"GET", "HEAD"}:
            response = json_error(
                "method_not_allowed", "Seule la méthode GET est acceptée.", status=405
            )
            response["Allow"] = "GET, HEAD"
            return response
        refused = rate_limited(request, ratelimit.from_setting("api", settings.RATELIMIT_API))
        if refused:
            return refused
        return view(request, *args, **kwargs)

    return wrapper
