"""Running bulk jobs: geocoding, eligibility, results kept row for row, progress, statistics,
failures and re-runs."""

import io

import pytest
from openpyxl import load_workbook

from contacts import bulk
from contacts.models import BulkJob
from eligibility import geocoding
from eligibility.models import EligibilityCheck
from eligibility.rules import evaluate
from tests.backoffice.conftest import VILLIERS
from tests.bulk.helpers import result_rows, run_job
from tests.eligibility.factories import PARIS_15, SARCELLES, TAVERNY

pytestmark = pytest.mark.django_db

POINTS = [SARCELLES, VILLIERS, TAVERNY, PARIS_15]


def latlon_file(points) -> str:
    return "id;latitude;longitude\n" + "".join(
        f"{i};{lat};{lon}\n" for i, (lat, lon) in enumerate(points, start=1)
    )


def test_a_lat_lon_file_gets_the_verdicts_of_evaluate_row_for_row(
    dalkia, villiers_network, run_tasks
):
    job = run_job(dalkia, latlon_file(POINTS), run_tasks)

    assert job.status == BulkJob.Status.DONE
    rows = result_rows(job)
    assert [row["id"] for row in rows] == ["1", "2", "3", "4"]
    for row, (lat, lon) in zip(rows, POINTS, strict=True):
        verdict = evaluate(lat=lat, lon=lon)
        assert row["code catégorie"] == verdict.category
        assert row["distance au réseau (m)"] == (
            str(verdict.distance_m) if verdict.distance_m is not None else ""
        )
        assert row["identifiant du réseau"] == (verdict.network.id if verdict.network else "")
    assert rows[0]["code catégorie"] == "existing_very_close"
    assert rows[0]["distance au réseau (m)"] == "48"
    assert rows[0]["nom du réseau"] == "Grand Ensemble Sarcelles-Locheres"
    assert rows[0]["gestionnaire du réseau"] == "DALKIA Paris la Defense"
    assert rows[0]["éligible"] == "oui"
    assert rows[2]["code catégorie"] == "too_far" and rows[2]["éligible"] == "non"
    assert (job.total_rows, job.tested_rows, job.eligible_rows, job.rejected_rows) == (4, 4, 2, 0)


def test_an_address_file_is_geocoded_on_the_local_ban_with_the_usual_variations(
    dalkia, demo_addresses, run_tasks
):
    text = (
        "adresse\n"
        "15 Allée Paul Dukas 95200 Sarcelles\n"
        "15 allee paul dukas sarcelles\n"  # no postcode, no accent
        "17, All. PAUL-DUKAS 95200 SARCELLES\n"  # abbreviation, punctuation, capitals
        "12 avenue de Nulle Part 99999 Inconnue\n"
    )
    job = run_job(dalkia, text, run_tasks)

    rows = result_rows(job)
    assert [row["adresse trouvée"] for row in rows] == [
        "15 Allée Paul Dukas 95200 Sarcelles",
        "15 Allée Paul Dukas 95200 Sarcelles",
        "17 Allée Paul Dukas 95200 Sarcelles",
        "",
    ]
    assert rows[0]["score de géocodage"] == "1.0"
    assert 0.5 <= float(rows[1]["score de géocodage"]) < 1
    assert rows[0]["code catégorie"] == "existing_very_close"
    assert rows[0]["latitude retenue"] == "48.974443"
    assert rows[3]["motif (ligne non testée)"] == "Adresse introuvable"
    assert rows[3]["adresse"] == "12 avenue de Nulle Part 99999 Inconnue"
    assert (job.geocoded_rows, job.tested_rows, job.rejected_rows) == (3, 3, 1)


def test_address_parts_are_put_together_and_geocoded(dalkia, demo_addresses, run_tasks):
    text = "numero;voie;cp;ville\n15;Allée Paul Dukas;95200;Sarcelles\n;;;\n17;allée paul dukas;;Sarcelles\n"
    job = run_job(dalkia, text, run_tasks)

    rows = result_rows(job)
    assert [row["adresse trouvée"] for row in rows] == [
        "15 Allée Paul Dukas 95200 Sarcelles",
        "17 Allée Paul Dukas 95200 Sarcelles",
    ]


def test_garbage_rows_are_kept_in_the_result_with_their_reason(dalkia, run_tasks):
    text = (
        "ref;latitude;longitude\n"
        "A;48.974443;2.372514\n"
        "B;quarante-huit;deux\n"
        "C;48,974443;2,372514\n"  # decimal commas, as French spreadsheets write them
        "D;91;2.37\n"
        "E;48.97;2.37;en trop\n"
        "F\n"
        "G;;\n"
        '=HYPERLINK("http://example.com");48.97;2.37\n'
    )
    job = run_job(dalkia, text, run_tasks)

    rows = result_rows(job)
    assert [row["ref"] for row in rows] == [
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
        "G",
        '\'=HYPERLINK("http://example.com")',
    ]
    reasons = [row["motif (ligne non testée)"] for row in rows]
    assert reasons == [
        "",
        "Coordonnées invalides (latitude, longitude en degrés)",
        "",
        "Coordonnées invalides (latitude, longitude en degrés)",
        "Ligne mal formée : 4 colonne(s) au lieu de 3",
        "Ligne mal formée : 1 colonne(s) au lieu de 3",
        "Coordonnées absentes",
        "",
    ]
    assert rows[4]["longitude"] == "2.37;en trop"  # nothing is dropped
    assert rows[2]["code catégorie"] == rows[0]["code catégorie"] == "existing_very_close"
    assert (job.total_rows, job.tested_rows, job.rejected_rows) == (8, 3, 5)


def test_progress_is_saved_after_each_chunk(dalkia, run_tasks, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 2)
    seen = []
    process_chunk = bulk.process_chunk

    def spying(rows, **kwargs):
        job = BulkJob.objects.get()
        seen.append((job.status, job.rows_done, job.total_rows))
        return process_chunk(rows, **kwargs)

    monkeypatch.setattr(bulk, "process_chunk", spying)
    job = run_job(dalkia, latlon_file([SARCELLES] * 5), run_tasks)

    assert seen == [("running", 0, 5), ("running", 2, 5), ("running", 4, 5)]
    assert (job.status, job.rows_done, job.percent) == ("done", 5, 100)
    assert job.started_at <= job.finished_at


def test_time_left_is_estimated_from_the_pace_so_far(dalkia):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    job = BulkJob(
        organisation=dalkia,
        status=BulkJob.Status.RUNNING,
        total_rows=10_000,
        rows_done=2_500,
        started_at=now - timedelta(seconds=30),
        progress_at=now,
    )
    assert job.seconds_left == 90
    assert job.percent == 25
    assert bulk.duration_label(job.seconds_left) == "environ 1 min 30 s"


def test_each_tested_row_counts_in_the_statistics_as_bulk_without_personal_data(dalkia, run_tasks):
    run_job(dalkia, latlon_file([SARCELLES, TAVERNY]) + "3;x;y\n", run_tasks)

    checks = EligibilityCheck.objects.order_by("pk")
    assert [(c.channel, c.category, c.eligible, c.network_id) for c in checks] == [
        ("bulk", "existing_very_close", True, "9502C"),
        ("bulk", "too_far", False, ""),
    ]
    assert checks[0].distance_m == 48


def test_the_excel_result_keeps_numbers_and_neutralises_formulas(dalkia, run_tasks):
    text = "nom;latitude;longitude\n=1+1;48.974443;2.372514\n@SOMME(A1);14.6037;-61.0731\n"
    job = run_job(dalkia, text, run_tasks)

    with job.result_xlsx.open("rb") as file:
        sheet = load_workbook(io.BytesIO(file.read()), read_only=True).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:3] == ["nom", "latitude", "longitude"]
    first = dict(zip(header, rows[1], strict=True))
    second = dict(zip(header, rows[2], strict=True))
    assert first["nom"] == "'=1+1"
    assert second["nom"] == "'@SOMME(A1)"
    assert second["longitude"] == "-61.0731"  # a number is no formula: kept as typed
    assert first["distance au réseau (m)"] == 48
    assert first["latitude retenue"] == pytest.approx(48.974443)
    assert first["éligible"] == "oui"


def test_a_crash_marks_the_job_failed_keeps_the_file_and_a_rerun_finishes_it(
    dalkia, run_tasks, monkeypatch
):
    def broken(points):
        raise RuntimeError("database gone")

    monkeypatch.setattr(bulk, "evaluate_many", broken)
    job = run_job(dalkia, latlon_file([SARCELLES]), run_tasks)

    assert job.status == BulkJob.Status.FAILED
    assert "Erreur inattendue" in job.failure_reason
    assert not job.result_csv
    assert job.input_file.storage.exists(job.input_file.name)
    assert EligibilityCheck.objects.count() == 0

    monkeypatch.undo()
    with run_tasks():
        bulk.rerun(job)
    job.refresh_from_db()
    assert (job.status, job.runs, job.failure_reason) == ("done", 2, "")
    assert result_rows(job)[0]["code catégorie"] == "existing_very_close"


def test_an_unavailable_address_service_fails_the_job_with_a_french_reason(
    dalkia, run_tasks, monkeypatch
):
    def unavailable(queries):
        raise geocoding.GeocoderError("down")

    monkeypatch.setattr(geocoding, "geocode_many", unavailable)
    job = run_job(dalkia, "adresse\n15 allée Paul Dukas 95200 Sarcelles\n", run_tasks)

    assert job.status == BulkJob.Status.FAILED
    assert job.failure_reason.startswith("Le service national d’adresses est indisponible")


def test_a_running_job_cannot_be_rerun_until_it_stalls(dalkia):
    from datetime import timedelta

    from django.utils import timezone

    from contacts.bulk_files import BulkFileError

    now = timezone.now()
    job = BulkJob.objects.create(
        organisation=dalkia, status=BulkJob.Status.RUNNING, started_at=now, progress_at=now
    )
    with pytest.raises(BulkFileError):
        bulk.rerun(job)
    assert bulk.can_rerun(job, now=now + bulk.STALLED_AFTER + timedelta(seconds=1))


def test_repeated_addresses_and_points_are_looked_up_once_and_reported_on_every_row(
    dalkia, demo_addresses, run_tasks, monkeypatch
):
    asked = {"queries": [], "points": []}
    geocode_many, evaluate_many = geocoding.geocode_many, bulk.evaluate_many

    def counting_geocode(queries):
        asked["queries"].append(list(queries))
        return geocode_many(queries)

    def counting_evaluate(points, **options):
        asked["points"].append(list(points))
        return evaluate_many(points, **options)

    monkeypatch.setattr(geocoding, "geocode_many", counting_geocode)
    monkeypatch.setattr(bulk, "evaluate_many", counting_evaluate)
    text = "lot;adresse\n" + "".join(f"{n};15 allée Paul Dukas 95200 Sarcelles\n" for n in range(3))
    job = run_job(dalkia, text, run_tasks)

    assert asked["queries"] == [["15 allée Paul Dukas 95200 Sarcelles"]]
    assert len(asked["points"]) == 1 and len(asked["points"][0]) == 1
    rows = result_rows(job)
    assert [row["code catégorie"] for row in rows] == ["existing_very_close"] * 3
    assert EligibilityCheck.objects.count() == 3  # each tested row counts
