import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"
DEMO = Path(settings.BASE_DIR) / "data" / "demo"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def run(command: str, *args, **options) -> str:
    """Run a management command, return what it printed (the import report)."""
    stdout = io.StringIO()
    call_command(command, *args, stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


@pytest.fixture
def demo_routes(db):
    """The 4 real Val-d'Oise routes of data/demo."""
    run("import_networks", str(DEMO / "networks" / "traces-val-d-oise.geojson"), layer="heat")


def ogr2ogr(*args) -> None:
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)
