"""Journey 7, prospects: an operator logs in with a password and a TOTP code, opens the prospects
page, sees the condominiums near its network on the list and on the map, downloads the CSV."""

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
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, offset, point, route_east_of
from tests.prospects.factories import CondominiumFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "mot-de-passe-du-gestionnaire"
# A 1×1 transparent PNG: map tiles never leave the machine during tests.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@pytest.fixture
def operator(settings):
    """Dalkia's operator on the real Sarcelles network, two-factor authentication required,
    with two condominiums near the route and one already connected."""
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    groups.sync_groups()
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


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_operator_sees_its_prospects_on_the_list_and_the_map_and_downloads_them(page, operator):
    user, device = operator
    page.route(
        "https://*.tile.openstreetmap.fr/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )
    page.goto("/admin/prospects/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code de vérification").fill(current_code(device))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/prospects/")

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
