"""Load test of the public statistics (/stats/, filtered by région or département, /stats.json),
side by side with a trivial JSON endpoint of the same app (/api/v1/ping), in one run: in steady
state, and across a refresh of the figures by the task worker.

Prerequisite: the national-scale synthetic dataset in the benchmark database
(`.venv/bin/python bench/generate.py`). Then:

    .venv/bin/python bench/bench_stats.py [--duration 15] [--connections 8]

When the benchmark database holds fewer than 1,000,000 eligibility tests or 50,000 leads, the
script first adds the missing ones with `manage.py generate_synthetic_activity` (fictitious
activity, refused on a database with real leads). Then it times `manage.py refresh_statistics`
alone: the computation of every territory's figures, which a visitor never waits for once
figures exist (it is what the very first visit, or a visit after an hour without any refresh,
would wait).

gunicorn is started exactly as `make run` starts it (gunicorn.conf.py, workers from the CPU
count) on 127.0.0.1, with the shared cache on the local Redis as in production, without the API
rate limit (one client sends everything) and without worker restarts; wrk drives it from the
loopback, each endpoint with the same load.

1. Steady state: figures just computed; each visitor reads one stored row.
2. Across a refresh: the stored figures are aged 35 minutes, `manage.py db_worker` (the task
   worker `make run` starts) runs next to gunicorn; the first visitor queues the refresh task,
   the worker computes new figures on the same two cores while wrk keeps loading /stats/. The
   script checks that the figures were indeed recomputed during the run.

Results are appended to docs/performance.md ("Statistics page") with the command.
"""

import argparse
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import (  # noqa: E402
    PYTHON,
    connect,
    machine_description,
    migrate,
    record,
)

# Not the other benchmarks' port: they may run on the same machine at another moment.
PORT = 8766
CHECKS = 1_000_000
LEADS = 50_000
AGED_MINUTES = 35  # older than the 30 minutes after which a visit queues a refresh
REGIONS = ["11", "84", "93", "53", "75", "76", "94", "04"]
DEPARTEMENTS = ["95", "75", "93", "69", "13", "33", "59", "67", "31", "44", "2A", "974"]


def run_wrk(name, paths, **options) -> dict:
    return common.run_wrk(name, paths, port=PORT, **options)


def manage(*args: str) -> None:
    """`manage.py <args>` on the benchmark database, with the server's cache (the local Redis):
    the refresh clears the "refresh queued" flag the server's visitors set."""
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=common.server_env(PORT), capture_output=True,
        text=True,
    )  # fmt: skip
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} a échoué (code {result.returncode}).")


def count(table: str) -> int:
    with connect() as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608


def ensure_activity() -> tuple[int, int]:
    checks, leads = count("eligibility_eligibilitycheck"), count("contacts_lead")
    if checks < CHECKS or leads < LEADS:
        print(f"Adding synthetic activity: {CHECKS - min(checks, CHECKS)} tests, "
              f"{LEADS - min(leads, LEADS)} leads…", flush=True)  # fmt: skip
        manage(
            "generate_synthetic_activity",
            "--checks", str(max(CHECKS - checks, 0)),
            "--leads", str(max(LEADS - leads, 0)),
        )  # fmt: skip
        checks, leads = count("eligibility_eligibilitycheck"), count("contacts_lead")
    return checks, leads


def computed_at() -> dt.datetime:
    with connect() as connection:
        return connection.execute(
            "SELECT computed_at FROM stats_statisticssnapshot WHERE territory = 'france'"
        ).fetchone()[0]


def age_figures(minutes: int) -> None:
    with connect() as connection:
        connection.execute(
            "UPDATE stats_statisticssnapshot SET computed_at = computed_at - %s * interval '1 minute'",
            [minutes],
        )


def start(command: list[str]) -> subprocess.Popen:
    return common.start(command, common.server_env(PORT))


def endpoints() -> dict[str, list[str]]:
    rng = random.Random(1)
    filtered = [f"/stats/?region={code}" for code in REGIONS] + [
        f"/stats/?departement={code}" for code in DEPARTEMENTS
    ]
    rng.shuffle(filtered)
    return {
        "ping (trivial)": ["/api/v1/ping"],
        "/stats/ (France)": ["/stats/"],
        "/stats/ filtered (8 régions, 12 départements)": filtered,
        "/stats.json (France and filters)": ["/stats.json"]
        + [path.replace("/stats/", "/stats.json") for path in filtered],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-record", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    migrate()
    checks, leads = ensure_activity()
    started = time.monotonic()
    manage("refresh_statistics")
    cold_seconds = time.monotonic() - started
    print(f"{checks} tests, {leads} leads; figures of every territory computed in "
          f"{cold_seconds:.1f} s", flush=True)  # fmt: skip

    paths = endpoints()
    results = {}
    refresh = {}
    server = common.start_gunicorn(PORT, common.server_env(PORT))
    try:
        with tempfile.TemporaryDirectory() as workdir:
            for name, endpoint_paths in paths.items():  # warm-up: connections, caches
                run_wrk(
                    name, endpoint_paths, duration=3, connections=args.connections, workdir=workdir
                )
            for name, endpoint_paths in paths.items():
                results[name] = run_wrk(
                    name, endpoint_paths, duration=args.duration,
                    connections=args.connections, workdir=workdir,
                )  # fmt: skip
            # Across a refresh: aged figures, the task worker running as `make run` runs it.
            manage("refresh_statistics")  # fresh figures, queued-flag cleared
            age_figures(AGED_MINUTES)
            before = computed_at()
            worker = start([str(PYTHON), "manage.py", "db_worker", "--no-reload", "-v", "0"])
            try:
                duration = max(args.duration, 20)
                refresh["ping (trivial), same minute"] = run_wrk(
                    "ping", ["/api/v1/ping"], duration=3, connections=args.connections,
                    workdir=workdir,
                )  # fmt: skip
                refresh["/stats/ (France) while the worker recomputes"] = run_wrk(
                    "/stats/", ["/stats/"], duration=duration, connections=args.connections,
                    workdir=workdir,
                )  # fmt: skip
            finally:
                common.stop(worker)
            after = computed_at()
    finally:
        common.stop(server)
    if after <= before:
        sys.exit("The figures were not recomputed during the run: is the task worker working?")

    steady = common.wrk_table(results, "ping (trivial)")
    across = common.wrk_table(refresh, "ping (trivial), same minute")
    table = (
        f"Steady state (figures computed less than 30 minutes ago):\n\n{steady}\n\n"
        f"Across a refresh (figures {AGED_MINUTES} minutes old, the first visit queues the "
        f"refresh, `db_worker` recomputes them during the run, checked by their computation "
        f"time):\n\n{across}\n\n"
        f"Computation of every territory's figures alone (`manage.py refresh_statistics`, "
        f"what no visitor waits for once figures exist): {cold_seconds:.1f} s."
    )
    print(table)
    if not args.no_record:
        record(
            "Statistics page",
            f"`.venv/bin/python bench/bench_stats.py --duration {args.duration} "
            f"--connections {args.connections}` on {dt.date.today():%Y-%m-%d}, "
            f"{machine_description()}, wrk with "
            f"{args.connections} connections on loopback, gunicorn as `make run` starts it, "
            f"{checks:,} eligibility tests and {leads:,} leads of synthetic activity "
            "(`generate_synthetic_activity`) in the national-scale synthetic dataset.",
            table,
        )


if __name__ == "__main__":
    main()
