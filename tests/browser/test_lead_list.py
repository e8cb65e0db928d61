"""The lead list on a 1280 × 800 screen, as the national team sees it (its widest form: one more
column, the organisation), with long real-looking names, addresses, emails and organisations:
the table fits the screen without horizontal scrolling, names and phones are readable and
clickable, and axe finds no serious accessibility violation."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups
from contacts.models import Lead
from tests.browser.backoffice import PASSWORD, log_in
from tests.conftest import serious_accessibility_violations
from tests.contacts.factories import (
    LeadFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_ADDRESS = (
    "Résidence Les Jardins de la Butte Pinson, 123 bis Boulevard du Maréchal de Lattre de "
    "Tassigny 95200 Sarcelles"
)
LONG_EMAIL = (
    "marie-christine.dupont-lefevre-de-la-tour@cabinet-immobilier-gestion-iledefrance.example.fr"
)
LONG_ORGANISATION = "Société Thermique de Villiers-le-Bel Gonesse (CORIANCE) – Agence Val-d’Oise et Plaine de France"


@pytest.fixture
def national_team_member(settings):
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    groups.sync_groups()
    team = OrganisationFactory(national_team=True)
    user = UserFactory(username="equipe.nationale", first_name="Nadia")
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=groups.NATIONAL_TEAM))
    MembershipFactory(user=user, organisation=team)
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user, device


@pytest.fixture
def long_leads(db):
    operator = OrganisationFactory(name=LONG_ORGANISATION)
    leads = [
        LeadFactory(
            organisation=operator if n % 3 else None,
            structure=Lead.Structure.PROFESSIONAL,
            professional_kind=Lead.ProfessionalKind.SYNDIC,
            company_name="Cabinet Immobilier de Gestion Île-de-France Nord",
            first_name="Marie-Christine",
            last_name=f"Dupont-Lefèvre de la Tour {n}",
            email=f"{n}.{LONG_EMAIL}" if n % 2 else f"{n}{LONG_EMAIL.replace('-', '')}",
            phone="+262 6 92 12 34 56" if n % 2 else "01 39 90 12 34",
            address_label=LONG_ADDRESS,
            status=Lead.Status.OFFER_SENT if n % 2 else Lead.Status.NEW,
            distance_m=1234,
        )
        for n in range(12)
    ]
    return leads


def test_the_lead_list_fits_a_1280_pixel_screen_with_names_and_phones(
    page, national_team_member, long_leads
):
    user, device = national_team_member
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, user, device, path="/admin/contacts/lead/")

    table = page.locator("#result_list")
    assert table.locator("tbody tr").count() == 12
    headers = table.locator("thead th").all_inner_texts()
    for header in ["Reçue le", "Demandeur", "Téléphone", "Adresse", "Éligibilité", "Statut"]:
        assert any(header.lower() in text.lower() for text in headers), headers
    assert any("organisme" in text.lower() for text in headers)

    widths = page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {
                page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
                results: [results.scrollWidth, results.clientWidth],
                tableRight: document.querySelector('#result_list').getBoundingClientRect().right,
                viewport: window.innerWidth,
            };
        }"""
    )
    assert widths["page"][0] <= widths["page"][1], widths
    assert widths["results"][0] <= widths["results"][1], widths
    assert widths["tableRight"] <= widths["viewport"], widths

    first = table.locator("tbody tr").first
    assert "Marie-Christine Dupont-Lefèvre de la Tour" in first.inner_text()
    phone = first.locator("a[href^='tel:']")
    assert phone.get_attribute("href") in {"tel:+262692123456", "tel:+33139901234"}
    assert first.locator("a[href^='mailto:']").count() == 1
    assert serious_accessibility_violations(page) == []


def test_the_home_pages_counts_lead_to_the_filtered_list(page, national_team_member, long_leads):
    user, device = national_team_member
    log_in(page, user, device, path="/admin/")

    counts = page.locator("#lead-counts")
    triage = counts.get_by_role("link", name="Dans la file de tri")
    # Leads 0, 3, 6 and 9 have no organisation; 0 and 6 are still "À traiter".
    assert triage.locator(".lead-count").inner_text() == "2"
    assert serious_accessibility_violations(page) == []

    triage.click()
    page.wait_for_url("**/admin/contacts/lead/?**")
    assert page.locator("#result_list tbody tr").count() == 2
    assert "File de tri" in page.locator("#result_list tbody").inner_text()
