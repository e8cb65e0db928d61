"""A NUL byte in a URL (`%00`), which PostgreSQL refuses in any text value, is a bad request
(400, in French; JSON with a code for the API), never a server error: every URL pattern of the
project is tried with one in each of its path segments and in its query string."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from tests.contacts.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL = "\x00"
ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>(?:[^()]|\([^()]*\))*)\)")


def _slot(name: str, kind: str) -> str:
    return f"{{{name}:{kind}}}"


def _route_template(pattern) -> str:
    """The pattern as a template whose parameters are `{name:kind}` (kind: int, choice or text)."""
    if isinstance(pattern, RoutePattern):
        return ROUTE_PARAMETER.sub(
            lambda m: _slot(m["name"], "int" if m["converter"] == "int" else "text"),
            str(pattern),
        )
    assert isinstance(pattern, RegexPattern)
    regex = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match):
        inner = match["regex"]
        if inner == r"\d+":
            return _slot(match["name"], "int")
        if re.fullmatch(r"[\w|]+", inner):  # alternatives, e.g. the admin's app labels
            return _slot(match["name"], "choice=" + inner.split("|")[0])
        return _slot(match["name"], "text")

    return REGEX_GROUP.sub(group, regex)


def every_url_template(resolver=None, prefix="") -> list[str]:
    resolver = resolver or get_resolver()
    templates = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            templates += every_url_template(entry, prefix + _route_template(entry.pattern))
        elif isinstance(entry, URLPattern):
            templates.append("/" + prefix + _route_template(entry.pattern))
    return sorted(set(templates))


PARAMETER = re.compile(r"\{(?P<name>\w+):(?P<kind>int|text|choice=\w+)\}")


def fill(template: str, nul_in: str | None) -> str:
    """A concrete path: the parameter `nul_in` holds a NUL byte, the others a plausible value."""

    def value(match):
        kind = match["kind"]
        if match["name"] == nul_in:
            return quote(f"9502C{NUL}")
        if kind == "int":
            return "1"
        if kind.startswith("choice="):
            return kind.removeprefix("choice=")
        return "9502C"

    return PARAMETER.sub(value, template)


def nul_urls() -> list[str]:
    urls = set()
    for template in every_url_template():
        names = [m["name"] for m in PARAMETER.finditer(template)]
        for name in names:
            urls.add(fill(template, name))
        plain = fill(template, None)
        urls.add(plain + "?reseau=" + quote(NUL))
        urls.add(plain + "?reseau=" + quote(f"9502C{NUL}") + "&q=" + quote(f"a{NUL}b"))
    return sorted(urls)


def test_the_crawl_covers_the_urls_of_every_app():
    templates = every_url_template()
    for expected in [
        "/reseaux/{network_id:text}",
        "/api/v1/networks/{network_id:text}",
        "/ambassadeurs/confirmer/{token:text}/",
        "/ressources/{slug:text}/",
        "/admin/prospects/",
        "/admin/test-en-masse/{pk:int}/telecharger/{fmt:text}/",
        "/admin/contacts/lead/{object_id:text}/change/",
    ]:
        assert expected in templates


@pytest.fixture(scope="module")
def _clients():
    return Client(raise_request_exception=False), Client(raise_request_exception=False)


@pytest.fixture
def clients(_clients):
    """A visitor, and a superuser in the back office (who reaches every admin view)."""
    visitor, admin = _clients
    visitor.cookies.clear()
    admin.cookies.clear()
    admin.force_login(UserFactory(username="technique", is_superuser=True))
    return visitor, admin


def test_no_url_of_the_project_fails_on_a_nul_byte(clients):
    visitor, admin = clients
    failures = []
    for url in nul_urls():
        for who, method in [(visitor, "get"), (admin, "get"), (admin, "post")]:
            status = getattr(who, method)(url).status_code
            if status >= 500:
                failures.append(f"{method.upper()} {url} → {status}")
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize(
    "url",
    [
        "/reseaux/9502C%00",
        "/reseaux-en-construction/9502C%00",
        "/demande/abc%00/",
        "/ambassadeurs/gerer/abc%00/",
        "/carte/?reseau=%00",
    ],
)
def test_a_nul_byte_in_a_page_address_gets_the_french_400_page(clients, url):
    response = clients[0].get(url)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Requête invalide" in html and "caractère nul" in html
    assert 'class="fr-header"' in html


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/networks/9502C%00",
        "/api/v1/networks/9502C%00.geojson",
        "/api/v1/ambassadors.geojson?reseau=%00",
        "/api/v1/eligibility?address=15%00allee",
        "/stats.json?region=1%00",
    ],
)
def test_a_nul_byte_in_an_api_address_is_a_json_400_with_a_code(clients, url):
    response = clients[0].get(url, HTTP_ORIGIN="https://exemple.fr")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameters"
    assert "caractère nul" in response.json()["message"]
    if url.startswith("/api/"):
        assert response["Access-Control-Allow-Origin"] == "*"
