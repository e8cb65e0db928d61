import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

SMALL = {"networks": 12, "addresses": 2000}
SEED = 7

# Bounding boxes (lon min, lat min, lon max, lat max) of mainland France with Corsica and of the
# five overseas départements, with a margin of a few kilometres.
TERRITORIES = {
    "métropole": (-5.3, 41.3, 9.7, 51.2),
    "Guadeloupe": (-61.9, 15.8, -61.0, 16.55),
    "Martinique": (-61.25, 14.35, -60.8, 14.9),
    "Guyane": (-54.7, 2.1, -51.6, 5.8),
    "La Réunion": (55.2, -21.42, 55.85, -20.82),
    "Mayotte": (44.95, -13.05, 45.32, -12.6),
}


def territory_of(lon: float, lat: float) -> str | None:
    for name, (min_lon, min_lat, max_lon, max_lat) in TERRITORIES.items():
        if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat:
            return name
    return None


def generate(directory: Path, *, seed: int = SEED, **size) -> Path:
    call_command(
        "generate_synthetic_dataset",
        seed=seed,
        output=str(directory),
        **{**SMALL, **size},
        stdout=io.StringIO(),
    )
    return directory


def read_geojson(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_addresses(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as rows:
        reader = csv.DictReader(rows, delimiter=";")
        return list(reader.fieldnames), list(reader)


def points(geometry: dict | None):
    """Every (lon, lat) of a MultiLineString or MultiPolygon."""
    if not geometry:
        return
    for member in geometry["coordinates"]:
        for line in member if geometry["type"] == "MultiPolygon" else [member]:
            yield from (tuple(point) for point in line)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """A small synthetic dataset, generated once for the tests that only read it."""
    return generate(tmp_path_factory.mktemp("synthetic") / "seed-7")
