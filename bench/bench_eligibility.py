"""Load test of the eligibility API and the address autocomplete, side by side with a trivial
JSON endpoint of the same app, in one run.

Prerequisite: the national-scale synthetic dataset in the benchmark database
(`.venv/bin/python bench/generate.py`). Then:

    .venv/bin/python bench/bench_eligibility.py [--duration 20] [--connections 8]

It starts gunicorn exactly as `make run` does (gunicorn.conf.py, workers from the CPU count) on
127.0.0.1, with the shared cache on the local Redis as in production, and drives it with wrk from
this machine's loopback. Each endpoint gets the same load; the table gives requests per second,
the ratio to the trivial endpoint and latency percentiles. Results are appended to
docs/performance.md with the command that produced them.
"""

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.common import BENCH_DATABASE_URL  # noqa: E402

PORT = 8765


def sample_paths(limit: int = 5000) -> dict[str, list[str]]:
    """Points and autocomplete queries drawn from the synthetic BAN addresses."""
    import psycopg

    url = BENCH_DATABASE_URL.replace("postgis://", "postgresql://")
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT ST_Y(location::geometry), ST_X(location::geometry), search_label "
            "FROM eligibility_address TABLESAMPLE SYSTEM (2) LIMIT %s",
            [limit],
        ).fetchall()
    if not rows:
        sys.exit("The benchmark database has no address: run bench/generate.py first.")
    rng = random.Random(1)
    rng.shuffle(rows)
    eligibility = [f"/api/v1/eligibility?lat={lat:.6f}&lon={lon:.6f}" for lat, lon, _ in rows]
    autocomplete = []
    for _, _, label in rows:
        words = label.split()
        typed = " ".join(words[: rng.randint(2, min(4, len(words)))])
        autocomplete.append("/api/v1/addresses?q=" + urllib.request.quote(typed))
    return {
        "ping (trivial)": ["/api/v1/ping"],
        "eligibility lat/lon": eligibility,
        "addresses autocomplete": autocomplete,
    }


def memory_mb(master_pid: int) -> tuple[float, float, int]:
    """(proportional memory of gunicorn's master and workers, shared pages counted once, and
    the largest resident size of one of them, in MB; number of workers), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    total, largest = 0.0, 0.0
    for pid in [master_pid, *map(int, children)]:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            if ":" in line
        )  # fmt: skip
        total += int(fields["Pss"].split()[0]) / 1024
        largest = max(largest, int(fields["Rss"].split()[0]) / 1024)
    return total, largest, len(children)


def count_recorded() -> int:
    """The eligibility tests recorded for /stats (written in batches by the workers)."""
    with common.connect() as connection:
        return connection.execute("SELECT count(*) FROM eligibility_eligibilitycheck").fetchone()[0]


def run_wrk(name, paths, **options) -> dict:
    return common.run_wrk(name, paths, port=PORT, **options)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--max-requests", type=int, default=None,
        help="restart each worker after this many requests (default: gunicorn.conf.py's)",
    )  # fmt: skip
    parser.add_argument("--no-record", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    load_at_start = os.getloadavg()[0]
    paths = sample_paths()
    recorded_before = count_recorded()
    sent = 0
    recycling = (
        {} if args.max_requests is None else {"GUNICORN_MAX_REQUESTS": str(args.max_requests)}
    )
    server = common.start_gunicorn(PORT, common.server_env(PORT, **recycling))
    try:
        results = {}
        with tempfile.TemporaryDirectory() as workdir:
            for name, endpoint_paths in paths.items():  # warm-up: connections, caches
                warm_up = run_wrk(
                    name, endpoint_paths, duration=3, connections=args.connections, workdir=workdir
                )
                sent += warm_up["requests"] if name == "eligibility lat/lon" else 0
            memory = memory_mb(server.pid)
            for name, endpoint_paths in paths.items():
                results[name] = run_wrk(
                    name, endpoint_paths, duration=args.duration,
                    connections=args.connections, workdir=workdir,
                )  # fmt: skip
    finally:
        common.stop(server)  # the workers write the tests they still hold as they stop
    sent += results["eligibility lat/lon"]["requests"]
    recorded = count_recorded() - recorded_before

    table = common.wrk_table(results, "ping (trivial)") + (
        f"\n\nEligibility tests recorded for /stats during the run: {recorded:,} "
        f"for {int(sent):,} eligibility requests answered.\n"
        f"Memory of gunicorn after the warm-up ({memory[2]} workers and the master): "
        f"{memory[0]:,.0f} MB in all (proportional set size: pages shared by the processes "
        f"counted once), {memory[1]:,.0f} MB resident in the largest process."
    )
    print(table)
    if not args.no_record:
        from bench.common import record

        record(
            "Eligibility API and autocomplete under load",
            f"`.venv/bin/python bench/bench_eligibility.py --duration {args.duration} "
            f"--connections {args.connections}"
            + ("" if args.max_requests is None else f" --max-requests {args.max_requests}")
            + f"` on {dt.date.today():%Y-%m-%d}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, load average "
            f"{load_at_start:.1f} at start, wrk with "
            f"{args.connections} connections on loopback, gunicorn as `make run` starts it"
            + (
                ""
                if args.max_requests is None
                else f" but each worker restarted every {args.max_requests:,} requests"
            )
            + ", national-scale synthetic dataset.",
            table,
        )


if __name__ == "__main__":
    main()
