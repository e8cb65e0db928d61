"""Bulk eligibility tests: a file of addresses or points, tested in the background.

`create_job` stores the upload (never lost: a failed run keeps it, and the job can run again),
`launch` queues it with the roles of its columns, `run` (the task of contacts/tasks.py) reads it
in chunks of CHUNK_ROWS rows: geocoding of the addresses (`geocoding.geocode_many`, set-based),
then eligibility of the points (`rules.evaluate_many`, one query per chunk), progress saved after
each chunk. The result keeps every input row and column, adds the verdict's columns, and says
why a row could not be tested; CSV (UTF-8 with BOM, `;`) and XLSX, plus a sample of the points
for the map. Each tested row counts in /stats as channel "bulk" (anonymous: commune, category,
distance, network), recorded with the job's completion.
"""

import csv
import json
import logging
import math
import os
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from openpyxl import Workbook

from contacts.bulk_files import BulkFileError, check_mapping, data_rows, inspect, parse_mapping
from contacts.models import BulkJob
from contacts.routing import CATEGORY_LABELS
from eligibility import geocoding
from eligibility.models import EligibilityCheck
from eligibility.rules import evaluate_many

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000  # rows per chunk: geocoding and eligibility run set-based on a chunk
# Database connections that test a chunk's points together (one thread each): PostgreSQL does
# most of the work, on as many cores.
EVALUATION_CONNECTIONS = 2
MAP_POINTS = 20_000  # points drawn on the map at most (an even sample beyond)
STALLED_AFTER = timedelta(minutes=15)  # a running job without progress for this long can re-run
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

RESULT_HEADERS = [
    "adresse trouvée",
    "score de géocodage",
    "latitude retenue",
    "longitude retenue",
    "catégorie",
    "code catégorie",
    "éligible",
    "distance au réseau (m)",
    "identifiant du réseau",
    "nom du réseau",
    "gestionnaire du réseau",
    "motif (ligne non testée)",
]
NUMERIC_RESULT_COLUMNS = (1, 2, 3, 7)  # score, latitude, longitude, distance
GEOCODER_DOWN = (
    "Le service national d’adresses est indisponible : aucune adresse n’a pu être géocodée. "
    "Relancez le test plus tard."
)
UNEXPECTED = (
    "Erreur inattendue pendant le traitement. Le fichier déposé est conservé : relancez le test ; "
    "si l’échec se répète, écrivez à l’équipe nationale en indiquant le n° du test."
)


# --- Creating and launching -----------------------------------------------------------------


def create_job(*, organisation, name: str, data: bytes, user=None, api_token=None) -> BulkJob:
    """Checks the file (BulkFileError) and stores it as a job to launch, with the roles guessed
    from the column names."""
    inspection = inspect(data)
    job = BulkJob(
        organisation=organisation,
        created_by=user,
        api_token=api_token,
        original_name=(os.path.basename(name or "") or "fichier.csv")[:255],
        size_bytes=len(data),
        encoding=inspection.encoding,
        delimiter=inspection.delimiter,
        columns=inspection.columns,
        mapping=inspection.mapping,
        total_rows=inspection.total_rows,
    )
    job.input_file.save("entree.csv", ContentFile(data), save=False)
    job.save()
    return job


def preview(job: BulkJob):
    """The stored file's inspection (first rows) for the preview page."""
    with job.input_file.open("rb") as file:
        return inspect(file.read())


def launch(job: BulkJob, mapping) -> BulkJob:
    """Sets the roles of the columns (checked: BulkFileError) and queues the job."""
    mapping = parse_mapping(mapping, len(job.columns))
    updated = BulkJob.objects.filter(pk=job.pk, status=BulkJob.Status.DRAFT).update(
        mapping=mapping, status=BulkJob.Status.QUEUED
    )
    if not updated:
        raise BulkFileError("already_launched", "Ce test a déjà été lancé.")
    job.refresh_from_db()
    _enqueue(job)
    return job


def can_rerun(job: BulkJob, *, now=None) -> bool:
    now = now or timezone.now()
    if job.status in {BulkJob.Status.DONE, BulkJob.Status.FAILED}:
        return True
    stalled_since = job.progress_at or job.started_at
    return (
        job.status == BulkJob.Status.RUNNING
        and stalled_since is not None
        and now - stalled_since > STALLED_AFTER
    )


def rerun(job: BulkJob) -> BulkJob:
    """Queues a finished, failed or stalled job again, on the same stored file."""
    if not can_rerun(job):
        raise BulkFileError("not_rerunnable", "Ce test est en cours : attendez qu’il se termine.")
    _delete_results(job)
    BulkJob.objects.filter(pk=job.pk).update(
        status=BulkJob.Status.QUEUED,
        rows_done=0,
        geocoded_rows=0,
        tested_rows=0,
        eligible_rows=0,
        rejected_rows=0,
        failure_reason="",
        started_at=None,
        progress_at=None,
        finished_at=None,
        result_csv="",
        result_xlsx="",
        map_points="",
    )
    job.refresh_from_db()
    _enqueue(job)
    return job


def _enqueue(job: BulkJob) -> None:
    from contacts.tasks import run_bulk_job

    transaction.on_commit(lambda: run_bulk_job.enqueue(job.pk))


def _enqueue_xlsx(job_id: int) -> None:
    """Queues the Excel copy; the job is done whatever happens here (its page then offers the
    CSV and says that the Excel copy could not be prepared)."""
    from contacts.tasks import build_bulk_xlsx

    try:
        build_bulk_xlsx.enqueue(job_id)
    except Exception:
        logger.exception("The Excel copy of bulk job %s could not be queued.", job_id)


def build_xlsx(job_id: int) -> str:
    """Writes the Excel copy of a finished job's CSV result."""
    job = BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.DONE).first()
    if job is None or not job.result_csv or job.result_xlsx:
        return "skipped"
    storage = job.result_csv.storage
    name = storage.get_available_name(_new_name("resultat", "xlsx"))
    try:
        write_xlsx(storage.path(job.result_csv.name), storage.path(name))
    except Exception:
        logger.exception("Excel copy of bulk job %s failed.", job_id)
        storage.delete(name)
        return "failed"
    updated = BulkJob.objects.filter(
        pk=job_id, status=BulkJob.Status.DONE, result_csv=job.result_csv.name
    ).update(result_xlsx=name)
    if not updated:  # re-run meanwhile: this copy belongs to no result any more
        storage.delete(name)
        return "skipped"
    return "done"


def xlsx_pending(job: BulkJob, *, now=None) -> bool:
    """The Excel copy of a finished job is still being written (for a while after the end)."""
    now = now or timezone.now()
    return (
        job.status == BulkJob.Status.DONE
        and not job.result_xlsx
        and job.finished_at is not None
        and now - job.finished_at < STALLED_AFTER
    )


def _delete_results(job: BulkJob) -> None:
    for field in (job.result_csv, job.result_xlsx, job.map_points):
        if field:
            field.storage.delete(field.name)


# --- Running --------------------------------------------------------------------------------


def run(job_id: int) -> str:
    """Runs a queued job to the end; a failure marks it failed with a reason in French."""
    now = timezone.now()
    claimed = BulkJob.objects.filter(pk=job_id, status=BulkJob.Status.QUEUED).update(
        status=BulkJob.Status.RUNNING,
        started_at=now,
        progress_at=now,
        runs=F("runs") + 1,
        failure_reason="",
    )
    if not claimed:
        return "skipped"
    job = BulkJob.objects.get(pk=job_id)
    try:
        _process(job)
    except Exception as error:
        if isinstance(error, BulkFileError):
            reason = error.message
        elif isinstance(error, geocoding.GeocoderError):
            reason = GEOCODER_DOWN
        else:
            reason = UNEXPECTED
        logger.exception("Bulk job %s failed.", job_id)
        _delete_results(job)
        BulkJob.objects.filter(pk=job_id).update(
            status=BulkJob.Status.FAILED,
            failure_reason=reason,
            finished_at=timezone.now(),
            result_csv="",
            result_xlsx="",
            map_points="",
        )
        return "failed"
    return "done"


class _Counters:
    def __init__(self):
        self.rows = self.geocoded = self.tested = self.eligible = self.rejected = 0


def _parse_coordinate(value: str, low: float, high: float) -> float | None:
    text = (value or "").strip().replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _prepare(row: list[str], width: int, mapping: dict, delimiter: str):
    """(values, point (lat, lon, citycode) | None, address query | None, reason | None)."""
    reason = None
    if len(row) != width:
        reason = f"Ligne mal formée : {len(row)} colonne(s) au lieu de {width}"
        values = row[:width] + [""] * (width - len(row))
        if len(row) > width:  # nothing is dropped: the extra cells stay in the last column
            values[-1] = delimiter.join(row[width - 1 :])
        return values, None, None, reason

    def cell(role):
        return row[mapping[role]].strip() if role in mapping else ""

    citycode = cell("citycode")
    if "lat" in mapping:
        lat_text, lon_text = cell("lat"), cell("lon")
        if lat_text or lon_text:
            lat = _parse_coordinate(lat_text, -90, 90)
            lon = _parse_coordinate(lon_text, -180, 180)
            if lat is None or lon is None:
                return row, None, None, "Coordonnées invalides (latitude, longitude en degrés)"
            return row, (lat, lon, citycode if len(citycode) == 5 else ""), None, None
    if "address" in mapping:
        query = cell("address")
    else:
        query = " ".join(
            part
            for part in (cell("number"), cell("street"), cell("postcode"), cell("city"))
            if part
        )
    if not query:
        if "lat" in mapping and "address" not in mapping and "street" not in mapping:
            return row, None, None, "Coordonnées absentes"
        return row, None, None, geocoding.EMPTY_REASON
    return row, None, query, None


def _result_columns(address, point, verdict, reason):
    if verdict is None:
        return ["", "", "", "", "", "", "", "", "", "", "", reason or ""]
    network = verdict.network
    return [
        address.label if address else "",
        round(address.score, 2) if address else "",
        round(point[0], 6),
        round(point[1], 6),
        CATEGORY_LABELS.get(verdict.category, verdict.category),
        verdict.category,
        "oui" if verdict.eligible else "non",
        verdict.distance_m if verdict.distance_m is not None else "",
        network.id if network else "",
        network.name if network else "",
        network.operator if network else "",
        "",
    ]


def process_chunk(rows, *, width: int, mapping: dict, delimiter: str, counters: _Counters):
    """The output rows of a chunk, the verdicts to record and the points for the map."""
    prepared = [_prepare(row, width, mapping, delimiter) for row in rows]
    queries = [(i, query) for i, (_, _, query, _) in enumerate(prepared) if query]
    geocoded = {}
    if queries:
        # The same address several times in a file (lots of one building) is looked up once.
        distinct = list(dict.fromkeys(query for _, query in queries))
        answers = dict(zip(distinct, geocoding.geocode_many(distinct), strict=True))
        for i, query in queries:
            geocoded[i] = answers[query]
    points = []
    for i, (_, point, _, _) in enumerate(prepared):
        answer = geocoded.get(i)
        if isinstance(answer, geocoding.GeocodedAddress):
            point = (answer.lat, answer.lon, answer.citycode)
            counters.geocoded += 1
        if point is not None:
            points.append(
                (i, point, answer if isinstance(answer, geocoding.GeocodedAddress) else None)
            )
    distinct_points = list(dict.fromkeys(point for _, point, _ in points))
    verdicts = evaluate_many(distinct_points, connections=EVALUATION_CONNECTIONS)
    verdict_of = dict(zip(distinct_points, verdicts, strict=True))
    by_row = {i: (point, address, verdict_of[point]) for i, point, address in points}
    output, checks, map_points = [], [], []
    for i, (values, _, _, reason) in enumerate(prepared):
        counters.rows += 1
        if i in by_row:
            point, address, verdict = by_row[i]
            counters.tested += 1
            counters.eligible += verdict.eligible
            checks.append(
                (
                    verdict.citycode,
                    verdict.category,
                    verdict.eligible,
                    verdict.distance_m,
                    verdict.network.id if verdict.network else "",
                )
            )
            map_points.append((round(point[0], 5), round(point[1], 5), int(verdict.eligible)))
            output.append([*values, *_result_columns(address, point, verdict, None)])
        else:
            counters.rejected += 1
            answer = geocoded.get(i)
            if isinstance(answer, geocoding.NotGeocoded):
                reason = answer.reason
            output.append([*values, *_result_columns(None, None, None, reason)])
    return output, checks, map_points


def neutralise(value):
    """Text a spreadsheet would read as a formula made inert; numbers (-61.07) stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        try:
            if math.isfinite(float(value.replace(",", "."))):
                return value
        except ValueError:
            pass
        return "'" + value
    return value


def _new_name(kind: str, extension: str) -> str:
    return f"resultats/{timezone.now():%Y/%m}/{kind}-{secrets.token_hex(16)}.{extension}"


def _process(job: BulkJob) -> None:
    storage = job.input_file.storage
    with job.input_file.open("rb") as file:
        data = file.read()
    columns, rows = data_rows(data, job.encoding, job.delimiter)
    del data
    width = len(job.columns)
    mapping = {role: int(index) for role, index in job.mapping.items()}
    check_mapping(mapping, width)
    counters = _Counters()
    checks, map_points = [], []
    csv_name = storage.get_available_name(_new_name("resultat", "csv"))
    csv_path = storage.path(csv_name)
    os.makedirs(os.path.dirname(csv_path), exist_ok=True)
    headers = [*job.columns, *RESULT_HEADERS]
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([neutralise(value) for value in headers])
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                _write_chunk(job, chunk, writer, width, mapping, counters, checks, map_points)
                chunk = []
        if chunk:
            _write_chunk(job, chunk, writer, width, mapping, counters, checks, map_points)
    points_name = storage.get_available_name(_new_name("points", "json"))
    with open(storage.path(points_name), "w", encoding="utf-8") as out:
        json.dump(_sample(map_points), out, separators=(",", ":"))
    with transaction.atomic():
        EligibilityCheck.record_many(checks, channel=EligibilityCheck.Channel.BULK)
        BulkJob.objects.filter(pk=job.pk).update(
            status=BulkJob.Status.DONE,
            finished_at=timezone.now(),
            progress_at=timezone.now(),
            total_rows=counters.rows,
            rows_done=counters.rows,
            geocoded_rows=counters.geocoded,
            tested_rows=counters.tested,
            eligible_rows=counters.eligible,
            rejected_rows=counters.rejected,
            result_csv=csv_name,
            result_xlsx="",
            map_points=points_name,
        )
        # The Excel copy is written by another task: the CSV, the map and the figures are ready
        # without waiting for it (openpyxl writes about 2,000 to 5,000 rows a second).
        transaction.on_commit(lambda: _enqueue_xlsx(job.pk))


def _write_chunk(job, chunk, writer, width, mapping, counters, checks, map_points):
    output, chunk_checks, chunk_points = process_chunk(
        chunk, width=width, mapping=mapping, delimiter=job.delimiter, counters=counters
    )
    writer.writerows([neutralise(value) for value in row] for row in output)
    checks += chunk_checks
    map_points += chunk_points
    BulkJob.objects.filter(pk=job.pk).update(
        rows_done=counters.rows,
        geocoded_rows=counters.geocoded,
        tested_rows=counters.tested,
        eligible_rows=counters.eligible,
        rejected_rows=counters.rejected,
        progress_at=timezone.now(),
    )


def write_xlsx(csv_path: str, xlsx_path: str) -> None:
    """The XLSX copy of a result CSV (openpyxl, write-only): numbers stay numbers, text is
    neutralised (it already is in the CSV)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Résultats")
    with open(csv_path, encoding="utf-8-sig", newline="") as source:
        reader = csv.reader(source, delimiter=";")
        header = next(reader)
        sheet.append(header)
        first_result = len(header) - len(RESULT_HEADERS)
        # score, latitude, longitude, distance
        numeric_columns = [first_result + k for k in NUMERIC_RESULT_COLUMNS]
        for row in reader:
            for index in numeric_columns:
                if index < len(row) and row[index]:
                    row[index] = float(row[index]) if "." in row[index] else int(row[index])
            sheet.append(row)
    workbook.save(xlsx_path)


def _sample(points: list) -> dict:
    step = max(1, math.ceil(len(points) / MAP_POINTS))
    shown = points[::step]
    return {"total": len(points), "shown": len(shown), "points": shown}


def map_data(job: BulkJob) -> dict:
    if not job.map_points:
        return {"total": 0, "shown": 0, "points": []}
    with job.map_points.open("rb") as file:
        return json.loads(file.read())


def duration_label(seconds: int | None) -> str:
    """ "environ 2 min 30 s", "moins d’une minute"…; "" when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "moins d’une minute"
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"environ {hours} h {minutes:02d} min"
    return f"environ {minutes} min" + (f" {rest:02d} s" if minutes < 10 else "")


def _paris_iso(moment) -> str | None:
    """ISO 8601 with the Europe/Paris offset (2026-03-02T00:30:00+01:00), like every time shown."""
    return timezone.localtime(moment).isoformat() if moment else None


def status_json(job: BulkJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "file_name": job.original_name,
        "total_rows": job.total_rows,
        "rows_done": job.rows_done,
        "percent": job.percent,
        "seconds_left": job.seconds_left,
        "time_left": duration_label(job.seconds_left),
        "tested_rows": job.tested_rows,
        "eligible_rows": job.eligible_rows,
        "rejected_rows": job.rejected_rows,
        "created_at": _paris_iso(job.created_at),
        "started_at": _paris_iso(job.started_at),
        "finished_at": _paris_iso(job.finished_at),
        "failure_reason": job.failure_reason or None,
        "xlsx_ready": bool(job.result_xlsx),
        "xlsx_pending": xlsx_pending(job),
    }
