"""Security headers that Django 5.2 does not set by itself: CSP (with a nonce) and
Permissions-Policy."""

import secrets

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            # The admin's map widgets run inline scripts of django-leaflet.
            script_src = "'self' 'unsafe-inline'"
        else:
            script_src = f"'self' 'nonce-{request.csp_nonce}'"
        tiles = _origin(settings.MAP_TILES_URL)
        matomo = _origin(settings.MATOMO_URL) if settings.MATOMO_URL else ""
        response.headers.setdefault(
            "Content-Security-Policy",
            "; ".join(
                [
                    "default-src 'self'",
                    f"script-src {script_src} {matomo}".strip(),
                    "style-src 'self' 'unsafe-inline'",
                    f"img-src 'self' data: blob: {tiles}",
                    "font-src 'self' data:",
                    f"connect-src 'self' {matomo}".strip(),
                    "frame-ancestors 'none'",
                    "form-action 'self'",
                    "base-uri 'self'",
                    "object-src 'none'",
                ]
            ),
        )
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()"
        )
        return response


def _origin(url_template: str) -> str:
    """The CSP source of a tile URL template: `https://{s}.tile.x.fr/…` → `https://*.tile.x.fr`."""
    scheme, _, rest = url_template.partition("://")
    host = rest.split("/", 1)[0].replace("{s}", "*")
    return f"{scheme}://{host}" if host else ""
