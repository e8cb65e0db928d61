"""Generates the national-scale synthetic dataset into bench/data/ and loads it into the benchmark
database, skipping what is already done:

    .venv/bin/python bench/generate.py [--seed 1] [--networks 1050] [--addresses 500000]
    .venv/bin/python bench/generate.py --fresh-database   # drop and rebuild the database first

1. the database `chaleur_urbaine_bench` (postgis, pg_trgm, unaccent) is created if missing and
   migrated;
2. the files are generated unless bench/data/ already holds them for the same seed and sizes;
3. they are loaded (import commands, then flagged synthetic) unless the database already holds
   exactly that dataset: bench/data/loaded.json records the digest of the manifest loaded last,
   and the database must still hold its networks and addresses. A database holding another
   synthetic dataset (other seed or sizes) is rebuilt first, so that no stale record stays.
"""

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    ADDRESSES,
    BENCH_DATABASE,
    DATA_DIR,
    NETWORKS,
    SEED,
    connect,
    create_database,
    drop_database,
    manage,
    migrate,
)

LOADED_MARKER = DATA_DIR / "loaded.json"


def database_content() -> tuple[int, int]:
    """(networks, addresses) flagged synthetic in the benchmark database."""
    with connect() as connection:
        return tuple(
            connection.execute(
                f"SELECT count(*) FROM {table} WHERE is_synthetic"  # noqa: S608 (constants)
            ).fetchone()[0]
            for table in ("eligibility_heatnetwork", "eligibility_address")
        )


def expected_content(manifest: dict) -> tuple[int, int]:
    identifiers = manifest["identifiers"]
    addresses = manifest["files"]["adresses-synthetiques.csv.gz"]["rows"]
    return len(identifiers["heat"]) + len(identifiers["cold"]), addresses


def loaded_digest() -> str | None:
    """Digest of the manifest of the dataset loaded last into the benchmark database."""
    if not LOADED_MARKER.exists():
        return None
    marker = json.loads(LOADED_MARKER.read_text(encoding="utf-8"))
    return marker["manifest_sha256"] if marker.get("database") == BENCH_DATABASE else None


def rebuild_database() -> None:
    LOADED_MARKER.unlink(missing_ok=True)
    drop_database(BENCH_DATABASE)
    create_database()
    migrate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--networks", type=int, default=NETWORKS)
    parser.add_argument("--addresses", type=int, default=ADDRESSES)
    parser.add_argument(
        "--fresh-database", action="store_true", help="drop the benchmark database first"
    )
    args = parser.parse_args()
    options = [
        f"--seed={args.seed}",
        f"--output={DATA_DIR}",
        f"--networks={args.networks}",
        f"--addresses={args.addresses}",
        "--reuse-existing",
    ]

    if args.fresh_database:
        rebuild_database()
    elif create_database():
        print(f"Base {BENCH_DATABASE} créée.")
    migrate()

    started = time.perf_counter()
    manage("generate_synthetic_dataset", *options)
    print(f"Fichiers prêts dans {DATA_DIR} ({time.perf_counter() - started:.1f} s).")

    manifest_bytes = (DATA_DIR / "manifest.json").read_bytes()
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    content = database_content()
    if loaded_digest() == digest and content == expected_content(json.loads(manifest_bytes)):
        print(f"Le jeu est déjà chargé dans {BENCH_DATABASE} : rien à faire.")
        return
    if any(content) and loaded_digest() != digest:
        print(f"{BENCH_DATABASE} contient un autre jeu synthétique : base reconstruite.")
        rebuild_database()

    started = time.perf_counter()
    manage("generate_synthetic_dataset", *options, "--load")
    # Dead rows of the loader's updates removed and planner statistics gathered, as autovacuum
    # would do in time (some machines run PostgreSQL without it): without them, the index-only
    # scans of the geocoding read every heap page and the plans rest on guesses.
    with connect() as connection:
        connection.execute("VACUUM (ANALYZE)")
    LOADED_MARKER.write_text(
        json.dumps({"database": BENCH_DATABASE, "manifest_sha256": digest}) + "\n",
        encoding="utf-8",
    )
    print(f"Jeu chargé dans {BENCH_DATABASE} en {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
