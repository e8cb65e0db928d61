"""The bulk API: keys, isolation between organisations, bad files, status and results."""

import json

import pytest
from django.utils import timezone

from contacts.models import ApiToken, BulkJob
from tests.bulk.conftest import make_token
from tests.bulk.helpers import run_job
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility/bulk"
FILE = f"ref,lat,lon\nA,{SARCELLES[0]},{SARCELLES[1]}\n"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_file(client, key, text=FILE, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("points.csv", text.encode(), content_type="text/csv")
    return client.post(URL, {"file": upload, **extra}, **(bearer(key) if key else {}))


@pytest.mark.parametrize("key", [None, "fcu_wrong", "Basic dXNlcjpwYXNz"])
def test_a_missing_or_wrong_key_is_a_401_in_json(client, dalkia, key):
    headers = {}
    if key and key.startswith("Basic"):
        headers = {"HTTP_AUTHORIZATION": key}
    elif key:
        headers = bearer(key)
    response = client.post(URL, {"file": ""}, **headers)

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert BulkJob.objects.count() == 0


def test_a_revoked_key_is_refused(client, dalkia):
    token, key = make_token(dalkia)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert post_file(client, key).status_code == 401


def test_only_the_digest_of_a_key_is_stored(dalkia):
    token, key = make_token(dalkia)
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in {stored.key_hash, stored.key_prefix, stored.name}
    assert stored.key_hash == ApiToken.digest(key)


def test_a_file_is_accepted_then_its_status_and_results_are_reachable_with_the_key(
    client, dalkia, dalkia_key, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, dalkia_key)

    assert response.status_code == 202
    body = response.json()
    job = BulkJob.objects.get(pk=body["id"])
    assert job.organisation == dalkia and job.api_token.last_used_at is not None
    assert body["status_url"] == f"http://testserver/api/v1/eligibility/bulk/{job.pk}"
    assert response["Location"] == f"/api/v1/eligibility/bulk/{job.pk}"

    status = client.get(body["status_url"], **bearer(dalkia_key)).json()
    assert status["status"] == "done"
    assert (status["rows_done"], status["total_rows"], status["eligible_rows"]) == (1, 1, 1)
    csv_response = client.get(status["results"]["csv"], **bearer(dalkia_key))
    assert csv_response.status_code == 200
    content = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert "existing_very_close" in content and content.startswith("ref;lat;lon;")
    xlsx = client.get(status["results"]["xlsx"], **bearer(dalkia_key))
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content).startswith(b"PK")


def test_a_csv_body_with_a_mapping_by_column_names_is_accepted(
    client, dalkia, dalkia_key, django_capture_on_commit_callbacks
):
    text = f"y;x;nom\n{SARCELLES[0]};{SARCELLES[1]};Résidence\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL + "?mapping=" + json.dumps({"lat": "y", "lon": "x"}),
            data=text.encode("cp1252"),
            content_type="text/csv",
            **bearer(dalkia_key),
        )
    assert response.status_code == 202
    job = BulkJob.objects.get()
    assert job.mapping == {"lat": 0, "lon": 1}
    assert job.encoding == "cp1252" and job.status == "done"


def test_another_organisations_job_is_a_404(client, dalkia, coriance, coriance_key, run_tasks):
    job = run_job(dalkia, FILE, run_tasks)

    for url in [f"{URL}/{job.pk}", f"{URL}/{job.pk}/resultat.csv", f"{URL}/{job.pk}/resultat.xlsx"]:
        response = client.get(url, **bearer(coriance_key))
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


def test_a_job_that_is_not_finished_has_no_results_yet(client, dalkia, dalkia_key):
    job = BulkJob.objects.create(organisation=dalkia, status=BulkJob.Status.QUEUED)
    assert client.get(f"{URL}/{job.pk}", **bearer(dalkia_key)).json()["results"] is None
    response = client.get(f"{URL}/{job.pk}/resultat.csv", **bearer(dalkia_key))
    assert response.status_code == 409
    assert response.json()["error"] == "not_ready"


@pytest.mark.parametrize(
    ("text", "extra", "code"),
    [
        ("", {}, "empty_file"),
        ("nom;commentaire\nA;B\n", {}, "no_usable_column"),
        (FILE, {"mapping": "{pas du json"}, "invalid_mapping"),
        (FILE, {"mapping": json.dumps({"lat": "inconnue", "lon": "lon"})}, "invalid_mapping"),
    ],
)
def test_a_bad_file_is_a_400_with_a_code_and_nothing_is_kept(
    client, dalkia, dalkia_key, media_root, text, extra, code
):
    response = post_file(client, dalkia_key, text, **extra)

    assert response.status_code == 400
    assert response.json()["error"] == code
    assert response.json()["message"]
    assert BulkJob.objects.count() == 0
    stored = media_root / "bulk"
    assert not stored.exists() or not any(path.is_file() for path in stored.rglob("*"))


def test_a_request_without_a_file_is_a_400(client, dalkia, dalkia_key):
    response = client.post(URL, {"autre": "x"}, **bearer(dalkia_key))
    assert response.status_code == 400
    assert response.json()["error"] == "missing_file"
    response = client.post(URL, data=b"{}", content_type="application/json", **bearer(dalkia_key))
    assert response.json()["error"] == "unsupported_media_type"


def test_a_file_too_large_is_a_413(client, dalkia, dalkia_key, settings):
    settings.BULK_MAX_BYTES = 20
    response = client.post(URL, data=FILE.encode(), content_type="text/csv", **bearer(dalkia_key))
    assert response.status_code == 413
    assert response.json()["error"] == "file_too_large"


def test_the_bulk_api_is_rate_limited(client, dalkia, dalkia_key, settings):
    settings.RATELIMIT_BULK_API = "2/60"
    codes = [client.get(f"{URL}/999", **bearer(dalkia_key)).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


def test_the_openapi_description_documents_the_bulk_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert set(spec["paths"]["/api/v1/eligibility/bulk"]) == {"post"}
    assert "get" in spec["paths"]["/api/v1/eligibility/bulk/{id}"]
    assert spec["components"]["securitySchemes"]["bulkToken"]["scheme"] == "bearer"
    responses = spec["paths"]["/api/v1/eligibility/bulk"]["post"]["responses"]
    assert {"202", "400", "401", "413", "429"} <= set(responses)


def test_the_excel_result_is_announced_only_once_written(
    client, dalkia, dalkia_key, run_tasks, monkeypatch
):
    from contacts import bulk

    monkeypatch.setattr(bulk, "_enqueue_xlsx", lambda job_id: None)
    job = run_job(dalkia, FILE, run_tasks)
    status = client.get(f"{URL}/{job.pk}", **bearer(dalkia_key)).json()
    assert set(status["results"]) == {"csv"} and status["xlsx_pending"]
    assert client.get(f"{URL}/{job.pk}/resultat.xlsx", **bearer(dalkia_key)).status_code == 409

    assert bulk.build_xlsx(job.pk) == "done"
    status = client.get(f"{URL}/{job.pk}", **bearer(dalkia_key)).json()
    assert set(status["results"]) == {"csv", "xlsx"} and status["xlsx_ready"]
