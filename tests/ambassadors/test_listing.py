"""The public listing: nearest first from a point or an address (spatial index), filters by
network and commune; the result page's and the network page's ambassadors; the GeoJSON layer."""

import re

import pytest
from django.db import connection

from ambassadors.models import Ambassador
from tests.ambassadors.factories import AmbassadorFactory, sarcelles_network
from tests.eligibility.factories import (
    PARIS_15,
    SARCELLES,
    AddressFactory,
    HeatNetworkFactory,
    point,
    route_east_of,
)

pytestmark = pytest.mark.django_db


def card_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/ambassadeurs/(\d+)/">', html)


@pytest.fixture
def three_at_known_distances():
    """Published ambassadors 900 m, 150 m and 400 m north of 15 allée Paul Dukas (created in
    that order, so that the newest-first order differs from the distance order)."""
    far = AmbassadorFactory.at(900, testimony="À 900 mètres.")
    near = AmbassadorFactory.at(150, testimony="À 150 mètres.")
    middle = AmbassadorFactory.at(400, testimony="À 400 mètres.")
    return near, middle, far


def test_near_a_point_the_nearest_come_first_with_rounded_distances(
    client, three_at_known_distances
):
    near, middle, far = three_at_known_distances
    response = client.get("/ambassadeurs/", {"lat": SARCELLES[0], "lon": SARCELLES[1]})
    html = response.content.decode()
    assert response.status_code == 200
    assert card_titles(html) == [str(near.pk), str(middle.pk), str(far.pk)]
    assert "environ 200 m" in html  # 150 m, rounded to 100 m: the building is not located
    assert "environ 400 m" in html and "environ 900 m" in html


def test_without_a_point_the_newest_come_first(client, three_at_known_distances):
    near, middle, far = three_at_known_distances
    html = client.get("/ambassadeurs/").content.decode()
    assert card_titles(html) == [str(middle.pk), str(near.pk), str(far.pk)]


def test_near_a_typed_address_it_is_geocoded(client, three_at_known_distances):
    AddressFactory()
    near, middle, far = three_at_known_distances
    html = client.get(
        "/ambassadeurs/", {"adresse": "15 allee paul dukas sarcelles"}
    ).content.decode()
    assert card_titles(html) == [str(near.pk), str(middle.pk), str(far.pk)]
    assert "les plus proches du 15 Allée Paul Dukas 95200 Sarcelles en premier" in html


def test_the_nearest_query_uses_the_spatial_index(three_at_known_distances):
    queryset = Ambassador.objects.published().near(point(SARCELLES))
    with connection.cursor() as cursor:
        # Without a sort step, only an index that returns rows in distance order can answer.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert re.search(r"Index Scan using ambassadors_ambassador_location_\w+", plan), plan
    assert "Order By: (location <->" in plan and "Sort" not in plan


def test_filters_by_network_and_commune(client):
    sarcelles = AmbassadorFactory(testimony="Sarcelles, réseau 9502C.")
    cpcu = HeatNetworkFactory(network_id="7501C", name="CPCU", route=route_east_of(PARIS_15, 30))
    paris = AmbassadorFactory(
        network=cpcu,
        location=point(PARIS_15),
        code_insee="75115",
        commune="Paris",
        street="Rue de Vaugirard",
        testimony="Paris, réseau CPCU.",
    )
    by_network = client.get("/ambassadeurs/", {"reseau": "7501C"}).content.decode()
    assert card_titles(by_network) == [str(paris.pk)]
    by_commune = client.get("/ambassadeurs/", {"commune": "95585"}).content.decode()
    assert card_titles(by_commune) == [str(sarcelles.pk)]
    page = client.get("/ambassadeurs/").content.decode()
    assert '<option value="7501C">CPCU (7501C)</option>' in page
    assert '<option value="95585">Sarcelles (95585)</option>' in page


def test_an_unknown_filter_value_is_explained_not_an_error_page(client):
    AmbassadorFactory()
    response = client.get("/ambassadeurs/", {"reseau": "0000X"})
    assert response.status_code == 400
    assert "Choisissez l’un des réseaux de la liste." in response.content.decode()


def test_cards_show_commune_street_network_year_and_never_the_contact(client):
    AmbassadorFactory(testimony="Un témoignage. " * 40)
    html = client.get("/ambassadeurs/").content.decode()
    assert "Allée Paul Dukas, Sarcelles" in html
    assert "Réseau Grand Ensemble Sarcelles-Locheres, raccordée en 2019" in html
    assert "Dominique Lefèvre" not in html and "15 Allée Paul Dukas" not in html
    assert "…" in html  # the testimony is cut


def test_the_result_page_says_how_many_ambassadors_testify_and_links_to_them(client):
    AddressFactory()
    network = sarcelles_network()
    AmbassadorFactory.at(150, network=network)
    AmbassadorFactory.at(400, network=network)
    AmbassadorFactory.at(500, network=network, status=Ambassador.Status.PAUSED)
    label = "15 Allée Paul Dukas 95200 Sarcelles"
    html = client.get(
        "/eligibilite/",
        {
            "adresse": label,
            "label": label,
            "lat": SARCELLES[0],
            "lon": SARCELLES[1],
            "citycode": "95585",
            "chauffage": "collective",
        },
    ).content.decode()
    assert "2 copropriétés déjà raccordées à ce réseau témoignent" in html
    link = re.search(r'<a href="(/ambassadeurs/\?[^"]+)">2 copropriétés', html)[1]
    assert "reseau=9502C" in link and "lat=48.974443" in link


def test_the_result_page_says_nothing_when_no_ambassador_testifies(client):
    AddressFactory()
    sarcelles_network()
    html = client.get(
        "/eligibilite/", {"adresse": "15 allée Paul Dukas Sarcelles", "chauffage": "collective"}
    ).content.decode()
    assert "témoignent" not in html and "témoigne " not in html


def test_the_network_page_lists_its_ambassadors(client):
    network = sarcelles_network()
    AmbassadorFactory(network=network, testimony="Notre témoignage sur le réseau.")
    AmbassadorFactory(network=network, pending_moderation=True, testimony="Pas encore publié.")
    html = client.get("/reseaux/9502C").content.decode()
    assert "Copropriétés raccordées qui témoignent" in html
    assert "Notre témoignage sur le réseau." in html
    assert "Pas encore publié." not in html


def test_the_geojson_layer_has_public_fields_and_street_level_points(client):
    ambassador = AmbassadorFactory(cost_public=False, savings_public=True)
    response = client.get("/api/v1/ambassadors.geojson", HTTP_ORIGIN="https://carte.example.fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    (feature,) = response.json()["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [2.373, 48.974]}
    assert feature["properties"] == {
        "id": ambassador.pk,
        "commune": "Sarcelles",
        "code_insee": "95585",
        "street": "Allée Paul Dukas",
        "network_id": "9502C",
        "network_name": "Grand Ensemble Sarcelles-Locheres",
        "connection_year": 2019,
        "dwellings": 48,
        "testimony_excerpt": ambassador.testimony,
        "url": f"http://testserver/ambassadeurs/{ambassador.pk}/",
        "contact_url": f"http://testserver/ambassadeurs/{ambassador.pk}/contacter/",
        "photo_url": None,
    }


def test_the_geojson_layer_filters_by_network(client):
    AmbassadorFactory()
    assert client.get("/api/v1/ambassadors.geojson", {"reseau": "7501C"}).json()["features"] == []
    assert (
        len(client.get("/api/v1/ambassadors.geojson", {"reseau": "9502C"}).json()["features"]) == 1
    )


def test_the_main_menu_lists_the_ambassadors(client):
    assert 'href="/ambassadeurs/"' in client.get("/").content.decode()
