"""Journey 2, the operator's side: a lead arrives, the operator logs in with a password and a TOTP
code, finds the lead, replies; the requester's email leaves with the operator as reply-to."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts import groups, services
from contacts.models import Lead, LeadEvent
from tests.contacts.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"
PASSWORD = "mot-de-passe-du-gestionnaire"


@pytest.fixture
def operator(settings):
    """Dalkia's operator on the real Sarcelles network, two-factor authentication required."""
    settings.OTP_REQUIRED_FOR_ALL_STAFF = True
    groups.sync_groups()
    network = HeatNetworkFactory(
        network_id="9502C",
        name="Grand Ensemble Sarcelles-Locheres",
        operator="DALKIA Paris la Defense",
        route=route_east_of(SARCELLES, 48),
    )
    dalkia = OrganisationFactory(
        name="Dalkia Île-de-France", email="demandes@dalkia.example.fr", networks=[network]
    )
    user = UserFactory(
        username="gestionnaire.dalkia",
        email="claire.gestionnaire@dalkia.example.fr",
        first_name="Claire",
        last_name="Gestionnaire",
    )
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=groups.OPERATOR))
    MembershipFactory(user=user, organisation=dalkia)
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    return user, device


@pytest.fixture
def lead(operator):
    lead, _ = services.create_lead(
        structure="condominium",
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@exemple.fr",
        heating_energy="gas",
        heating_type="collective",
        dwellings=48,
        comment="Chaudière de 1998 <à remplacer>.",
        consent=True,
        address_label=LABEL,
        lat=SARCELLES[0],
        lon=SARCELLES[1],
        citycode="95585",
    )
    mail.outbox.clear()
    return lead


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_the_operator_logs_in_with_a_code_sees_the_lead_and_replies(page, operator, lead):
    user, device = operator
    assert lead.organisation.name == "Dalkia Île-de-France"

    page.goto("/admin/")
    page.wait_for_url("**/admin/login/**")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Code de vérification").fill(current_code(device))
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/admin/")

    page.locator("#content-main a[href='/admin/contacts/lead/']").first.click()
    page.wait_for_url("**/admin/contacts/lead/")
    row = page.locator("#result_list tbody tr")
    assert row.count() == 1
    assert "Sarcelles" in row.inner_text() and "À traiter" in row.inner_text()

    row.get_by_role("link", name=LABEL).click()
    page.wait_for_url(f"**/admin/contacts/lead/{lead.pk}/change/")
    assert "Chaudière de 1998 <à remplacer>." in page.locator("body").inner_text()

    page.get_by_label("Votre réponse").fill("Bonjour, nous vous appelons lundi pour une visite.")
    page.get_by_role("button", name="Envoyer la réponse").click()
    page.wait_for_url(f"**/admin/contacts/lead/{lead.pk}/change/")
    assert "Réponse envoyée au demandeur" in page.locator(".messagelist").inner_text()

    (reply,) = [m for m in mail.outbox if m.to == ["camille.martin@exemple.fr"]]
    assert "nous vous appelons lundi" in reply.body
    assert reply.reply_to == ["claire.gestionnaire@dalkia.example.fr"]
    assert "Claire Gestionnaire, de Dalkia Île-de-France" in reply.body

    page.get_by_label("Nouveau statut").select_option(label="Recontacté pour étude")
    page.get_by_role("button", name="Changer le statut").click()
    page.wait_for_url(f"**/admin/contacts/lead/{lead.pk}/change/")
    assert page.locator("#statut-actuel").inner_text() == "Recontacté pour étude"
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    assert set(lead.events.values_list("kind", flat=True)) == {
        LeadEvent.Kind.CREATED,
        LeadEvent.Kind.REPLY,
        LeadEvent.Kind.STATUS,
    }
    assert page.console_errors == []
