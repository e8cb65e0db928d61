"""The back office's home page counts the leads waiting for the staff member, among those they
see only (least privilege), and each count links to the list filtered the same way."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from contacts.models import Lead
from tests.backoffice.conftest import log_in
from tests.contacts.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def days_ago(days):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def leads(dalkia, coriance):
    """Dalkia: 2 new, 1 waiting for 10 days, 1 contacted, 1 in moderation; Coriance: 1 new,
    1 waiting; the national triage queue: 1 new."""
    return {
        "dalkia_new": LeadFactory.create_batch(2, organisation=dalkia, created_at=days_ago(1)),
        "dalkia_waiting": LeadFactory(organisation=dalkia, created_at=days_ago(10)),
        "dalkia_contacted": LeadFactory(organisation=dalkia, status=Lead.Status.CONTACTED),
        "dalkia_moderated": LeadFactory(organisation=dalkia, moderated=True),
        "coriance_new": LeadFactory(organisation=coriance, created_at=days_ago(2)),
        "coriance_waiting": LeadFactory(organisation=coriance, created_at=days_ago(8)),
        "triage": LeadFactory(organisation=None, created_at=days_ago(3)),
    }


def counts(client) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} of the home page's "Demandes de contact à suivre"."""
    html = client.get("/admin/").content.decode()
    if 'id="lead-counts"' not in html:
        return {}
    block = html.split('id="lead-counts"')[1].split("</table>")[0]
    rows = re.findall(
        r'<a href="([^"]+)"><span class="lead-label">([^<]+)</span>\s*'
        r'<span class="lead-count">(\d+)</span></a>',
        block,
    )
    return {unescape(label): (int(count), unescape(url)) for url, label, count in rows}


def listed(client, url) -> set[int]:
    return {lead.pk for lead in client.get(url).context["cl"].result_list}


def test_an_operator_counts_the_new_and_waiting_leads_of_its_organisation_only(
    dalkia_client, leads
):
    shown = counts(dalkia_client)
    assert shown["Nouvelles demandes"][0] == 2
    assert shown["En attente depuis plus de 7 jours"][0] == 1
    assert "En modération" not in shown and "Dans la file de tri" not in shown


def test_each_count_of_an_operator_links_to_the_list_showing_exactly_those_leads(
    dalkia_client, leads
):
    shown = counts(dalkia_client)
    new_url = shown["Nouvelles demandes"][1]
    waiting_url = shown["En attente depuis plus de 7 jours"][1]
    assert new_url.startswith("/admin/contacts/lead/?")
    assert listed(dalkia_client, new_url) == {lead.pk for lead in leads["dalkia_new"]}
    assert listed(dalkia_client, waiting_url) == {leads["dalkia_waiting"].pk}


def test_an_energy_agency_counts_only_the_leads_routed_to_it(client, agency_user, agency):
    LeadFactory(organisation=agency, too_far=True, created_at=days_ago(1))
    LeadFactory(organisation=agency, too_far=True, moderated=True)
    LeadFactory(too_far=True, created_at=days_ago(1))  # triage queue: not the agency's
    shown = counts(log_in(client, agency_user))
    assert shown["Nouvelles demandes"][0] == 1
    assert shown["En attente depuis plus de 7 jours"][0] == 0
    assert "En modération" not in shown


def test_the_national_team_counts_every_lead_including_moderation_and_triage(
    national_client, leads
):
    shown = counts(national_client)
    assert shown["Nouvelles demandes"][0] == 4  # 2 Dalkia, 1 Coriance, 1 triage
    assert shown["En attente depuis plus de 7 jours"][0] == 2
    assert shown["En modération"][0] == 1
    assert shown["Dans la file de tri"][0] == 1
    assert shown["Réaffectation demandée"][0] == 0


def test_each_count_of_the_national_team_links_to_the_list_showing_exactly_those_leads(
    national_client, leads
):
    leads["coriance_new"].reassignment_requested_at = timezone.now()
    leads["coriance_new"].save()
    shown = counts(national_client)
    for label, (count, url) in shown.items():
        assert len(listed(national_client, url)) == count, label
    assert listed(national_client, shown["En modération"][1]) == {leads["dalkia_moderated"].pk}
    assert listed(national_client, shown["Dans la file de tri"][1]) == {leads["triage"].pk}
    assert listed(national_client, shown["Réaffectation demandée"][1]) == {leads["coriance_new"].pk}


def test_staff_without_access_to_leads_see_no_counts(client, leads):
    user = UserFactory(username="sans.groupe")
    assert counts(log_in(client, user)) == {}
