"""Load test of the map's vector tiles, zoom by zoom, side by side with a trivial JSON endpoint of
the same app (/api/v1/ping), in one run.

Prerequisite: the national-scale synthetic dataset in the benchmark database
(`.venv/bin/python bench/generate.py`), migrated (the tiles read the generated overview columns
of migration eligibility 0003). Then:

    .venv/bin/python bench/bench_tiles.py [--duration 6] [--connections 8] [--tiles-per-zoom 150]

Tile coordinates: one vertex of each of the routed networks (drawn in a fixed order), and at
each zoom from 5 to 16 the tile holding it with its eight neighbours (what a screen shows around
a network), shuffled with a fixed seed and cut to --tiles-per-zoom tiles. For each tile the run
requests what the map page requests: one URL per layer (heat, future, pdp, cold, and plants from
zoom 9), and separately the `all` tile (every layer in one response, the heaviest request).

First every URL is fetched once (sizes, statuses; it also warms PostgreSQL's cache), then wrk
drives gunicorn (started as `make run` does, the shared cache on the local Redis as in
production, but without the tiles' rate limit and without worker restarts) for --duration
seconds per zoom and per set, right after 3 seconds on /api/v1/ping: each row has the trivial
endpoint's p95 of the same minute, which tells a slow tile from a busy machine. No response is cached by the
application: every request renders its tile from PostGIS. Targets: p95 ≤ 100 ms and ≤ 300 KB
per request at every zoom. Results go to docs/performance.md ("Map vector tiles").
"""

import argparse
import concurrent.futures
import datetime as dt
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402
from bench.bench_eligibility import PORT, run_wrk  # noqa: E402
from bench.common import BENCH_DATABASE_URL, machine_description, record  # noqa: E402

ZOOMS = range(5, 17)
LAYERS = ["heat", "future", "pdp", "cold", "plants"]
PLANTS_MIN_ZOOM = 9  # eligibility/map_views.py, MAP_LAYERS
LATENCY_TARGET_MS = 100
SIZE_TARGET_BYTES = 300_000
PING_SECONDS = 3


def network_points() -> list[tuple[float, float]]:
    """(lon, lat) of one vertex of each routed network, in a fixed order."""
    import psycopg

    url = BENCH_DATABASE_URL.replace("postgis://", "postgresql://")
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            """
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT network_id, ST_PointN(ST_GeometryN(route::geometry,
                       1 + abs(hashtext(network_id)) % ST_NumGeometries(route::geometry)), 1) AS p
                FROM eligibility_heatnetwork WHERE route IS NOT NULL) AS v
             ORDER BY md5(network_id)
            """
        ).fetchall()
    if not rows:
        sys.exit("The benchmark database has no routed network: run bench/generate.py first.")
    return rows


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    radians = math.radians(lat)
    y = int((1 - math.log(math.tan(radians) + 1 / math.cos(radians)) / math.pi) / 2 * n)
    return x, y


def sample_tiles(points, z: int, limit: int) -> list[tuple[int, int]]:
    """The tiles around the networks at zoom z: each network's tile and its 8 neighbours."""
    tiles = set()
    for lon, lat in points:
        x, y = tile_of(lon, lat, z)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                if 0 <= x + dx < 2**z and 0 <= y + dy < 2**z:
                    tiles.add((x + dx, y + dy))
    ordered = sorted(tiles)
    random.Random(z).shuffle(ordered)
    return ordered[:limit]


def url_sets(points, limit: int) -> dict[int, dict[str, list[str]]]:
    """{zoom: {"map layers": [...], "all": [...]}}."""
    sets = {}
    for z in ZOOMS:
        tiles = sample_tiles(points, z, limit)
        layers = [layer for layer in LAYERS if layer != "plants" or z >= PLANTS_MIN_ZOOM]
        sets[z] = {
            "map layers": [f"/tiles/{layer}/{z}/{x}/{y}.pbf" for x, y in tiles for layer in layers],
            "all": [f"/tiles/all/{z}/{x}/{y}.pbf" for x, y in tiles],
        }
    return sets


def fetch_size(path: str) -> tuple[int, int]:
    """(status, body size) of one request."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, len(error.read())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def measure_sizes(sets) -> dict[tuple[int, str], dict]:
    sizes = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for z, by_set in sets.items():
            for name, paths in by_set.items():
                answers = list(pool.map(fetch_size, paths))
                errors = sum(1 for status, _ in answers if status not in (200, 204))
                bodies = [size for _, size in answers]
                sizes[(z, name)] = {
                    "urls": len(paths),
                    "p95": percentile(bodies, 0.95),
                    "max": max(bodies),
                    "empty": sum(1 for status, _ in answers if status == 204),
                    "errors": errors,
                }
    return sizes


def start_server() -> subprocess.Popen:
    return common.start_gunicorn(PORT, common.server_env(PORT, RATELIMIT_TILES="1000000000/60"))


def table(results, sizes, baselines) -> str:
    lines = [
        "| zoom | request set | tiles requested | empty (204) | requests/s | p50 ms | p95 ms "
        "| p99 ms | `/api/v1/ping` p95 ms, same minute | size p95 | size max | errors "
        "| targets (p95 ≤ 100 ms, ≤ 300 KB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for (z, name), r in results.items():
        s = sizes[(z, name)]
        met = r["p95"] <= LATENCY_TARGET_MS and s["max"] <= SIZE_TARGET_BYTES
        lines.append(
            f"| {z} | {name} | {s['urls']} | {s['empty']} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {baselines[z]['p95']:.1f} | "
            f"{s['p95'] / 1000:.1f} KB | {s['max'] / 1000:.1f} KB | "
            f"{int(r['errors'] + r['non2xx']) + s['errors']} | {'met' if met else '**not met**'} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=6, help="seconds of wrk per zoom and set")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--tiles-per-zoom", type=int, default=150)
    parser.add_argument("--no-record", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--note", default="", help="a sentence added to the recorded description")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    sets = url_sets(network_points(), args.tiles_per_zoom)
    load_at_start = os.getloadavg()[0]
    server = start_server()
    try:
        sizes = measure_sizes(sets)
        results = {}
        with tempfile.TemporaryDirectory() as workdir:
            run = {"connections": args.connections, "workdir": workdir}
            baselines = {}
            for z, by_set in sets.items():
                # The trivial endpoint right before each zoom: the machine's state at that time.
                baselines[z] = run_wrk("ping", ["/api/v1/ping"], duration=PING_SECONDS, **run)
                for name, paths in by_set.items():
                    results[(z, name)] = run_wrk(
                        f"{z}-{name}", paths, duration=args.duration, **run
                    )
    finally:
        common.stop(server)

    text = table(results, sizes, baselines)
    print(text)
    if not args.no_record:
        record(
            "Map vector tiles",
            f"`.venv/bin/python bench/bench_tiles.py --duration {args.duration} --connections "
            f"{args.connections} --tiles-per-zoom {args.tiles_per_zoom}` on "
            f"{dt.date.today():%Y-%m-%d}: {machine_description()}, load average "
            f"{load_at_start:.1f} at start; wrk with {args.connections} connections on loopback "
            f"for {args.duration} s per row, gunicorn as `make run` starts it "
            f"({os.cpu_count() * 2 + 1} sync workers, never restarted), national-scale synthetic "
            "dataset. Tiles "
            "around the networks (each network's tile and its 8 neighbours), every one rendered "
            "by PostGIS on each request (no application cache). *map layers*: the requests of "
            "the map page, one per layer; *all*: every layer in one response. Sizes are the "
            "uncompressed bodies." + (f" {args.note}" if args.note else ""),
            text,
        )


if __name__ == "__main__":
    main()
