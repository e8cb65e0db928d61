"""What the benchmark scripts share: the benchmark database (separate from the development one),
the environment of the processes that use it, and the results page docs/performance.md.

The benchmark database holds only the synthetic national dataset (bench/generate.py loads it):
`generate_synthetic_dataset --load` refuses a database with real networks, and measurements never
touch the development database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
DATA_DIR = ROOT / "bench" / "data"
RESULTS_DIR = ROOT / "bench" / "results"
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"

BENCH_DATABASE = "chaleur_urbaine_bench"
BENCH_DATABASE_URL = f"postgis:///{BENCH_DATABASE}"
EXTENSIONS = ("postgis", "pg_trgm", "unaccent")
# The generated dataset: national scale (data/demo/README.md, "National scale, for benchmarks").
SEED = 1
NETWORKS = 1_050
ADDRESSES = 500_000

_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def database_url(name: str = BENCH_DATABASE) -> str:
    """The DATABASE_URL of a local database (Unix socket, current role), as settings read it."""
    return f"postgis:///{_checked(name)}"


def bench_env(database: str = BENCH_DATABASE, **extra: str) -> dict[str, str]:
    """The environment of a `manage.py` or gunicorn process working on a benchmark database."""
    env = {**os.environ, "DATABASE_URL": database_url(database), "DJANGO_ENV": "dev"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own default
    return {**env, **extra}


def connect(database: str = BENCH_DATABASE, *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(dbname=_checked(database), autocommit=autocommit)


def database_exists(name: str = BENCH_DATABASE) -> bool:
    with connect("postgres") as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def create_database(name: str = BENCH_DATABASE) -> bool:
    """Creates the database with its extensions unless it exists; True when it was created."""
    created = False
    if not database_exists(name):
        with connect("postgres") as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created = True
    with connect(name) as connection:
        for extension in EXTENSIONS:
            connection.execute(
                sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(extension))
            )
    return created


def drop_database(name: str) -> None:
    with connect("postgres") as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def manage(*args: str, database: str = BENCH_DATABASE, capture: bool = False):
    """Runs `manage.py <args>` on a benchmark database; raises when the command fails."""
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=bench_env(database),
        capture_output=capture,
        text=True,
    )
    if result.returncode:
        if capture:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} a échoué (code {result.returncode}).")
    return result


def migrate(database: str = BENCH_DATABASE) -> None:
    manage("migrate", "--noinput", "-v", "0", database=database)


def machine_description() -> str:
    """Cores, memory and versions, for the results."""
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    with connect("postgres") as connection:
        server = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} cores, {memory_gib:.0f} GiB, PostgreSQL {server.split()[0]}, "
        f"Python {sys.version.split()[0]}"
    )


def record(title: str, description: str, table: str, *, path: Path = PERFORMANCE_DOC) -> None:
    """Adds a dated run (UTC) to docs/performance.md, at the end of the `## <title>` section
    (created at the end of the page when missing): one section per benchmark, newest run last."""
    run = f"### {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}\n\n{description}\n\n{table}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    heading = f"## {title}"
    lines = text.rstrip("\n").split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    except StopIteration:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{run}"
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        before = "\n".join(lines[:end]).rstrip("\n")
        after = "\n".join(lines[end:])
        text = f"{before}\n\n{run}" + (f"\n{after}\n" if after else "")
    path.write_text(text, encoding="utf-8")


def _checked(name: str) -> str:
    if not _DATABASE_NAME.match(name):
        raise ValueError(f"Nom de base inattendu : {name!r}")
    return name


# wrk's script: the paths in turn; one line of figures at the end, read by run_wrk.
LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT rps=%%.1f p50=%%.2f p95=%%.2f p99=%%.2f errors=%%d non2xx=%%d requests=%%d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests))
end
"""


def run_wrk(name, paths, *, port, duration, connections, workdir) -> dict:
    """wrk on loopback, cycling through `paths` with `connections` connections for `duration`
    seconds: requests per second, latency percentiles (ms), errors and requests sent."""
    paths_file = Path(workdir) / f"{abs(hash(name))}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    script = Path(workdir) / f"{abs(hash(name))}.lua"
    script.write_text(LUA % {"paths": paths_file})
    command = [
        "wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
        "-s", str(script), f"http://127.0.0.1:{port}",
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    values = dict(item.split("=") for item in line.split()[1:])
    return {key: float(value) for key, value in values.items()}


def wrk_table(results: dict[str, dict], baseline: str) -> str:
    """A Markdown table of run_wrk() results, each endpoint's requests per second also as a
    ratio to those of the `baseline` endpoint of the same run."""
    reference = results[baseline]["rps"]
    lines = [
        "| endpoint | requests/s | ratio to trivial | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['rps'] / reference:.2f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {int(r['errors'] + r['non2xx'])} |"
        )
    return "\n".join(lines)


def server_env(port: int, **extra: str) -> dict[str, str]:
    """The environment of gunicorn (and of its task worker) on the benchmark database, as
    `make run` starts them, with the shared cache on the local Redis as in production; rate
    limits counted but never reached (one client sends everything) and no access log; the rest,
    workers and their recycling (max_requests) included, are the shipped gunicorn.conf.py's."""
    return bench_env(
        CACHE_URL="redis://127.0.0.1:6379/3",
        RATELIMIT_API="1000000000/60",
        GUNICORN_ACCESSLOG="/dev/null",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        **extra,
    )


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """A process of the project (its own session, so that stop() ends its children too)."""
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen:
    """gunicorn as `make run` starts it (gunicorn.conf.py), once it answers /api/v1/ping."""
    server = start(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "chauffage.wsgi"], env
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not start")
