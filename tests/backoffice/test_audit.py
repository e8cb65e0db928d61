"""Who changed what: Django's admin journal (LogEntry), read-only, for the national team; and the
back office's groups and their permissions."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group

from chauffage import admin_audit
from contacts import groups
from tests.eligibility.factories import SARCELLES, route_east_of, square_around

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


# --- Old and new values of the national team's edits (chauffage/admin_audit.py) -----------------


def edit_network(client, network, **changes):
    """Posts the network's admin form as shown, with `changes`; returns the journal entry."""
    url = f"/admin/eligibility/heatnetwork/{network.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        route=network.route.json if network.route else "",
        communes=",".join(network.communes),
    )
    for name in ["production_mix", "power_mix", "deliveries", "fluid"]:
        data[name] = data[f"initial-{name}"] = "{}"  # as the page sends them, unchanged
    data.update(changes)
    if data.get("open_to_connections") is False:
        del data["open_to_connections"]  # an unticked checkbox is not sent
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return LogEntry.objects.filter(object_id=str(network.pk)).latest("action_time")


def values_of(entry) -> dict[str, tuple[str, str]]:
    return {v["field"]: (v["old"], v["new"]) for v in admin_audit.recorded_values(entry)}


def test_a_network_edit_records_each_changed_field_with_its_old_and_new_values(
    national_client, sarcelles_network
):
    entry = edit_network(
        national_client,
        sarcelles_network,
        threshold_very_close_m=60,
        threshold_close_m=100,
        operator="ENGIE Solutions",
        open_to_connections=False,
    )
    assert values_of(entry) == {
        "Seuil « très proche » (m)": ("(vide)", "60"),
        "Seuil « proche » (m)": ("(vide)", "100"),
        "Gestionnaire": ("DALKIA Paris la Defense", "ENGIE Solutions"),
        "Ouvert aux raccordements": ("oui", "non"),
    }
    # Django's own reading of the entry still works.
    assert "Seuil « très proche » (m)" in entry.get_change_message()


def test_a_route_edit_is_described_by_its_points_and_length_not_its_coordinates(
    national_client, sarcelles_network
):
    longer = route_east_of(SARCELLES, 48, half_length=500)
    entry = edit_network(national_client, sarcelles_network, route=longer.json)
    old, new = values_of(entry)["Tracé"]
    assert old == "lignes, 3 points, 0,60 km"
    assert new == "lignes, 3 points, 1,00 km"
    assert "2.3" not in entry.change_message and "48.9" not in entry.change_message


def test_an_unchanged_network_records_no_values(national_client, sarcelles_network):
    entry = edit_network(national_client, sarcelles_network)
    assert values_of(entry) == {}


def test_the_journal_shows_old_and_new_values_in_french_and_escaped(
    national_client, sarcelles_network
):
    edit_network(national_client, sarcelles_network, operator="<b>Régie</b> & Cie")
    listing = national_client.get("/admin/admin/logentry/").content.decode()
    assert "Gestionnaire : DALKIA Paris la Defense → &lt;b&gt;Régie&lt;/b&gt; &amp; Cie" in listing
    assert "<b>Régie</b>" not in listing


def test_an_organisation_edit_records_its_networks_by_name(
    national_client, dalkia, villiers_network
):
    url = f"/admin/contacts/organisation/{dalkia.pk}/change/"
    form = national_client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "networks": [n.pk for n in dalkia.networks.all()] + [villiers_network.pk],
            "future_networks": [],
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        }
    )
    assert national_client.post(url, data).status_code == 302
    entry = LogEntry.objects.filter(object_id=str(dalkia.pk)).latest("action_time")
    assert values_of(entry)["Réseaux gérés"] == (
        "9502C — Grand Ensemble Sarcelles-Locheres",
        "9502C — Grand Ensemble Sarcelles-Locheres, 9514C — Réseau de Villiers le Bel - Gonesse",
    )


def test_a_zone_is_described_by_its_area():
    zone = square_around(SARCELLES, 100)  # 200 m × 200 m
    assert admin_audit.describe_geometry(zone) == "polygones, 5 points, 4,00 ha"
