import pytest
from django.urls import reverse

from eligibility.models import Address, HeatNetwork, NetworkDelivery
from tests.imports.conftest import DEMO, fixture, run

pytestmark = pytest.mark.django_db


def test_network_change_page_renders_the_route_on_a_leaflet_map(admin_client, demo_routes):
    network = HeatNetwork.objects.get(network_id="9502C")

    response = admin_client.get(reverse("admin:eligibility_heatnetwork_change", args=[network.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Grand Ensemble Sarcelles-Locheres" in content
    assert "leaflet" in content.lower()
    assert 'name="route"' in content
    assert "MultiLineString" in content  # the route, serialised for the map widget
    assert "Seuil « très proche » (m)" in content
    assert 'name="threshold_very_close_m"' in content


def test_network_thresholds_are_editable(admin_client, demo_routes):
    network = HeatNetwork.objects.get(network_id="9502C")
    url = reverse("admin:eligibility_heatnetwork_change", args=[network.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        route=network.route.json,
        communes="",
        production_mix="{}",
        power_mix="{}",
        deliveries="{}",
        fluid="{}",
        threshold_very_close_m=60,
        threshold_close_m=100,
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    network.refresh_from_db()
    assert (network.threshold_very_close_m, network.threshold_close_m) == (60, 100)


def test_network_list_shows_whether_a_route_exists(admin_client, demo_routes):
    run("import_network_figures", str(DEMO / "networks" / "contenus-co2-enrr-2026.csv"))

    response = admin_client.get(
        reverse("admin:eligibility_heatnetwork_changelist"), {"trace": "oui"}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 4


def test_address_search_ignores_accents_and_case(admin_client):
    run("import_ban_addresses", str(DEMO / "addresses" / "adresses-95-extrait.csv"))

    response = admin_client.get(
        reverse("admin:eligibility_address_changelist"), {"q": "Allée PAUL Dukas"}
    )

    assert response.status_code == 200
    results = list(response.context["cl"].result_list)
    assert results
    assert all("allee paul dukas" in address.search_label for address in results)


def test_address_change_page_shows_the_position_read_only(admin_client):
    run("import_ban_addresses", fixture("ban-addresses.csv"))
    address = Address.objects.get(ban_id="95585_1920_00015")

    response = admin_client.get(reverse("admin:eligibility_address_change", args=[address.pk]))

    assert response.status_code == 200
    assert "2.372514, 48.974443" in response.content.decode()
    assert 'name="location"' not in response.content.decode()


def test_deliveries_are_read_only(admin_client, demo_routes):
    run("import_deliveries", fixture("deliveries.json"))
    delivery = NetworkDelivery.objects.first()

    response = admin_client.get(
        reverse("admin:eligibility_networkdelivery_change", args=[delivery.pk])
    )

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert admin_client.get(reverse("admin:eligibility_networkdelivery_add")).status_code == 403


@pytest.mark.parametrize(
    "model",
    ["heatnetwork", "futurenetwork", "priorityzone", "heatplant", "address", "networkdelivery"],
)
def test_every_list_page_renders(admin_client, demo_routes, model):
    run("import_networks", fixture("construction.geojson"), layer="construction")
    run("import_networks", fixture("pdp.geojson"), layer="pdp")
    run("import_plants", fixture("plants.geojson"))
    run("import_ban_addresses", fixture("ban-addresses.csv"))
    run("import_deliveries", fixture("deliveries.json"))

    response = admin_client.get(reverse(f"admin:eligibility_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0
