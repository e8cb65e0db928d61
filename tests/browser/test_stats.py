"""/stats in a real browser: key figures, charts with their tables, no serious axe violation."""

from datetime import timedelta

import pytest

from contacts.models import LeadEvent
from eligibility.models import EligibilityCheck
from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import LeadFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_statistics_page_renders_its_charts_and_is_accessible(page):
    staff = UserFactory()
    leads = LeadFactory.create_batch(10, organisation=OrganisationFactory(name="Réseau A"))
    LeadEvent.objects.create(
        lead=leads[0],
        kind=LeadEvent.Kind.STATUS,
        to_status="contacted",
        actor=staff,
        created_at=leads[0].created_at + timedelta(hours=5),
    )
    for eligible in (True, True, False):
        EligibilityCheck.objects.create(channel="web", category="x", eligible=eligible)

    page.goto("/stats/")
    assert page.title().startswith("Statistiques")
    assert page.get_by_role("heading", level=1).inner_text() == "Statistiques"
    key_figures = page.get_by_role(
        "table", name="Chiffres clés depuis le lancement et sur les 12 derniers mois"
    )
    assert "66,7\xa0%" in key_figures.inner_text()
    assert page.locator("svg.fcu-chart__svg").count() == 10
    chart = page.get_by_role("img", name="Adresses testées, par mois", exact=False).first
    assert chart.is_visible()
    assert page.get_by_role(
        "table", name="Taux de réponse par gestionnaire (depuis le lancement)"
    ).is_visible()
    assert page.locator("figure table caption").count() == 10
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []


def test_the_territory_filter_works_with_the_keyboard_and_without_javascript(page):
    for code in ["95585", "95585", "35238"]:
        EligibilityCheck.objects.create(channel="web", code_insee=code, category="x", eligible=True)

    page.goto("/stats/")
    page.get_by_label("Département").select_option("95")
    page.get_by_role("button", name="Afficher").press("Enter")
    page.wait_for_url("**/stats/?region=&departement=95")
    assert page.locator("#territoire").inner_text() == "Territoire : Val-d'Oise (95)"
    key_figures = page.get_by_role("table", name="Chiffres clés", exact=False)
    assert key_figures.locator("tbody tr").first.locator("td").first.inner_text().startswith("2 ")
    assert page.get_by_label("Département").input_value() == "95"
    assert page.locator("svg.fcu-chart__svg").count() == 9
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []
