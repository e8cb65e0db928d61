"""While the database does not answer: the API answers what the in-memory index knows, and JSON
503 otherwise; pages and forms answer the French 503 page; /healthz answers 503."""

import pytest

from eligibility import index, recording
from tests.contacts.conftest import lead_form_data
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded_index(fresh_index):
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    index.current()


def test_the_api_answers_coordinates_from_the_in_memory_index(client, loaded_index, database_down):
    response = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "existing_very_close"
    assert body["network"]["id"] == "9502C"


def test_the_test_answered_without_the_database_waits_in_memory_to_be_recorded(
    client, loaded_index, database_down
):
    client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    assert [row[3] for row in recording._batches.pending] == ["existing_very_close"]


def test_the_api_answers_a_json_503_for_an_address(client, loaded_index, database_down):
    response = client.get("/api/v1/eligibility", {"address": "15 allée Paul Dukas Sarcelles"})
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "service_unavailable",
        "message": "Le service est momentanément indisponible. Réessayez dans quelques minutes.",
    }
    assert response["Retry-After"] == "60"


def test_the_api_answers_a_json_503_when_the_index_was_never_loaded(
    client, fresh_index, database_down
):
    response = client.get("/api/v1/eligibility", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"


def test_the_address_autocomplete_answers_a_json_503(client, database_down):
    response = client.get("/api/v1/addresses", {"q": "allée Paul Dukas"})
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"


def test_a_page_answers_the_french_503_page(client, database_down):
    response = client.get("/reseaux/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "<h1>Service momentanément indisponible</h1>" in html
    assert "Réessayez dans quelques minutes." in html
    assert "fr-header" in html  # the DSFR layout
    assert "n’a pas été enregistrée" not in html


def test_a_contact_request_that_could_not_be_saved_says_so(client, database_down):
    data = lead_form_data()
    response = client.post("/demande-de-contact/", data)
    html = response.content.decode()
    assert response.status_code == 503
    assert "Votre demande n’a pas été enregistrée" in html
    assert "Envoyez-la de nouveau dans quelques minutes." in html


def test_healthz_answers_503_when_the_database_refuses_connections(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_the_statistics_as_data_answer_a_json_503(client, database_down):
    response = client.get("/stats.json")
    assert response.status_code == 503
    assert response.json()["error"] == "service_unavailable"


def test_every_operation_of_the_openapi_description_documents_its_503(client):
    description = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method, operation)
        for path, methods in description["paths"].items()
        for method, operation in methods.items()
    ]
    missing = [(path, method) for path, method, op in operations if "503" not in op["responses"]]
    assert operations and missing == []
    assert (
        "service_unavailable"
        in description["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    )


def test_the_rate_limit_is_still_applied_per_process_while_its_cache_is_down(
    client, loaded_index, database_down, settings
):
    settings.RATELIMIT_API = "2/60"
    point = {"lat": SARCELLES[0], "lon": SARCELLES[1]}

    statuses = [client.get("/api/v1/eligibility", point).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_a_database_error_outside_a_view_answers_the_503_page(rf):
    from django.db import OperationalError

    from chauffage.unavailable import server_error

    request = rf.post("/demande-de-contact/")
    try:
        raise OperationalError("the session could not be saved")
    except OperationalError:
        response = server_error(request)  # as Django calls handler500, in the except block

    assert response.status_code == 503
    assert "Votre demande n’a pas été enregistrée" in response.content.decode()


def test_after_a_failure_the_rate_limit_does_not_ask_its_cache_at_each_request(
    client, loaded_index, database_down, settings
):
    point = {"lat": SARCELLES[0], "lon": SARCELLES[1]}
    client.get("/api/v1/eligibility", point)  # the rate limit's cache fails

    before = database_down.attempts
    client.get("/api/v1/eligibility", point)
    with_limit = database_down.attempts - before
    settings.RATELIMIT_API = "0/60"  # no limit: only the index's version check connects
    before = database_down.attempts
    client.get("/api/v1/eligibility", point)
    without_limit = database_down.attempts - before

    assert with_limit == without_limit
