"""Who changed what: Django's admin journal (LogEntry), read-only, for the national team; and the
back office's groups and their permissions."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group

from contacts import groups

pytestmark = pytest.mark.django_db


def test_a_change_of_an_organisation_is_journaled_and_listed_for_the_national_team(
    national_client, national_user, dalkia
):
    url = f"/admin/contacts/organisation/{dalkia.pk}/change/"
    form = national_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "email": "nouvelle-adresse@dalkia.example.fr",
            "networks": [n.pk for n in dalkia.networks.all()],
            "future_networks": [],
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    response = national_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = LogEntry.objects.get(user=national_user, object_id=str(dalkia.pk))
    assert "Adresse de notification" in entry.get_change_message()

    listing = national_client.get("/admin/admin/logentry/").content.decode()
    assert "Dalkia Île-de-France" in listing and "equipe.nationale" in listing
    entry_page = national_client.get(f"/admin/admin/logentry/{entry.pk}/change/")
    assert entry_page.status_code == 200
    assert 'name="_save"' not in entry_page.content.decode()


def test_the_journal_cannot_be_edited_or_deleted(national_client, national_user, dalkia):
    entry = LogEntry.objects.create(
        user=national_user, object_repr="x", action_flag=1, change_message="[]"
    )
    assert national_client.post(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403
    assert national_client.get("/admin/admin/logentry/add/").status_code == 403


def test_operators_do_not_read_the_journal(dalkia_client):
    assert dalkia_client.get("/admin/admin/logentry/").status_code == 403


def test_the_groups_grant_the_least_privilege():
    operator = set(
        Group.objects.get(name=groups.OPERATOR).permissions.values_list("codename", flat=True)
    )
    assert operator == {"view_lead", "change_lead", "view_leadevent", "view_outgoingemail"}
    advisor = Group.objects.get(name=groups.ADVISOR).permissions.values_list("codename", flat=True)
    assert set(advisor) == operator
    national = set(
        Group.objects.get(name=groups.NATIONAL_TEAM).permissions.values_list("codename", flat=True)
    )
    assert {"view_logentry", "change_heatnetwork", "change_organisation"} <= national
    assert not {"delete_lead", "change_user", "add_user", "delete_organisation"} & national
