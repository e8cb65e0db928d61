"""The status form of a lead preselects no status: submitting it by mistake changes nothing."""

import re

import pytest

from contacts.admin_forms import StatusForm
from contacts.models import Lead, LeadEvent

pytestmark = pytest.mark.django_db


def status_url(lead):
    return f"/admin/contacts/lead/{lead.pk}/traiter/statut/"


def test_the_status_form_starts_on_a_neutral_choice(dalkia_user, dalkia_lead):
    form = StatusForm(lead=dalkia_lead, user=dalkia_user)
    html = str(form["status"])
    assert form.fields["status"].choices[0] == ("", "— Choisir un statut —")
    assert 'value="" selected' in html
    assert "required" in html


def test_the_lead_page_shows_the_neutral_choice_selected(dalkia_client, dalkia_lead):
    html = dalkia_client.get(f"/admin/contacts/lead/{dalkia_lead.pk}/change/").content.decode()
    select = html.split('name="status"')[1].split("</select>")[0]
    assert '<option value="" selected>— Choisir un statut —</option>' in select
    assert "selected" not in select.split("— Choisir un statut —")[1]


def test_submitting_without_choosing_a_status_changes_nothing(dalkia_client, dalkia_lead):
    response = dalkia_client.post(status_url(dalkia_lead), {"status": "", "note": ""})
    assert response.status_code == 200
    assert "Choisissez le nouveau statut." in response.content.decode()
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.NEW
    assert not dalkia_lead.events.filter(kind=LeadEvent.Kind.STATUS).exists()


def default_choice(html: str) -> str:
    """What a browser sends for the status select as it is shown: its selected option, else
    its first one."""
    select = html.split('name="status"')[1].split("</select>")[0]
    options = re.findall(r'<option value="([^"]*)"( selected)?>', select)
    return next((value for value, selected in options if selected), options[0][0])


def test_the_national_team_submitting_the_form_as_shown_does_not_moderate_a_lead(
    national_client, dalkia_lead
):
    page = national_client.get(f"/admin/contacts/lead/{dalkia_lead.pk}/change/")
    status = default_choice(page.content.decode())
    national_client.post(status_url(dalkia_lead), {"status": status, "note": ""})
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.NEW


def test_a_chosen_status_is_applied(dalkia_client, dalkia_lead):
    response = dalkia_client.post(status_url(dalkia_lead), {"status": "contacted"})
    assert response.status_code == 302
    dalkia_lead.refresh_from_db()
    assert dalkia_lead.status == Lead.Status.CONTACTED
