"""Journey 7, bulk test: an operator logs in with a password and a TOTP code, uploads a small
file of addresses, checks the preview, launches the test, sees it done, downloads the result and
opens the map."""

import csv
import io

import pytest

from tests.browser.backoffice import log_in, sarcelles_operator
from tests.conftest import serious_accessibility_violations
from tests.eligibility.factories import AddressFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = (
    "Référence;Adresse\n"
    "COPRO-1;15 allée Paul Dukas 95200 Sarcelles\n"
    "COPRO-2;12 rue de Nulle Part 99999 Inconnue\n"
).encode("cp1252")


@pytest.fixture
def operator(settings, tmp_path):
    """Dalkia's operator on the real Sarcelles network, two-factor authentication required."""
    settings.MEDIA_ROOT = tmp_path / "media"
    AddressFactory()  # 15 allée Paul Dukas, in the local BAN copy
    user, device = sarcelles_operator(settings)
    return user, device


def test_the_operator_uploads_a_file_launches_the_test_and_downloads_the_result(
    page, operator, tmp_path
):
    user, device = operator
    log_in(page, user, device, path="/admin/test-en-masse/nouveau/")
    assert serious_accessibility_violations(page) == []

    upload = tmp_path / "coproprietes.csv"
    upload.write_bytes(FILE)
    page.get_by_label("Fichier d’adresses ou de coordonnées").set_input_files(str(upload))
    page.get_by_role("button", name="Voir l’aperçu").click()
    page.wait_for_url("**/apercu/")
    body = page.locator("body").inner_text()
    assert "Windows-1252" in body and "point-virgule" in body
    assert "COPRO-1" in body and "15 allée Paul Dukas 95200 Sarcelles" in body
    assert page.get_by_label("Adresse", exact=True).input_value() == "address"
    assert page.get_by_label("Référence").input_value() == ""
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="Lancer le test").click()
    page.wait_for_url("**/admin/test-en-masse/*/")
    assert page.locator("#bulk-status").inner_text() == "Terminé"
    summary = page.locator("#bulk-summary").inner_text()
    assert "2 lignes : 1 testée, dont 1 éligible ; 1 non testée" in summary
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le résultat (CSV)").click()
    download = download_info.value
    content = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    header, *lines = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert header[:2] == ["Référence", "Adresse"]
    rows = [dict(zip(header, line, strict=True)) for line in lines]
    assert [row["Référence"] for row in rows] == ["COPRO-1", "COPRO-2"]
    assert rows[0]["adresse trouvée"] == "15 Allée Paul Dukas 95200 Sarcelles"
    assert rows[0]["éligible"] == "oui" and rows[0]["distance au réseau (m)"] == "48"
    assert rows[1]["motif (ligne non testée)"] == "Adresse introuvable"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le résultat (Excel)").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="Voir les points sur une carte").click()
    page.wait_for_selector("#bulk-map[data-map-ready='true']")
    assert page.locator("#bulk-map canvas").count() >= 1
    assert "1 point testé" in page.locator("#bulk-map-note").inner_text()
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []
