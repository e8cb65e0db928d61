"""The back-office pages of bulk tests: upload, preview with corrected roles, launch, progress,
downloads, map; isolation between organisations; API keys in the admin."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts.models import ApiToken, BulkJob
from tests.bulk.helpers import run_job
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db

FILE = f"ref;y;x\nA;{SARCELLES[0]};{SARCELLES[1]}\nB;49.0265;2.2195\n"


def upload(client, text=FILE, name="points.csv"):
    content = text.encode() if isinstance(text, str) else text
    return client.post("/admin/test-en-masse/nouveau/", {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_correct_the_roles_launch_and_download(dalkia_client, dalkia, run_tasks):
    response = upload(dalkia_client)
    job = BulkJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/test-en-masse/{job.pk}/apercu/"
    assert job.status == "draft" and job.organisation == dalkia

    page = dalkia_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "UTF-8" in html and "point-virgule" in html
    assert '<label for="role_1">y</label>' in html
    assert f"<td>{SARCELLES[0]}</td>" in html

    # "y" and "x" are not recognised: the user gives their roles.
    with run_tasks():
        launched = dalkia_client.post(
            response["Location"], {"role_0": "", "role_1": "lat", "role_2": "lon"}
        )
    assert launched["Location"] == f"/admin/test-en-masse/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.mapping == {"lat": 1, "lon": 2}

    detail = dalkia_client.get(launched["Location"]).content.decode()
    assert "2 lignes : 2 testées, dont <strong>1 éligible</strong>" in detail
    csv_response = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/telecharger/csv/")
    assert (
        csv_response["Content-Disposition"] == f'attachment; filename="resultat-test-{job.pk}.csv"'
    )
    assert "existing_very_close" in b"".join(csv_response.streaming_content).decode("utf-8-sig")
    status = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/etat.json").json()
    assert (status["status"], status["percent"]) == ("done", 100)
    points = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/points.json").json()
    assert points["total"] == 2 and points["points"][0] == [48.97444, 2.37251, 1]
    map_page = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/carte/").content.decode()
    assert "2 points testés" in map_page


def test_a_preview_without_a_usable_role_says_so_and_does_not_launch(dalkia_client):
    upload(dalkia_client)
    job = BulkJob.objects.get()
    response = dalkia_client.post(
        f"/admin/test-en-masse/{job.pk}/apercu/", {"role_0": "", "role_1": "", "role_2": ""}
    )
    assert response.status_code == 200
    assert "Aucune colonne exploitable" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "draft"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"PK\x03\x04\x14\x00", "classeur.csv", "enregistrez-le au format CSV"),
        (b"%PDF-1.7\n\x00\x01", "plan.csv", "données binaires"),
        (b"nom;commentaire\nA;B\n", "sans-adresse.csv", "aucune colonne exploitable"),
        (b"adresse\n1 rue X\n", "photo.jpg", "Déposez un fichier .csv ou .txt"),
    ],
)
def test_bad_files_get_a_french_message_on_the_upload_page(dalkia_client, content, name, message):
    response = upload(dalkia_client, content, name)
    html = response.content.decode().replace("&#x27;", "’").replace("&rsquo;", "’")
    if message == "aucune colonne exploitable":
        # The file is readable: the preview says which roles are missing.
        job = BulkJob.objects.get()
        html = dalkia_client.post(f"/admin/test-en-masse/{job.pk}/apercu/", {}).content.decode()
        message = "Aucune colonne exploitable"
    else:
        assert response.status_code == 200
        assert BulkJob.objects.count() == 0
    assert message in html


def test_the_list_shows_the_organisations_jobs_only(dalkia_client, dalkia, coriance, run_tasks):
    own = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks, name="les-notres.csv")
    run_job(coriance, FILE.replace("y;x", "lat;lon"), run_tasks, name="les-autres.csv")

    html = dalkia_client.get("/admin/test-en-masse/").content.decode()
    assert f"Test n° {own.pk}" in html and "les-notres.csv" in html
    assert "les-autres.csv" not in html
    admin_list = dalkia_client.get("/admin/contacts/bulkjob/").content.decode()
    assert "les-notres.csv" in admin_list and "les-autres.csv" not in admin_list


@pytest.mark.parametrize(
    "suffix",
    [
        "",
        "apercu/",
        "etat.json",
        "telecharger/csv/",
        "telecharger/xlsx/",
        "telecharger/source/",
        "carte/",
        "points.json",
    ],
)
def test_another_organisations_job_is_a_404_by_every_url(
    dalkia_client, coriance, run_tasks, suffix
):
    other = run_job(coriance, FILE.replace("y;x", "lat;lon"), run_tasks)
    response = dalkia_client.get(f"/admin/test-en-masse/{other.pk}/{suffix}")
    assert response.status_code == 404
    assert dalkia_client.post(f"/admin/test-en-masse/{other.pk}/relancer/").status_code == 404
    assert dalkia_client.get(f"/admin/contacts/bulkjob/{other.pk}/change/").status_code == 404


def test_the_national_team_sees_every_organisations_jobs(client, national_user, dalkia, run_tasks):
    from tests.bulk.conftest import log_in

    job = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks)
    log_in(client, national_user, verified=True)
    assert client.get(f"/admin/test-en-masse/{job.pk}/").status_code == 200


def test_the_pages_need_a_staff_session(client, dalkia, run_tasks):
    job = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks)
    for url in ["/admin/test-en-masse/", f"/admin/test-en-masse/{job.pk}/telecharger/csv/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_running_job_shows_its_progress_and_refreshes_without_javascript(dalkia_client, dalkia):
    from django.utils import timezone

    job = BulkJob.objects.create(
        organisation=dalkia,
        original_name="gros-fichier.csv",
        status=BulkJob.Status.RUNNING,
        total_rows=200_000,
        rows_done=50_000,
        started_at=timezone.now() - timezone.timedelta(seconds=20),
        progress_at=timezone.now(),
    )
    html = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/").content.decode()
    assert '<progress id="bulk-progress" max="200000" value="50000">25 %</progress>' in html
    assert "environ 1 min" in html
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    assert "bulk_progress.js" in html


def test_an_operator_creates_an_api_key_shown_once_and_stored_hashed(dalkia_client, dalkia):
    response = dalkia_client.post(
        "/admin/contacts/apitoken/add/", {"name": "Outil SIG"}, follow=True
    )
    html = response.content.decode()
    key = re.search(r'<code id="api-key">(fcu_[\w-]+)</code>', html).group(1)
    token = ApiToken.objects.get()
    assert token.organisation == dalkia and token.key_hash == ApiToken.digest(key)
    again = dalkia_client.get(f"/admin/contacts/apitoken/{token.pk}/change/").content.decode()
    assert key not in again


def test_an_operator_revokes_its_key_and_cannot_see_another_organisations(
    dalkia_client, dalkia, coriance
):
    from tests.bulk.conftest import make_token

    own, _ = make_token(dalkia)
    other, _ = make_token(coriance, name="Clé de Coriance")
    listing = dalkia_client.get("/admin/contacts/apitoken/").content.decode()
    assert "Outil SIG" in listing and "Clé de Coriance" not in listing
    assert dalkia_client.get(f"/admin/contacts/apitoken/{other.pk}/change/").status_code == 404

    dalkia_client.post(
        "/admin/contacts/apitoken/",
        {"action": "revoke", "_selected_action": [own.pk, other.pk]},
    )
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.revoked_at is not None
    assert other.revoked_at is None


def test_the_page_says_the_excel_copy_is_being_prepared(
    dalkia_client, dalkia, run_tasks, monkeypatch
):
    from contacts import bulk

    monkeypatch.setattr(bulk, "_enqueue_xlsx", lambda job_id: None)
    job = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks)
    html = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/").content.decode()
    assert "La version Excel est en préparation" in html
    assert "telecharger/xlsx/" not in html
    assert "bulk_progress.js" in html

    bulk.build_xlsx(job.pk)
    html = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/").content.decode()
    assert "telecharger/xlsx/" in html and "en préparation" not in html


def test_a_staff_member_without_an_organisation_cannot_launch_a_test(client, db):
    from contacts import groups
    from tests.contacts.factories import UserFactory

    groups.sync_groups()
    user = UserFactory(username="sans.organisme")
    client.force_login(user)
    response = client.post(
        "/admin/test-en-masse/nouveau/", {"file": SimpleUploadedFile("a.csv", FILE.encode())}
    )
    assert "rattaché à aucun organisme" in response.content.decode()
    assert BulkJob.objects.count() == 0


def test_the_rerun_button_runs_a_failed_test_again_on_the_same_file(
    dalkia_client, dalkia, run_tasks, monkeypatch
):
    from contacts import bulk

    monkeypatch.setattr(bulk, "evaluate_many", lambda points: 1 / 0)
    job = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks)
    html = dalkia_client.get(f"/admin/test-en-masse/{job.pk}/").content.decode()
    assert "Le test a échoué : Erreur inattendue" in html
    assert "Relancer le test sur le même fichier" in html

    monkeypatch.undo()
    with run_tasks():
        response = dalkia_client.post(f"/admin/test-en-masse/{job.pk}/relancer/")
    assert response["Location"] == f"/admin/test-en-masse/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done" and job.eligible_rows == 1


def test_uploads_and_results_are_not_reachable_by_a_public_url(client, dalkia, run_tasks, settings):
    from pathlib import Path

    job = run_job(dalkia, FILE.replace("y;x", "lat;lon"), run_tasks)
    stored = Path(job.input_file.path)
    assert stored.is_file()
    assert Path(settings.STATIC_ROOT) not in stored.parents
    for name in (job.input_file.name, job.result_csv.name):
        assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
        assert client.get(f"{settings.MEDIA_URL}bulk/{name}").status_code == 404


def test_the_national_team_creates_a_key_for_an_operator(client, national_user, coriance):
    from tests.bulk.conftest import log_in

    log_in(client, national_user, verified=True)
    response = client.post(
        "/admin/contacts/apitoken/add/",
        {"name": "Flux SIG de Coriance", "organisation": coriance.pk},
        follow=True,
    )
    assert "Clé créée pour Coriance Villiers-le-Bel" in response.content.decode()
    assert ApiToken.objects.get().organisation == coriance
