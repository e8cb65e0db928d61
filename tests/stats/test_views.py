"""/stats, /stats.csv and /stats.json: shape of the exports, and no personal data anywhere."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import LeadEvent
from eligibility.models import EligibilityCheck
from stats import queries
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PERSONAL = ["Camille", "@exemple.fr", "01 23 45 67 89", "Paul Dukas", "agent.dalkia"]


def assert_no_personal_data(text):
    for personal in PERSONAL:
        assert personal not in text
    assert not re.search(r"\bMartin\b", text)  # the name, not Martinique


@pytest.fixture
def activity():
    staff = UserFactory(username="agent.dalkia")
    operator = OrganisationFactory(name="Réseau de Sarcelles")
    leads = LeadFactory.create_batch(10, organisation=operator)
    LeadEvent.objects.create(
        lead=leads[0],
        kind=LeadEvent.Kind.REPLY,
        actor=staff,
        created_at=leads[0].created_at + timedelta(hours=3),
        note="Bonjour Camille Martin",
    )
    EligibilityCheck.objects.create(channel="web", code_insee="95585", category="x", eligible=True)


def test_page_shows_key_figures_charts_and_operators(client, activity):
    response = client.get(reverse("stats:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Statistiques</h1>" in html
    assert "Chiffres clés" in html
    assert html.count('<svg class="fcu-chart__svg"') == 10
    assert html.count("<caption>") >= 12
    assert "Réseau de Sarcelles" in html
    assert_no_personal_data(html)


def test_csv_export(client, activity):
    response = client.get("/stats.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["month", *queries.SERIES_KEYS]
    month = timezone.localdate().strftime("%Y-%m")
    assert rows[-1][0] == month
    last = dict(zip(rows[0], rows[-1], strict=True))
    assert last["checks"] == "1"
    assert last["checks_web"] == "1"
    assert last["leads"] == "10"
    assert last["leads_responded"] == "1"
    assert_no_personal_data(response.content.decode())


def test_json_export(client, activity):
    response = client.get(reverse("stats:json"))
    assert response.status_code == 200
    data = response.json()
    assert data["timezone"] == "Europe/Paris"
    assert list(data["fields"]) == queries.SERIES_KEYS
    assert list(data["series"][-1]) == ["month", *queries.SERIES_KEYS]
    assert data["series"][-1]["leads_operator"] == 10
    assert data["series"][-1]["month"] == timezone.localdate().strftime("%Y-%m")
    assert_no_personal_data(response.content.decode())


def test_csv_and_json_have_the_same_series(client, activity):
    rows = list(csv.DictReader(io.StringIO(client.get("/stats.csv").content.decode())))
    series = client.get("/stats.json").json()["series"]
    assert [{k: str(v) for k, v in row.items()} for row in series] == rows


@pytest.fixture
def territories():
    for code in ["95585", "95585", "75056", "35238", "2A004", "97411"]:
        EligibilityCheck.objects.create(channel="web", code_insee=code, category="x", eligible=True)
    LeadFactory(code_insee="35238", location=None)


def test_page_filtered_by_departement(client, territories):
    response = client.get(reverse("stats:index"), {"departement": "95"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Territoire : Val-d&#x27;Oise (95)" in html
    assert "Chiffres du département Val-d&#x27;Oise (95), d’après la commune" in html
    assert '<option value="95" selected>95 – Val-d&#x27;Oise</option>' in html
    assert '<label for="id_region" class="fr-label">' in html
    assert '<label for="id_departement" class="fr-label">' in html
    figures = response.context["data"]["since_launch"]
    assert (figures["checks"], figures["leads"]) == (2, 0)
    assert "France entière seulement, faute de territoire dans les données" in html
    assert "documents téléchargés" in html
    assert 'href="/stats.csv?departement=95"' in html
    assert 'href="/stats.json?departement=95"' in html
    # Downloads have no territory: their chart is on the national page only.
    assert html.count('<svg class="fcu-chart__svg"') == 9


def test_page_accepts_a_lower_case_corsican_departement(client, territories):
    response = client.get(reverse("stats:index"), {"departement": "2a"})
    assert response.status_code == 200
    assert response.context["data"]["since_launch"]["checks"] == 1
    assert "Territoire : Corse-du-Sud (2A)" in response.content.decode()


def test_page_filtered_by_region(client, territories):
    response = client.get(reverse("stats:index"), {"region": "11"})
    assert response.status_code == 200
    assert response.context["data"]["since_launch"]["checks"] == 3
    html = response.content.decode()
    assert "Territoire : Île-de-France (région)" in html
    assert "Chiffres de la région Île-de-France, d’après la commune" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"departement": "975"}, "Département inconnu : « 975 »"),
        ({"region": "xx"}, "Région inconnue : « xx »"),
        (
            {"region": "53", "departement": "95"},
            "Le département Val-d&#x27;Oise (95) n’est pas dans la région Bretagne",
        ),
    ],
)
def test_page_with_an_unknown_filter_says_so_in_french(client, territories, query, message):
    response = client.get(reverse("stats:index"), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Le filtre n’a pas été appliqué" in html
    assert response.context["data"]["since_launch"]["checks"] == 6


def test_json_export_of_a_region(client, territories):
    data = client.get("/stats.json", {"region": "53"}).json()
    assert data["territory"] == {"type": "region", "code": "53", "name": "Bretagne"}
    assert data["national_only"] == ["downloads"]
    last = data["series"][-1]
    assert (last["checks"], last["leads"], last["leads_national"]) == (1, 1, 1)
    assert last["downloads"] is None


def test_json_export_accepts_corsica_and_overseas_codes(client, territories):
    assert client.get("/stats.json", {"departement": "2a"}).json()["series"][-1]["checks"] == 1
    assert client.get("/stats.json", {"departement": "974"}).json()["series"][-1]["checks"] == 1
    national = client.get("/stats.json").json()
    assert national["territory"] == {"type": "france", "code": None, "name": "France entière"}
    assert national["series"][-1]["downloads"] == 0


@pytest.mark.parametrize(
    "query", [{"departement": "975"}, {"region": "1"}, {"region": "53", "departement": "95"}]
)
def test_exports_refuse_an_unknown_territory_with_a_json_400(client, query):
    for url in ["/stats.json", "/stats.csv"]:
        response = client.get(url, query)
        assert response.status_code == 400
        body = response.json()
        assert body["error"] == "invalid_parameters"
        assert "inconnu" in body["message"] or "n’est pas dans la région" in body["message"]


@pytest.mark.parametrize("query", [{"departement": "\x1f"}, {"region": " 11"}])
def test_exports_take_the_codes_as_given_not_trimmed_of_control_characters(client, query):
    """As the OpenAPI description says: a code, or nothing (France entière)."""
    response = client.get("/stats.json", query)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_parameters"


def test_csv_export_of_a_departement_leaves_national_only_columns_empty(client, territories):
    response = client.get("/stats.csv", {"departement": "95"})
    assert response.status_code == 200
    assert (
        "statistiques-france-chaleur-urbaine-departement-95.csv" in response["Content-Disposition"]
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[-1]["checks"] == "2"
    assert rows[-1]["downloads"] == ""


def test_big_numbers_are_grouped_by_thousands_the_french_way(client):
    EligibilityCheck.objects.bulk_create(
        EligibilityCheck(channel="api", code_insee="95585", category="x", eligible=True)
        for _ in range(1234)
    )
    html = client.get(reverse("stats:index")).content.decode()
    assert "<td>1\xa0234 (0 sur le site, 1\xa0234 par l’API, 0 en masse)</td>" in html
    assert ">1\xa0234</text>" in html  # the chart's label
    assert "<td>1\xa0234</td>" in html  # its data table
    assert "100,0&nbsp;%" in html


def leads_row(html):
    return re.search(r'<th scope="row">Demandes de contact</th>(.*?)</tr>', html).group(1)


def test_the_page_shows_new_figures_once_they_are_recomputed(client):
    LeadFactory()
    assert leads_row(client.get("/stats/").content.decode()) == "<td>1</td><td>1</td>"
    LeadFactory()
    assert leads_row(client.get("/stats/").content.decode()) == "<td>1</td><td>1</td>"
    queries.refresh()
    assert leads_row(client.get("/stats/").content.decode()) == "<td>2</td><td>2</td>"


def test_the_cached_page_keeps_the_form_as_the_visitor_filled_it(client):
    both = client.get("/stats/", {"region": "11", "departement": "95"}).content.decode()
    assert '<option value="11" selected>' in both
    alone = client.get("/stats/", {"departement": "95"}).content.decode()
    assert '<option value="11" selected>' not in alone
    assert '<option value="95" selected>' in alone
