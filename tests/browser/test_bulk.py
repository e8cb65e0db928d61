"""Journey 7, bulk test: an operator logs in with a password and a TOTP code, uploads a small
file of addresses, checks the preview, launches the test, sees it done, downloads the result and
opens the map."""

import base64
import csv
import io

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups
from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-gestionnaire"
# A 1×1 transparent PNG: map tiles never leave the machine during tests.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
FILE = (
    "Référence;Adresse\n"
    "COPRO-1;15 allée Paul Dukas 95200 Sarcelles\n"
    "COPRO-2;12 rue de Nulle Part 99999 Inconnue\n"
).encode("cp1252")


@pytest.fixture
def operator(settings, tmp_path):
    """Dalkia's operator on the real Sarcelles network, two-factor authentication required."""
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    settings.MEDIA_ROOT = tmp_path / "media"
    groups.sync_groups()
    AddressFactory()  # 15 allée Paul Dukas, in the local BAN copy
    network = HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )
    dalkia = OrganisationFactory(name="Dalkia Île-de-France", networks=[network])
    user = UserFactory(username="gestionnaire.dalkia", first_name="Claire")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=groups.OPERATOR))
    MembershipFactory(user=user, organisation=dalkia)
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user, device


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_operator_uploads_a_file_launches_the_test_and_downloads_the_result(
    page, operator, tmp_path
):
    user, device = operator
    page.route(
        "https://*.tile.openstreetmap.fr/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )
    page.goto("/admin/test-en-masse/nouveau/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code de vérification").fill(current_code(device))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/test-en-masse/nouveau/")
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
