"""Journey 7, prospects: an operator logs in with a password and a TOTP code, opens the prospects
page, sees the condominiums near its network on the list and on the map, downloads the CSV."""

import csv
import io

import pytest

from tests.browser.backoffice import log_in, sarcelles_operator
from tests.conftest import serious_accessibility_violations
from tests.eligibility.factories import SARCELLES, offset, point
from tests.prospects.factories import CondominiumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator(settings):
    """Dalkia's operator on the real Sarcelles network, two-factor authentication required,
    with two condominiums near the route and one already connected."""
    user, device = sarcelles_operator(settings)
    CondominiumFactory(
        numero_immatriculation="AA0000201", name="Résidence Paul Dukas", location=point(SARCELLES)
    )
    CondominiumFactory(
        numero_immatriculation="AA0000202",
        name="Les Mouettes",
        energie_utilisee="fioul_domestique",
        location=point(offset(SARCELLES, metres=100, bearing=270)),
    )
    CondominiumFactory(
        numero_immatriculation="AA0000203",
        name="Déjà raccordée",
        chauffage_urbain=True,
        location=point(offset(SARCELLES, metres=20, bearing=270)),
    )
    return user, device


def test_the_operator_sees_its_prospects_on_the_list_and_the_map_and_downloads_them(page, operator):
    user, device = operator
    log_in(page, user, device, path="/admin/prospects/")

    rows = page.locator("#liste-prospects tbody tr")
    assert rows.count() == 2
    assert "Résidence Paul Dukas" in rows.nth(0).inner_text()
    assert "48 m" in rows.nth(0).inner_text().replace("\xa0", " ")
    assert "Les Mouettes" in rows.nth(1).inner_text()
    assert "Déjà raccordée" not in page.locator("body").inner_text()

    page.wait_for_selector("#carte-prospects[data-map-ready='true']")
    assert page.locator("#carte-prospects path.leaflet-interactive").count() >= 3  # route, 2 points
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Énergie de chauffage").select_option(label="Fioul domestique")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url("**energie=fioul_domestique**")
    assert page.locator("#liste-prospects tbody tr").count() == 1

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter la liste (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("prospects-")
    content = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    header, *lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [line[header.index("nom d’usage")] for line in lines] == ["Les Mouettes"]
    assert page.console_errors == []
