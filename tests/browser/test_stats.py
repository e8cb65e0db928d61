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
    assert "66.7 %" in key_figures.inner_text() or "66,7 %" in key_figures.inner_text()
    assert page.locator("svg.fcu-chart__svg").count() == 9
    chart = page.get_by_role("img", name="Adresses testées, par mois", exact=False).first
    assert chart.is_visible()
    assert page.get_by_role(
        "table", name="Taux de réponse par gestionnaire (depuis le lancement)"
    ).is_visible()
    assert page.locator("figure table caption").count() == 9
    assert page.console_errors == []
    assert serious_accessibility_violations(page) == []
