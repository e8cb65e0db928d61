"""/stats, /stats.csv and /stats.json: shape of the exports, and no personal data anywhere."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import LeadEvent
from eligibility.models import EligibilityCheck
from stats import queries
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
PERSONAL = ["Camille", "Martin", "@exemple.fr", "01 23 45 67 89", "Paul Dukas", "agent.dalkia"]


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
    assert html.count('<svg class="fcu-chart__svg"') == 9
    assert html.count("<caption>") >= 12
    assert "Réseau de Sarcelles" in html
    for text in PERSONAL:
        assert text not in html


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
    for text in PERSONAL:
        assert text not in response.content.decode()


def test_json_export(client, activity):
    response = client.get(reverse("stats:json"))
    assert response.status_code == 200
    data = response.json()
    assert data["timezone"] == "Europe/Paris"
    assert list(data["fields"]) == queries.SERIES_KEYS
    assert list(data["series"][-1]) == ["month", *queries.SERIES_KEYS]
    assert data["series"][-1]["leads_operator"] == 10
    assert data["series"][-1]["month"] == timezone.localdate().strftime("%Y-%m")
    for text in PERSONAL:
        assert text not in response.content.decode()


def test_csv_and_json_have_the_same_series(client, activity):
    rows = list(csv.DictReader(io.StringIO(client.get("/stats.csv").content.decode())))
    series = client.get("/stats.json").json()["series"]
    assert [{k: str(v) for k, v in row.items()} for row in series] == rows
