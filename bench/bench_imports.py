"""Import benchmark: the BAN address import and the national network import on the synthetic
national dataset, each next to a baseline measured in the same run on the same machine.

    .venv/bin/python bench/bench_imports.py [--no-reimport] [--keep-database] [--no-record]

- BAN addresses: `import_ban_addresses` on the 500,000-row synthetic CSV (rows per second, target
  ≥ 20,000), next to a plain PostgreSQL COPY of the same .csv.gz into an UNLOGGED table of text
  columns: the rate at which the server takes those bytes, without parsing, geometry or index.
- Heat networks: `import_networks --layer heat` on the 1.1-million-vertex file (duration, target
  < 3 min), next to reading the same file with GDAL without writing anything (the library the
  import reads with) and to `ogr2ogr` writing it into a PostGIS geography table with its GiST
  index (the standard tool doing the whole job).
- Then each import again on the same file, where nothing changes (idempotence has a cost).

Everything runs in a scratch database, `chaleur_urbaine_bench_imports`, created empty and
migrated, then dropped: the first import is a real first import, and the benchmark database is
left alone. Each command is timed from the outside, Django's start-up included (about a second).
The table is printed, saved in bench/results/ and added to docs/performance.md under "Imports".
"""

import argparse
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    ADDRESSES,
    DATA_DIR,
    NETWORKS,
    PYTHON,
    RESULTS_DIR,
    SEED,
    bench_env,
    connect,
    create_database,
    drop_database,
    machine_description,
    manage,
    migrate,
    record,
)

SCRATCH_DATABASE = "chaleur_urbaine_bench_imports"
HEAT_FILE = DATA_DIR / "reseaux_de_chaleur.geojson"
ADDRESSES_FILE = DATA_DIR / "adresses-synthetiques.csv.gz"
ADDRESS_TARGET_ROWS_PER_S = 20_000
NETWORK_TARGET_S = 180

# Opens the file, and reads every feature's attributes and geometry (as WKB, as the import does).
GDAL_READ = """
from django.contrib.gis.gdal import DataSource, GDALException
layer = DataSource(PATH)[0]
names = layer.fields
features = 0
for feature in layer:
    features += 1
    values = [feature.get(name) for name in names]
    try:
        wkb = bytes(feature.geom.wkb)
    except GDALException:
        pass
print(features)
"""


def timed(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Runs a command: (seconds, peak memory in MiB, its output). Fails loudly."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env or bench_env(SCRATCH_DATABASE),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.stderr.write(output)
        raise SystemExit(f"{' '.join(command)} a échoué (code {process.returncode}).")
    return elapsed, usage.ru_maxrss // 1024, output


def manage_command(*args: str) -> list[str]:
    return [str(PYTHON), "manage.py", *args]


def copy_baseline() -> tuple[float, int]:
    """A plain COPY of the address file into an UNLOGGED table of text columns."""
    with connect(SCRATCH_DATABASE) as connection:
        connection.execute(
            "CREATE UNLOGGED TABLE bench_copy_baseline (id text, numero text, rep text, "
            "nom_voie text, code_postal text, code_insee text, nom_commune text, lon text, "
            "lat text)"
        )
        started = time.perf_counter()
        with (
            gzip.open(ADDRESSES_FILE, "rb") as source,
            connection.cursor() as cursor,
            cursor.copy(
                "COPY bench_copy_baseline FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
            ) as copy,
        ):
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        elapsed = time.perf_counter() - started
        rows = connection.execute("SELECT count(*) FROM bench_copy_baseline").fetchone()[0]
        connection.execute("DROP TABLE bench_copy_baseline")
    return elapsed, rows


def count(table: str, where: str = "true") -> int:
    with connect(SCRATCH_DATABASE) as connection:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE {where}").fetchone()[0]  # noqa: S608 (constants)


def number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-reimport", action="store_true", help="skip the second imports")
    parser.add_argument("--keep-database", action="store_true", help="keep the scratch database")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/performance.md")
    args = parser.parse_args()

    drop_database(SCRATCH_DATABASE)
    create_database(SCRATCH_DATABASE)
    migrate(SCRATCH_DATABASE)
    manage(
        "generate_synthetic_dataset",
        f"--seed={SEED}",
        f"--output={DATA_DIR}",
        f"--networks={NETWORKS}",
        f"--addresses={ADDRESSES}",
        "--reuse-existing",
        database=SCRATCH_DATABASE,
    )
    manifest = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    heat = manifest["files"][HEAT_FILE.name]
    address_rows = manifest["files"][ADDRESSES_FILE.name]["rows"]
    load_average = os.getloadavg()[0]  # other work on the machine skews the figures: say so
    results = {
        "machine": machine_description(),
        "load_average_at_start": load_average,
        "dataset": {"seed": SEED, "heat": heat},
    }

    try:
        print("Réseaux : lecture GDAL seule…")
        gdal_s, _, output = timed(
            [
                str(PYTHON),
                "manage.py",
                "shell",
                "-c",
                GDAL_READ.replace("PATH", repr(str(HEAT_FILE))),
            ]
        )
        print("Réseaux : ogr2ogr vers PostGIS…")
        ogr_s, _, _ = timed(
            [
                "ogr2ogr", "-f", "PostgreSQL", f"PG:dbname={SCRATCH_DATABASE}", str(HEAT_FILE),
                "-nln", "bench_ogr2ogr_heat", "-nlt", "MULTILINESTRING",
                "-lco", "GEOM_TYPE=geography", "-lco", "GEOMETRY_NAME=route", "-overwrite",
            ]
        )  # fmt: skip
        print("Réseaux : import_networks --layer heat…")
        import_s, import_mib, _ = timed(
            manage_command("import_networks", str(HEAT_FILE), "--layer", "heat")
        )
        imported_networks = count("eligibility_heatnetwork")
        routed = count("eligibility_heatnetwork", "route IS NOT NULL")
        reimport_s = None
        if not args.no_reimport:
            print("Réseaux : second import (rien ne change)…")
            reimport_s, _, _ = timed(
                manage_command("import_networks", str(HEAT_FILE), "--layer", "heat")
            )
        results["networks"] = {
            "gdal_read_s": gdal_s,
            "ogr2ogr_s": ogr_s,
            "import_s": import_s,
            "import_peak_mib": import_mib,
            "reimport_s": reimport_s,
            "imported": imported_networks,
            "with_route": routed,
        }

        print("Adresses : COPY PostgreSQL brut…")
        copy_s, copy_rows = copy_baseline()
        print("Adresses : import_ban_addresses…")
        ban_s, ban_mib, _ = timed(manage_command("import_ban_addresses", str(ADDRESSES_FILE)))
        imported_addresses = count("eligibility_address")
        ban_reimport_s = None
        if not args.no_reimport:
            print("Adresses : second import (rien ne change)…")
            ban_reimport_s, _, _ = timed(
                manage_command("import_ban_addresses", str(ADDRESSES_FILE))
            )
        results["addresses"] = {
            "copy_s": copy_s,
            "copy_rows": copy_rows,
            "import_s": ban_s,
            "import_peak_mib": ban_mib,
            "reimport_s": ban_reimport_s,
            "imported": imported_addresses,
        }
    finally:
        if not args.keep_database:
            drop_database(SCRATCH_DATABASE)

    load_average_at_end = os.getloadavg()[0]
    results["load_average_at_end"] = load_average_at_end
    ban_rate = address_rows / ban_s
    copy_rate = copy_rows / copy_s
    vertices = f"{heat['features']:,} networks ({heat['with_geometry']:,} routed), {heat['vertices'] / 1e6:.2f} M vertices"
    lines = [
        "| measure | data | time | rate | baseline, same run | baseline time | import ÷ baseline time | target |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | --- |",
        f"| `import_ban_addresses`, first import | {address_rows:,} BAN rows (.csv.gz) | "
        f"{ban_s:.1f} s | **{number(ban_rate)} rows/s** | PostgreSQL COPY of the same file into "
        f"an UNLOGGED text table ({number(copy_rate)} rows/s) | {copy_s:.1f} s | "
        f"{ban_s / copy_s:.1f}× | ≥ {ADDRESS_TARGET_ROWS_PER_S:,} rows/s: "
        f"{'met' if ban_rate >= ADDRESS_TARGET_ROWS_PER_S else '**not met**'} |",
    ]
    if ban_reimport_s:
        lines.append(
            f"| `import_ban_addresses`, same file again (nothing changes) | {address_rows:,} rows | "
            f"{ban_reimport_s:.1f} s | {number(address_rows / ban_reimport_s)} rows/s | same COPY | "
            f"{copy_s:.1f} s | {ban_reimport_s / copy_s:.1f}× | — |"
        )
    met = "met" if import_s < NETWORK_TARGET_S else "**not met**"
    lines += [
        f"| `import_networks --layer heat`, first import | {vertices} | **{import_s:.1f} s** | "
        f"{number(heat['vertices'] / import_s)} vertices/s | GDAL reading the file, writing "
        f"nothing | {gdal_s:.1f} s | {import_s / gdal_s:.1f}× | < {NETWORK_TARGET_S} s: {met} |",
        f"| | | | | `ogr2ogr` into a PostGIS geography table with GiST index | {ogr_s:.1f} s | "
        f"{import_s / ogr_s:.1f}× | |",
    ]
    if reimport_s:
        lines.append(
            f"| `import_networks --layer heat`, same file again (nothing changes) | same | "
            f"{reimport_s:.1f} s | | GDAL read | {gdal_s:.1f} s | {reimport_s / gdal_s:.1f}× | — |"
        )
    table = "\n".join(lines)
    checks = (
        f"Rows in the database after the first imports: {imported_networks:,} networks "
        f"({routed:,} with a route) of {heat['features']:,}; {imported_addresses:,} addresses of "
        f"{address_rows:,}. Peak memory of the import processes: networks {import_mib:,} MiB, "
        f"addresses {ban_mib:,} MiB."
    )
    print(table)
    print(checks)
    print(f"Charge moyenne : {load_average:.1f} au début, {load_average_at_end:.1f} à la fin.")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    result_file = RESULTS_DIR / f"imports-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    result_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.no_record:
        command = "`.venv/bin/python bench/bench_imports.py" + (
            " --no-reimport`" if args.no_reimport else "`"
        )
        record(
            "Imports",
            f"{command} — {results['machine']}, load average {load_average:.1f} at start, "
            f"{load_average_at_end:.1f} at the end; "
            f"synthetic national dataset, seed {SEED} "
            f"(`generate_synthetic_dataset --seed {SEED} --networks {NETWORKS} "
            f"--addresses {ADDRESSES}`), into an empty, migrated database.\n\n{checks}",
            table,
        )


if __name__ == "__main__":
    main()
