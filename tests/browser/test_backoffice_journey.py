"""Journey 2, the operator's side: a lead arrives, the operator logs in with a password and a TOTP
code, finds the lead, replies; the requester's email leaves with the operator as reply-to."""

import pytest
from django.core import mail

from contacts import services
from contacts.models import Lead, LeadEvent
from tests.browser.backoffice import log_in, sarcelles_operator
from tests.eligibility.factories import SARCELLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.fixture
def operator(settings):
    return sarcelles_operator(
        settings,
        organisation_email="demandes@dalkia.example.fr",
        email="claire.gestionnaire@dalkia.example.fr",
        last_name="Gestionnaire",
    )


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


def test_the_operator_logs_in_with_a_code_sees_the_lead_and_replies(page, operator, lead):
    user, device = operator
    assert lead.organisation.name == "Dalkia Île-de-France"

    log_in(page, user, device, path="/admin/")

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
