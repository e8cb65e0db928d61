"""What Django otherwise does on the first request of each process, done once in gunicorn's master.

gunicorn loads the application in its master before forking the workers (`preload_app`), but
Django imports the URL configuration (and with it every view module), reads the translation
catalogues and compiles templates lazily, at the first request that needs them: every new worker
paid about 0.2 to 0.4 s on its first request, and a worker restarted by `max_requests` under load
showed in the tail latency of every endpoint. Done here, before the fork, the workers inherit it.
"""

import logging
import time

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def project_templates() -> list[str]:
    """The names of the project's own templates (templates/ and the apps' templates/), pages and
    emails, without the admin's (compiled by the back office's first requests only)."""
    names = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*")):
            if path.suffix in {".html", ".txt"} and path.is_file():
                names.append(path.relative_to(directory).as_posix())
    return names


def warm() -> dict[str, int]:
    """Imports the URL configuration and the views, loads the translations of the site's language
    and compiles the project's templates. Returns what was done, for the log."""
    started = time.perf_counter()
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports the URL configuration and every view module)
    resolver.reverse_dict  # noqa: B018 (builds the reverse() tables of every namespace)
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Accueil")  # reads the catalogues of every installed application
    names = project_templates()
    for name in names:
        get_template(name)  # a syntax error stops the start, as it would fail its pages
    logger.info(
        "Warmed up in %.2f s: URL configuration, translations, %d templates",
        time.perf_counter() - started,
        len(names),
    )
    return {"templates": len(names)}
