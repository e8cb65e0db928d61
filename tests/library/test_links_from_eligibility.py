import pytest

from tests.eligibility.factories import SARCELLES, AddressFactory, HeatNetworkFactory, route_east_of
from tests.library.factories import DocumentFactory

pytestmark = pytest.mark.django_db

RESULT = {
    "adresse": "15 Allée Paul Dukas 95200 Sarcelles",
    "label": "15 Allée Paul Dukas 95200 Sarcelles",
    "lat": str(SARCELLES[0]),
    "lon": str(SARCELLES[1]),
    "citycode": "95585",
    "chauffage": "collective",
}


@pytest.fixture
def sarcelles():
    AddressFactory()
    return HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )


def test_the_result_page_links_the_network_documents_then_the_guides(client, sarcelles):
    DocumentFactory(title="Les étapes du raccordement", published_on="2025-06-02")
    DocumentFactory(title="Raccordé au réseau de Sarcelles", type="rex", network=sarcelles)
    DocumentFactory(title="Un brouillon sur Sarcelles", network=sarcelles, unpublished=True)
    DocumentFactory(title="Pour les exploitants", audiences=["exploitants"])
    html = client.get("/eligibilite/", RESULT).content.decode()
    section = html[html.index('id="guides-utiles"') :]
    assert section.index("Raccordé au réseau de Sarcelles") < section.index(
        "Les étapes du raccordement"
    )
    assert "Un brouillon sur Sarcelles" not in html
    assert "Pour les exploitants" not in section


def test_the_result_page_has_no_guide_section_when_the_library_is_empty(client, sarcelles):
    assert 'id="guides-utiles"' not in client.get("/eligibilite/", RESULT).content.decode()


def test_a_document_page_links_its_network(client, sarcelles):
    document = DocumentFactory(network=sarcelles)
    html = client.get(document.get_absolute_url()).content.decode()
    assert '<a href="/reseaux/9502C">Grand Ensemble Sarcelles-Locheres</a>' in html
