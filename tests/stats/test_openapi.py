"""/stats.json and /stats.csv in the OpenAPI description (written statically in eligibility,
which imports no other app): the description must match what the exports give."""

import re

import pytest

from stats import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json()


def test_the_exports_are_described_with_their_filter_parameters(spec):
    for path in ["/stats.json", "/stats.csv"]:
        operation = spec["paths"][path]["get"]
        assert [p["name"] for p in operation["parameters"]] == ["region", "departement"]
        assert set(operation["responses"]) == {"200", "400", "429", "503"}
    assert "text/csv" in spec["paths"]["/stats.csv"]["get"]["responses"]["200"]["content"]


def test_the_described_series_are_the_exported_ones(spec, client):
    schema = spec["components"]["schemas"]["Statistics"]
    row = schema["properties"]["series"]["items"]
    assert row["required"] == ["month", *queries.SERIES_KEYS]
    fields = schema["properties"]["fields"]["properties"]
    assert {key: value["const"] for key, value in fields.items()} == dict(queries.SERIES)
    assert schema["properties"]["national_only"]["examples"] == [queries.NATIONAL_ONLY]
    assert row["properties"]["downloads"]["type"] == ["integer", "null"]
    exported = client.get("/stats.json", {"departement": "95"}).json()
    assert set(exported) == set(schema["required"])
    assert set(exported["territory"]) == {"type", "code", "name", "region"}


def test_the_described_parameters_accept_corsica_and_overseas_but_not_975(spec):
    parameters = spec["paths"]["/stats.json"]["get"]["parameters"]
    pattern = re.compile(parameters[1]["schema"]["pattern"])
    assert all(pattern.match(code) for code in ["95", "2A", "2b", "971", "976"])
    assert not pattern.match("977")
    assert not pattern.match("975")


def test_the_described_parameters_may_be_empty_as_the_page_sends_them(spec, client):
    for parameter in spec["paths"]["/stats.json"]["get"]["parameters"]:
        assert re.compile(parameter["schema"]["pattern"]).match("")
    response = client.get("/stats.json", {"region": "", "departement": ""})
    assert response.json()["territory"]["type"] == "france"
