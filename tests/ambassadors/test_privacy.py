"""No ambassador's email, name, exact address, nor unshared figure in any public page or API
answer: asserted on the raw HTML and JSON."""

import pytest

from tests.ambassadors.factories import (
    AMBASSADOR_EMAIL,
    AmbassadorFactory,
    MessageFactory,
    sarcelles_network,
)
from tests.eligibility.factories import SARCELLES, AddressFactory

pytestmark = pytest.mark.django_db
PRIVATE = [
    AMBASSADOR_EMAIL,
    "conseil.syndical",
    "Dominique Lefèvre",
    "21 Avenue Paul Valéry",  # the exact address: the street alone is public
    "85000",  # cost, not shared
    "85 000",
    "camille.martin@exemple.fr",  # an asker's, and their message
    "Notre chaudière a 25 ans",
]


@pytest.fixture
def ambassador():
    AddressFactory()
    ambassador = AmbassadorFactory.at(
        150,
        network=sarcelles_network(),
        address_label="21 Avenue Paul Valéry 95200 Sarcelles",
        street="Avenue Paul Valéry",
        cost_public=False,
        savings_public=False,
    )
    MessageFactory(
        ambassador=ambassador, body="Notre chaudière a 25 ans : combien ont coûté les travaux ?"
    )
    return ambassador


def public_pages(client, ambassador) -> dict[str, str]:
    label = "15 Allée Paul Dukas 95200 Sarcelles"
    result = {
        "adresse": label,
        "label": label,
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "chauffage": "collective",
    }
    pages = {
        "list": client.get("/ambassadeurs/"),
        "list near": client.get("/ambassadeurs/", {"lat": SARCELLES[0], "lon": SARCELLES[1]}),
        "detail": client.get(f"/ambassadeurs/{ambassador.pk}/"),
        "message form": client.get(f"/ambassadeurs/{ambassador.pk}/contacter/"),
        "message sent": client.get(f"/ambassadeurs/{ambassador.pk}/message-envoye/"),
        "geojson": client.get("/api/v1/ambassadors.geojson"),
        "network page": client.get("/reseaux/9502C"),
        "result page": client.get("/eligibilite/", result),
    }
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200)
    return {name: response.content.decode() for name, response in pages.items()}


def test_no_private_detail_in_any_public_page_or_api_answer(client, ambassador):
    for name, content in public_pages(client, ambassador).items():
        for private in PRIVATE:
            assert private not in content, f"{private!r} in {name}"
        assert "20 %" not in content, name  # savings, not shared


def test_what_the_contact_chose_to_share_is_shown(client, ambassador):
    ambassador.cost_public = ambassador.savings_public = True
    ambassador.save()
    html = client.get(f"/ambassadeurs/{ambassador.pk}/").content.decode()
    assert "85\xa0000\xa0€ TTC" in html and "20 %" in html
    assert AMBASSADOR_EMAIL not in html


def test_the_geojson_point_is_rounded_to_the_street(client, ambassador):
    (feature,) = client.get("/api/v1/ambassadors.geojson").json()["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (round(ambassador.location.x, 3), round(ambassador.location.y, 3))
    assert (lon, lat) == (2.373, 48.976)  # 150 m north of 48.974443, 2.372514
