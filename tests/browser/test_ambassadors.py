"""Journey 3: from the eligibility result to the ambassadors of the network, one of them, a
message relayed by email; and the sign-up, with the address autocomplete."""

import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from ambassadors.models import Ambassador, Message
from tests.ambassadors.conftest import jpeg_bytes
from tests.ambassadors.factories import AMBASSADOR_EMAIL, AmbassadorFactory, sarcelles_network
from tests.conftest import serious_accessibility_violations
from tests.eligibility.factories import SARCELLES, AddressFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LABEL = "15 Allée Paul Dukas 95200 Sarcelles"


@pytest.fixture
def ambassadors(settings, tmp_path):
    """Two published ambassadors of the Sarcelles network, 150 m and 600 m north of 15 allée
    Paul Dukas; the nearest one with a photo."""
    settings.MEDIA_ROOT = tmp_path / "media"
    AddressFactory()
    network = sarcelles_network()
    far = AmbassadorFactory.at(600, network=network, street="Avenue Paul Valéry", dwellings=120)
    near = AmbassadorFactory.at(
        150,
        network=network,
        street="Rue Taillefer",
        dwellings=48,
        testimony="Le raccordement a été voté en 2018.\nNos charges ont baissé de 20 %.",
    )
    near.photo.save("photo.jpg", ContentFile(jpeg_bytes()), save=True)
    return near, far


def test_from_the_result_page_to_an_ambassador_and_a_relayed_message(page, ambassadors):
    near, _ = ambassadors
    query = {
        "adresse": LABEL,
        "label": LABEL,
        "lat": SARCELLES[0],
        "lon": SARCELLES[1],
        "citycode": "95585",
        "chauffage": "collective",
    }
    page.goto(f"/eligibilite/?{urlencode(query)}")
    page.get_by_role(
        "link", name=re.compile("copropriétés déjà raccordées à ce réseau témoignent")
    ).click()

    page.wait_for_url("**/ambassadeurs/?**")
    heading = page.get_by_role("heading", level=2, name=re.compile("copropriétés"))
    assert "2 copropriétés, les plus proches du 15 Allée Paul Dukas" in heading.inner_text()
    cards = page.locator("#liste-ambassadeurs .fr-card__title")
    assert cards.nth(0).inner_text() == "Copropriété de 48 logements, Sarcelles"  # nearest first
    assert "environ 200 m" in page.locator("#liste-ambassadeurs").inner_text()
    assert AMBASSADOR_EMAIL not in page.content()
    assert serious_accessibility_violations(page) == []

    cards.nth(0).get_by_role("link").click()
    page.wait_for_url(f"**/ambassadeurs/{near.pk}/")
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Copropriété de 48 logements, Sarcelles"
    )
    assert page.get_by_role("img", name=re.compile("L’immeuble de la copropriété")).is_visible()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="Contacter cette copropriété").click()
    page.wait_for_url(f"**/ambassadeurs/{near.pk}/contacter/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Envoyer mon message").click()  # empty: errors first
    page.wait_for_load_state()
    assert "Écrivez votre message." in page.locator("#erreurs-formulaire").inner_text()
    assert serious_accessibility_violations(page) == []
    page.console_errors.clear()  # the browser reports the 400 status

    page.get_by_label("Votre nom").fill("Camille Martin")
    page.get_by_label("Votre adresse électronique").fill("camille.martin@exemple.fr")
    page.get_by_label("Votre message").fill("Combien de temps ont duré les travaux ? <b>Merci</b>")
    page.get_by_role("button", name="Envoyer mon message").click()

    page.wait_for_url(f"**/ambassadeurs/{near.pk}/message-envoye/")
    assert page.get_by_role("heading", level=1).inner_text() == "Votre message est enregistré"
    assert serious_accessibility_violations(page) == []
    assert page.console_errors == []

    message = Message.objects.get()
    assert message.ambassador == near and not message.share_email
    (relayed,) = mail.outbox
    assert relayed.to == [AMBASSADOR_EMAIL]
    assert "Combien de temps ont duré les travaux ? <b>Merci</b>" in relayed.body
    assert "camille.martin@exemple.fr" not in str(relayed.message())


def test_sign_up_with_the_address_autocomplete_then_the_nearby_network(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    AddressFactory()
    sarcelles_network()
    page.goto("/ambassadeurs/inscription/")
    assert serious_accessibility_violations(page) == []
    field = page.get_by_role("combobox", name="Adresse de l’immeuble")
    field.press_sequentially("15 allee paul duk", delay=30)
    page.get_by_role("option", name=LABEL).wait_for()
    field.press("ArrowDown")
    field.press("Enter")
    page.get_by_role("button", name="Continuer").click()

    page.wait_for_url("**/ambassadeurs/inscription/?**")
    assert "lat=48.97" in page.url  # the suggestion's point: no geocoding needed
    network = page.get_by_label(re.compile("Grand Ensemble Sarcelles-Locheres"))
    assert network.is_checked()  # the only one nearby
    assert serious_accessibility_violations(page) == []

    page.get_by_label("Année de raccordement au réseau").fill("2019")
    page.get_by_label("Nombre de logements").fill("48")
    page.get_by_label("Votre témoignage").fill(
        "Un projet mené en deux ans, sans mauvaise surprise."
    )
    page.get_by_text("Membre du conseil syndical", exact=True).click()
    page.get_by_label("Votre nom").fill("Dominique Lefèvre")
    page.get_by_label("Votre adresse électronique").fill(AMBASSADOR_EMAIL)
    page.locator("label[for=id_consent]").click()
    page.get_by_role("button", name="Envoyer mon inscription").click()

    page.wait_for_url("**/ambassadeurs/inscription/merci/")
    ambassador = Ambassador.objects.get()
    assert ambassador.status == Ambassador.Status.PENDING_VERIFICATION
    assert ambassador.street == "Allée Paul Dukas" and ambassador.code_insee == "95585"
    (verification,) = mail.outbox
    assert f"/ambassadeurs/confirmer/{ambassador.verification_token}/" in verification.body
    assert page.console_errors == []
