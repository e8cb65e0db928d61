"""Throughput of bulk eligibility tests (contacts/bulk.py), each next to a baseline of the same
run: reading and writing the same CSV without geocoding nor eligibility.

Prerequisite: the national-scale synthetic dataset in the benchmark database
(`.venv/bin/python bench/generate.py`). Then:

    .venv/bin/python bench/bench_bulk.py [--latlon-rows 200000] [--address-rows 50000]

Two files are generated, deterministically (seed 1):

- points: `id;latitude;longitude`, positions of synthetic BAN addresses moved by up to 30 m
  (decimal commas on one row in ten, as French spreadsheets write them), plus 2 % of rows
  without usable coordinates;
- addresses: `ref;adresse`, labels of the synthetic BAN file (bench/data/adresses-synthetiques
  .csv.gz) as people type them: 55 % as published, 10 % lower case without accents, 10 %
  without postcode, 10 % with abbreviated street types ("av.", "bd", "all."), 5 % with a comma
  after the number, 5 % in capitals, 5 % of unknown streets.

Each file runs as a real job (stored upload, chunks of 5,000 rows, local geocoding, set-based
eligibility, CSV and map written, statistics recorded), in this process, on the benchmark
database, then its Excel copy (timed apart: a task of its own in production); the jobs, their
files and the statistics rows they add are removed afterwards.
Results are appended to docs/performance.md ("Bulk eligibility").
"""

import argparse
import csv
import gzip
import io
import os
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    ADDRESSES,
    BENCH_DATABASE,
    DATA_DIR,
    NETWORKS,
    SEED,
    database_url,
    machine_description,
    record,
)

ABBREVIATIONS = [
    ("Avenue ", "av. "),
    ("Boulevard ", "bd "),
    ("Allée ", "all. "),
    ("Place ", "pl. "),
    ("Impasse ", "imp. "),
    ("Route ", "rte "),
    ("Saint-", "St-"),
]


def _ascii_lower(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


def read_ban(limit: int, rng: random.Random) -> list[dict]:
    path = DATA_DIR / "adresses-synthetiques.csv.gz"
    if not path.exists():
        sys.exit("bench/data/adresses-synthetiques.csv.gz is missing: run bench/generate.py first.")
    with gzip.open(path, "rt", encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    rng.shuffle(rows)
    return rows[:limit]


def label(row: dict) -> str:
    number = f"{row['numero']}{' ' + row['rep'] if row['rep'] else ''} " if row["numero"] else ""
    return f"{number}{row['nom_voie']} {row['code_postal']} {row['nom_commune']}"


def vary(row: dict, rng: random.Random) -> tuple[str, str]:
    """(kind of variation, the address as typed)."""
    text = label(row)
    draw = rng.random()
    if draw < 0.55:
        return "as published", text
    if draw < 0.65:
        return "lower case, no accents", _ascii_lower(text)
    if draw < 0.75:
        return "no postcode", text.replace(f" {row['code_postal']} ", " ")
    if draw < 0.85:
        for long, short in ABBREVIATIONS:
            if long in text:
                return "abbreviated", text.replace(long, short, 1)
        return "as published", text
    if draw < 0.90 and row["numero"]:
        return "comma after number", text.replace(" ", ", ", 1)
    if draw < 0.95:
        return "capitals", text.upper()
    return (
        "unknown street",
        f"{row['numero'] or 1} rue Imaginaire {rng.randint(1, 99)} 00000 Nullepart",
    )


def latlon_file(rows: int, ban: list[dict], rng: random.Random) -> bytes:
    out = io.StringIO()
    out.write("id;latitude;longitude\n")
    for index in range(rows):
        if rng.random() < 0.02:
            out.write(f"{index};;\n" if index % 2 else f"{index};n/a;n/a\n")
            continue
        row = ban[index % len(ban)]
        lat = float(row["lat"]) + rng.uniform(-0.00027, 0.00027)
        lon = float(row["lon"]) + rng.uniform(-0.0004, 0.0004)
        lat_text, lon_text = f"{lat:.6f}", f"{lon:.6f}"
        if index % 10 == 0:
            lat_text, lon_text = lat_text.replace(".", ","), lon_text.replace(".", ",")
        out.write(f"{index};{lat_text};{lon_text}\n")
    return out.getvalue().encode("utf-8")


def address_file(rows: int, ban: list[dict], rng: random.Random) -> tuple[bytes, dict]:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["ref", "adresse"])
    kinds: dict[str, int] = {}
    for index in range(rows):
        kind, text = vary(ban[index % len(ban)], rng)
        kinds[kind] = kinds.get(kind, 0) + 1
        writer.writerow([f"L{index}", text])
    return out.getvalue().encode("utf-8"), kinds


def baseline(data: bytes) -> float:
    """Rows per second of reading the file as a job does and writing the same number of
    columns, without geocoding nor eligibility."""
    from contacts.bulk import RESULT_HEADERS, neutralise
    from contacts.bulk_files import data_rows, inspect

    started = time.perf_counter()
    inspection = inspect(data)
    columns, rows = data_rows(data, inspection.encoding, inspection.delimiter)
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([*columns, *RESULT_HEADERS])
        filler = [""] * len(RESULT_HEADERS)
        for row in rows:
            writer.writerow([neutralise(value) for value in [*row, *filler]])
            count += 1
    return count / (time.perf_counter() - started)


def run_job(organisation, name: str, data: bytes) -> tuple[float, float, "object"]:
    from contacts import bulk
    from contacts.models import BulkJob

    job = bulk.create_job(organisation=organisation, name=name, data=data)
    BulkJob.objects.filter(pk=job.pk).update(status=BulkJob.Status.QUEUED)
    # The Excel copy, a task of its own once the job is done, is timed apart (no worker here).
    bulk._enqueue_xlsx = lambda job_id: None
    started = time.perf_counter()
    outcome = bulk.run(job.pk)
    elapsed = time.perf_counter() - started
    if outcome != "done":
        sys.exit(f"The job failed: {BulkJob.objects.get(pk=job.pk).failure_reason}")
    started = time.perf_counter()
    if bulk.build_xlsx(job.pk) != "done":
        sys.exit("The Excel copy failed.")
    xlsx_elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return elapsed, xlsx_elapsed, job


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latlon-rows", type=int, default=200_000)
    parser.add_argument("--address-rows", type=int, default=50_000)
    parser.add_argument("--no-record", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()

    media = tempfile.TemporaryDirectory(prefix="bench-bulk-")
    os.environ.update(
        {
            "DATABASE_URL": database_url(BENCH_DATABASE),
            "DJANGO_ENV": "dev",
            "DJANGO_SETTINGS_MODULE": "chauffage.settings",
            "MEDIA_ROOT": media.name,
            "GEOCODER": "local",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.db import connection

    from contacts.models import BulkJob, Organisation
    from eligibility.models import EligibilityCheck

    rng = random.Random(SEED)
    ban = read_ban(max(args.latlon_rows, args.address_rows), rng)
    load_average = os.getloadavg()[0]
    print(f"Files: {args.latlon_rows} points, {args.address_rows} addresses…", flush=True)
    points = latlon_file(args.latlon_rows, ban, rng)
    addresses, kinds = address_file(args.address_rows, ban, rng)

    organisation, _ = Organisation.objects.get_or_create(
        name="Banc d’essai des tests en masse", defaults={"kind": Organisation.Kind.OPERATOR}
    )
    last_check = EligibilityCheck.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    from django.utils import timezone

    bench_start = timezone.now()
    results = []
    try:
        for title, name, data in [
            ("lat/lon", "points.csv", points),
            ("addresses, local geocoding", "adresses.csv", addresses),
        ]:
            print(f"{title}: baseline…", flush=True)
            base = baseline(data)
            print(f"{title}: job…", flush=True)
            elapsed, xlsx_elapsed, job = run_job(organisation, name, data)
            rate = job.total_rows / elapsed
            print(
                f"{title}: {job.total_rows} rows in {elapsed:.1f} s, {rate:,.0f} rows/s", flush=True
            )
            results.append((title, job, elapsed, rate, base, len(data), xlsx_elapsed))
    finally:
        for job in BulkJob.objects.filter(organisation=organisation):
            for field in (job.input_file, job.result_csv, job.result_xlsx, job.map_points):
                if field:
                    field.storage.delete(field.name)
        BulkJob.objects.filter(organisation=organisation).delete()
        organisation.delete()
        # Only the rows these jobs added (created now, after the last one before the run).
        EligibilityCheck.objects.filter(
            pk__gt=last_check, channel="bulk", created_at__gte=bench_start
        ).delete()
        connection.close()
        media.cleanup()

    table = [
        "| file | rows | size | job (s) | rows/s | baseline rows/s | ratio | Excel copy (s) | tested | geocoded | eligible | not tested |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for title, job, elapsed, rate, base, size, xlsx_elapsed in results:
        table.append(
            f"| {title} | {job.total_rows:,} | {size / 2**20:.1f} MB | {elapsed:.1f} | {rate:,.0f} "
            f"| {base:,.0f} | {rate / base:.2f} | {xlsx_elapsed:.1f} | {job.tested_rows:,} "
            f"| {job.geocoded_rows:,} | {job.eligible_rows:,} | {job.rejected_rows:,} |"
        )
    table = "\n".join(table)
    variations = ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items()))
    command = (
        f"`.venv/bin/python bench/bench_bulk.py --latlon-rows {args.latlon_rows} "
        f"--address-rows {args.address_rows}`"
    )
    description = (
        f"{command} — {machine_description()}, load average {load_average:.1f} at start; "
        f"synthetic national dataset, seed {SEED} ({NETWORKS:,} heat networks, "
        f"{ADDRESSES:,} BAN addresses). A job is the whole of `contacts.bulk.run`: reading the "
        "stored upload, chunks of 5,000 rows, geocoding (local BAN, set-based), "
        "`rules.evaluate_many`, the result CSV, the map sample and the statistics rows; the "
        "Excel copy, written afterwards by a task of its own, is timed apart. Baseline: reading the same file and writing a CSV of the same width, "
        f"in the same run. Address variations: {variations}."
    )
    print(table)
    if not args.no_record:
        record("Bulk eligibility", description, table)


if __name__ == "__main__":
    main()
