"""`create_demo_accounts`: demo organisations, one account per role, a few fictitious leads at
real addresses routed for real; idempotent; refused in production."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.models import Lead, LeadEvent, Membership, Organisation

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "gestionnaire.dalkia": "Gestionnaire de réseau",
    "gestionnaire.engie": "Gestionnaire de réseau",
    "gestionnaire.coriance": "Gestionnaire de réseau",
    "conseiller.95": "Conseiller territorial",
    "equipe.nationale": "Équipe nationale",
}


def run(*args, **options):
    out = io.StringIO()
    call_command("create_demo_accounts", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def state():
    return (
        sorted(get_user_model().objects.values_list("username", flat=True)),
        sorted(Organisation.objects.values_list("name", flat=True)),
        Membership.objects.count(),
        Lead.objects.count(),
        LeadEvent.objects.count(),
        TOTPDevice.objects.count(),
    )


def test_it_creates_one_account_per_role_with_a_password_printed_once(
    settings, sarcelles_network, villiers_network
):
    settings.DEMO_ACCOUNTS_PASSWORD = ""
    output = run()
    password = re.search(r"affiché une seule fois\) : (\S+)", output)[1]
    users = get_user_model().objects.filter(username__in=ACCOUNTS)
    assert {user.username: user.groups.get().name for user in users} == ACCOUNTS
    for user in users:
        assert user.is_staff and not user.is_superuser and user.check_password(password)
        assert user.email.endswith("@example.org")
    dalkia = Organisation.objects.get(name="Dalkia (démonstration)")
    assert list(dalkia.networks.values_list("network_id", flat=True)) == ["9502C"]
    assert Organisation.objects.get(name__startswith="Agence locale").departements == ["95"]
    national = get_user_model().objects.get(username="equipe.nationale")
    assert national.membership.organisation.kind == Organisation.Kind.NATIONAL_TEAM
    assert TOTPDevice.objects.filter(user=national, confirmed=True).exists()

    again = run()
    assert password not in again and "déjà présents" in again
    users = get_user_model().objects.filter(username__in=ACCOUNTS)
    assert all(user.check_password(password) for user in users)


def test_it_is_idempotent(settings, sarcelles_network, villiers_network):
    settings.DEMO_ACCOUNTS_PASSWORD = "mot-de-passe-de-demo"
    run()
    first = state()
    run()
    assert state() == first
    assert (
        get_user_model()
        .objects.get(username="conseiller.95")
        .check_password("mot-de-passe-de-demo")
    )


def test_the_demo_leads_are_fictitious_requesters_routed_for_real(
    settings, sarcelles_network, villiers_network
):
    run()
    leads = {lead.last_name: lead for lead in Lead.objects.select_related("organisation")}
    assert set(leads) == {"Dupont", "Lefèvre", "Martin", "Bernard", "Petit"}
    assert all(lead.first_name == "Exemple" for lead in leads.values())
    assert all(lead.email.endswith("@example.org") for lead in leads.values())
    assert leads["Dupont"].organisation.name == "Dalkia (démonstration)"
    assert leads["Dupont"].address_label == "15 Allée Paul Dukas 95200 Sarcelles"
    assert leads["Martin"].organisation.name == "Coriance (démonstration)"
    assert leads["Petit"].organisation.name.startswith("Agence locale de l’énergie du Val-d’Oise")
    assert leads["Dupont"].status == Lead.Status.CONTACTED  # a history to look at
    assert leads["Dupont"].events.filter(actor__username="gestionnaire.dalkia").count() == 2


def test_a_demo_operator_logs_in_and_sees_its_leads(settings, client, sarcelles_network):
    settings.DEMO_ACCOUNTS_PASSWORD = "mot-de-passe-de-demo"
    run()
    client.post(
        "/admin/login/",
        {"username": "gestionnaire.dalkia", "password": "mot-de-passe-de-demo", "otp_token": ""},
    )
    listed = client.get("/admin/contacts/lead/").context["cl"].result_list
    assert {lead.last_name for lead in listed} == {"Dupont", "Lefèvre"}


def test_the_national_demo_account_logs_in_with_the_printed_code(settings, client):
    settings.DEMO_ACCOUNTS_PASSWORD = "mot-de-passe-de-demo"
    run("--no-leads")
    out = io.StringIO()
    call_command("demo_otp_code", "equipe.nationale", stdout=out)
    token = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", token)
    response = client.post(
        "/admin/login/",
        {"username": "equipe.nationale", "password": "mot-de-passe-de-demo", "otp_token": token},
    )
    assert response.status_code == 302
    assert client.get("/admin/contacts/lead/").status_code == 200


def test_it_refuses_to_run_in_production(settings):
    settings.DJANGO_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        run()
    assert not get_user_model().objects.filter(username__in=ACCOUNTS).exists()
    with pytest.raises(CommandError, match="production"):
        call_command("demo_otp_code", "equipe.nationale")


def test_forced_in_production_it_creates_no_authenticator_device(settings):
    settings.DJANGO_ENV = "production"
    settings.DEMO_ACCOUNTS_PASSWORD = "mot-de-passe-de-demo"
    run("--force", "--no-leads")
    assert get_user_model().objects.filter(username__in=ACCOUNTS).count() == 5
    assert not TOTPDevice.objects.exists() and not Lead.objects.exists()
