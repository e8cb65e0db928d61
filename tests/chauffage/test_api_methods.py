"""A wrong method on the API (/api/*) gets the documented JSON 405 with an `Allow` header, even
from a client that sends no CSRF token (every client of an API): never Django's CSRF 403 page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

GET_ONLY = [
    "/api/",
    "/api/v1/eligibility?lat=48.97&lon=2.37",
    "/api/v1/addresses?q=allee",
    "/api/v1/ping",
    "/api/v1/networks/9502C",
    "/api/v1/networks/9502C.geojson",
    "/api/v1/openapi.json",
    "/api/v1/ambassadors.geojson",
    "/api/v1/eligibility/bulk/1",
    "/api/v1/eligibility/bulk/1/resultat.csv",
    "/stats.json",
    "/stats.csv",
    "/tiles/heat/10/518/351.pbf",
]


@pytest.fixture(scope="module")
def api_client():
    """A client that enforces CSRF as a browser-less caller meets it in production."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", GET_ONLY)
def test_a_wrong_method_on_a_read_only_endpoint_is_a_json_405(api_client, url, method):
    response = getattr(api_client, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "method_not_allowed"
    assert "utilisez GET" in response.json()["message"]
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_the_bulk_creation_accepts_post_only(api_client, method):
    response = getattr(api_client, method)("/api/v1/eligibility/bulk")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "POST"


def test_a_post_without_csrf_token_reaches_the_bulk_api_key_check(api_client):
    response = api_client.post("/api/v1/eligibility/bulk")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
