import re

import pytest

from library.models import Audience, Document, DocumentType
from tests.library.factories import DocumentFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [document.title for document in response.context["page_obj"].object_list]


@pytest.fixture
def shelf():
    aides = TopicFactory(slug="aides-financieres", name="Aides financières")
    vote = TopicFactory(slug="assemblee-generale", name="Assemblée générale")
    return {
        "etapes": DocumentFactory(
            title="Se raccorder à un réseau de chaleur : les étapes",
            summary="L’étude, le vote, les travaux et la mise en service.",
            body="Le gestionnaire du réseau remplace la chaudière collective par une sous-station.",
            audiences=[Audience.CONDOMINIUMS, Audience.PROPERTY_MANAGERS],
        ),
        "vote": DocumentFactory(
            title="Ce que l’assemblée générale doit voter",
            summary="Majorité de l’article 25 et passerelle de l’article 25-1.",
            body="Les copropriétaires votent le raccordement.",
            audiences=[Audience.PROPERTY_MANAGERS],
            topics=[vote],
        ),
        "aides": DocumentFactory(
            title="Les aides financières",
            summary="Coup de pouce, Fonds Chaleur, TVA réduite.",
            body="Les primes des certificats d’économies d’énergie.",
            audiences=[Audience.SOCIAL_LANDLORDS],
            topics=[aides],
        ),
        "modele": DocumentFactory(
            title="Modèle de résolution",
            summary="Un texte à adapter.",
            body="Résolution : l’immeuble est raccordé.",
            type=DocumentType.TEMPLATE,
            with_pdf=True,
            audiences=[Audience.PROPERTY_MANAGERS],
            topics=[vote],
        ),
    }


def test_the_list_shows_published_documents_newest_first(client, shelf):
    DocumentFactory(title="Un guide plus récent", published_on="2025-09-01")
    response = client.get("/ressources/")
    assert response.status_code == 200
    assert titles(response)[0] == "Un guide plus récent"
    assert len(titles(response)) == 5


def test_filter_by_type(client, shelf):
    response = client.get("/ressources/", {"type": "modele"})
    assert titles(response) == ["Modèle de résolution"]


def test_filter_by_audience(client, shelf):
    response = client.get("/ressources/", {"public": "bailleurs"})
    assert titles(response) == ["Les aides financières"]
    response = client.get("/ressources/", {"public": "syndics"})
    assert set(titles(response)) == {
        "Se raccorder à un réseau de chaleur : les étapes",
        "Ce que l’assemblée générale doit voter",
        "Modèle de résolution",
    }


def test_filter_by_topic(client, shelf):
    response = client.get("/ressources/", {"theme": "assemblee-generale"})
    assert set(titles(response)) == {
        "Ce que l’assemblée générale doit voter",
        "Modèle de résolution",
    }


def test_filters_combine(client, shelf):
    response = client.get("/ressources/", {"theme": "assemblee-generale", "type": "guide"})
    assert titles(response) == ["Ce que l’assemblée générale doit voter"]


def test_an_unknown_filter_value_shows_no_result_and_says_why(client, shelf):
    response = client.get("/ressources/", {"type": "executable"})
    assert titles(response) == []
    html = response.content.decode()
    assert "un des filtres demandés n’est pas valide" in html
    assert "Effacer la recherche et les filtres" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("reseaux", "Se raccorder à un réseau de chaleur : les étapes"),  # accent and plural
        ("RÉSEAU", "Se raccorder à un réseau de chaleur : les étapes"),
        ("chaudieres", "Se raccorder à un réseau de chaleur : les étapes"),  # body, plural
        ("primes", "Les aides financières"),
        ("certificat economie", "Les aides financières"),
    ],
)
def test_search_ignores_accents_case_and_plurals(client, shelf, query, expected):
    assert titles(client.get("/ressources/", {"q": query})) == [expected]


def test_search_assemblee_generale_finds_the_vote_guide_first(client, shelf):
    found = titles(client.get("/ressources/", {"q": "assemblee generale"}))
    assert found[0] == "Ce que l’assemblée générale doit voter"
    assert "Les aides financières" not in found


def test_a_title_match_ranks_above_a_body_match(client, shelf):
    DocumentFactory(
        title="Tout sur la sous-station",
        summary="L’échangeur.",
        body="Rien d’autre.",
        published_on="2024-01-01",
    )
    found = titles(client.get("/ressources/", {"q": "sous-station"}))
    assert found == ["Tout sur la sous-station", "Se raccorder à un réseau de chaleur : les étapes"]


def test_topic_names_and_type_labels_are_searchable(client, shelf):
    assert "Les aides financières" in titles(client.get("/ressources/", {"q": "aides financieres"}))
    assert titles(client.get("/ressources/", {"q": "modele"})) == ["Modèle de résolution"]


def test_search_and_filter_together(client, shelf):
    response = client.get(
        "/ressources/", {"q": "raccordement", "public": "syndics", "type": "modele"}
    )
    assert titles(response) == ["Modèle de résolution"]


def test_the_search_vector_follows_an_edit(client, shelf):
    document = shelf["aides"]
    document.title = "Financer la géothermie"
    document.save()
    assert titles(client.get("/ressources/", {"q": "geothermie"})) == ["Financer la géothermie"]


def test_a_search_without_match_says_so(client, shelf):
    response = client.get("/ressources/", {"q": "photovoltaïque"})
    assert titles(response) == []
    assert "Aucune ressource ne correspond" in response.content.decode()


def test_the_search_form_is_a_plain_get_form_that_keeps_the_active_filters(client, shelf):
    html = client.get("/ressources/", {"type": "guide", "public": "syndics"}).content.decode()
    form = re.search(r'<form method="get" action="/ressources/".*?</form>', html, re.S).group(0)
    assert 'name="q"' in form
    assert '<input type="hidden" name="type" value="guide">' in form
    assert '<input type="hidden" name="public" value="syndics">' in form


def test_filter_tags_are_links_that_keep_the_other_filters(client, shelf):
    html = client.get("/ressources/", {"type": "guide", "q": "vote"}).content.decode()
    assert 'href="/ressources/?q=vote&amp;type=guide&amp;public=syndics"' in html
    assert 'aria-current="true">Guide</a>' in html
    assert 'href="/ressources/?q=vote"' in html  # "Tous" clears only the type


def test_pagination_keeps_the_filters(client):
    for number in range(14):
        DocumentFactory(title=f"Guide {number:02d}", published_on=f"2025-01-{number + 1:02d}")
    first = client.get("/ressources/", {"type": "guide"})
    assert len(titles(first)) == 12
    html = first.content.decode()
    assert 'class="fr-pagination"' in html
    assert "?type=guide&amp;page=2" in html
    second = client.get("/ressources/", {"type": "guide", "page": 2})
    assert titles(second) == ["Guide 01", "Guide 00"]
    assert client.get("/ressources/", {"page": 99}).context["page_obj"].number == 2


def test_the_main_menu_links_the_library(client, shelf):
    html = client.get("/").content.decode()
    assert '<a class="fr-nav__link" href="/ressources/"' in html
    assert Document.objects.count() == 4
