import base64
import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    """The Debian Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must still allow the ORM.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# A 1×1 transparent PNG: map tiles never leave the machine during tests.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records console errors in `page.console_errors`; map tiles
    are answered by a blank one."""
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.route(
        "https://*.tile.openstreetmap.fr/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )
    page.console_errors = []
    page.on(
        "console", lambda message: message.type == "error" and page.console_errors.append(message)
    )
    page.on("pageerror", lambda error: page.console_errors.append(error))
    yield page
    context.close()


def serious_accessibility_violations(page):
    """axe-core's serious and critical violations on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


@pytest.fixture(autouse=True)
def local_geocoder(request, settings):
    """Tests never reach the network: the geocoder is the project's own BAN copy in PostGIS,
    unless a test is marked `real_geocoder` (it then points the client at a loopback server)."""
    if "real_geocoder" not in request.keywords:
        settings.GEOCODER = "local"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and cached geocoder answers never leak from one test to another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
