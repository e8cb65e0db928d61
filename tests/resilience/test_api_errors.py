"""Every error of the API is JSON with a code, whatever raised it."""

import json


def test_an_unknown_api_address_answers_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_error_of_the_api_answers_a_json_500(rf):
    from chauffage.unavailable import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/api/v1/eligibility"))

    assert response.status_code == 500
    assert json.loads(response.content)["error"] == "internal_error"


def test_a_request_to_the_api_with_a_foreign_host_answers_a_json_400(client):
    response = client.get("/api/v1/eligibility", HTTP_HOST="ailleurs.example")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
