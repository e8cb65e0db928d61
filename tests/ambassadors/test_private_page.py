"""The contact's private page (signed link from the emails): edit, pause and resume, withdraw
(which erases the personal data and the photo file); a lost link sent again."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from ambassadors.models import Ambassador, Message
from contacts.models import OutgoingEmail
from tests.ambassadors.conftest import jpeg_bytes
from tests.ambassadors.factories import AMBASSADOR_EMAIL, AmbassadorFactory, MessageFactory

pytestmark = pytest.mark.django_db


def edit_data(ambassador, **overrides) -> dict:
    data = {
        "connection_year": ambassador.connection_year,
        "dwellings": ambassador.dwellings,
        "works": ambassador.works,
        "cost_eur": ambassador.cost_eur or "",
        "savings_percent": ambassador.savings_percent or "",
        "testimony": ambassador.testimony,
        "contact_role": ambassador.contact_role,
        "contact_name": ambassador.contact_name,
    }
    data.update(overrides)
    return data


def url(ambassador, suffix="") -> str:
    return f"/ambassadeurs/gerer/{ambassador.manage_token}/{suffix}"


def test_the_private_page_is_private(client):
    ambassador = AmbassadorFactory()
    response = client.get(url(ambassador))
    assert response.status_code == 200
    assert "Gérer votre fiche d’ambassadrice" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert client.get("/ambassadeurs/gerer/un-faux-jeton/").status_code == 404


def test_the_contact_edits_the_listing_and_the_team_is_told(client, committed, mailoutbox):
    ambassador = AmbassadorFactory()
    with committed():
        response = client.post(
            url(ambassador),
            edit_data(ambassador, testimony="Nouveau témoignage.", cost_public="on"),
        )
    assert response.status_code == 302
    ambassador.refresh_from_db()
    assert ambassador.testimony == "Nouveau témoignage."
    assert ambassador.cost_public and ambassador.status == Ambassador.Status.PUBLISHED
    assert ambassador.edited_at is not None
    detail = client.get(f"/ambassadeurs/{ambassador.pk}/").content.decode()
    assert "Nouveau témoignage." in detail and "85\xa0000\xa0€ TTC" in detail
    assert [m.to for m in mailoutbox] == [["moderation@fcu.example.fr"]]
    assert "vient de modifier sa fiche" in mailoutbox[0].body


def test_a_bad_edit_is_refused_in_french(client):
    ambassador = AmbassadorFactory()
    response = client.post(url(ambassador), edit_data(ambassador, testimony=""))
    assert response.status_code == 400
    assert "Écrivez votre témoignage" in response.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.testimony.startswith("Le raccordement")


def test_pause_hides_the_listing_and_resume_shows_it_again(client):
    ambassador = AmbassadorFactory(testimony="Visible ou pas.")
    assert client.post(url(ambassador, "pause/")).status_code == 302
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PAUSED
    assert "Visible ou pas." not in client.get("/ambassadeurs/").content.decode()
    assert client.get(f"/ambassadeurs/{ambassador.pk}/").status_code == 404
    assert client.get("/api/v1/ambassadors.geojson").json()["features"] == []

    client.post(url(ambassador, "pause/"))
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PUBLISHED
    assert "Visible ou pas." in client.get("/ambassadeurs/").content.decode()


def test_pause_needs_a_post(client):
    ambassador = AmbassadorFactory()
    assert client.get(url(ambassador, "pause/")).status_code == 405


def test_withdrawal_erases_the_personal_data_and_the_photo_file(client, committed, media_root):
    ambassador = AmbassadorFactory()
    ambassador.photo.save("photo.jpg", ContentFile(jpeg_bytes()), save=True)
    photo_path = Path(ambassador.photo.path)
    assert photo_path.exists()
    message = MessageFactory(ambassador=ambassador)
    message.email = OutgoingEmail.objects.create(
        kind="ambassador_message",
        recipient=AMBASSADOR_EMAIL,
        subject="Une copropriété vous écrit",
        body=message.body,
        status=OutgoingEmail.Status.FAILED,
    )
    message.save()
    token = ambassador.manage_token

    confirm = client.get(url(ambassador, "retirer/"))
    assert "sans retour possible" in confirm.content.decode()
    with committed():
        response = client.post(url(ambassador, "retirer/"))
    assert response.status_code == 200
    assert "Votre fiche est retirée" in response.content.decode()

    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.WITHDRAWN and ambassador.withdrawn_at
    for field in ["contact_email", "contact_name", "testimony", "works", "address_label", "street"]:
        assert getattr(ambassador, field) == "", field
    assert not ambassador.photo and ambassador.location is None
    assert ambassador.cost_eur is None and ambassador.savings_percent is None
    assert ambassador.manage_token is None and ambassador.verification_token is None
    assert not photo_path.exists()
    # What stays is anonymous, for the statistics.
    assert (ambassador.commune, ambassador.code_insee, ambassador.connection_year) == (
        "Sarcelles",
        "95585",
        2019,
    )
    assert ambassador.published_at is not None
    message.refresh_from_db()
    assert message.status == Message.Status.ANONYMISED
    assert message.asker_email == "" and message.body == ""
    email = OutgoingEmail.objects.get(pk=message.email_id)
    assert email.status == OutgoingEmail.Status.CANCELLED
    assert email.recipient == "" and email.body == ""
    assert client.get(f"/ambassadeurs/gerer/{token}/").status_code == 404
    assert client.get(f"/ambassadeurs/{ambassador.pk}/").status_code == 404


def test_the_emails_sent_to_the_contact_are_blanked_at_withdrawal(client, network, committed):
    from ambassadors import services
    from tests.ambassadors.conftest import sign_up_data

    with committed():
        client.post("/ambassadeurs/inscription/", sign_up_data(network=str(network.pk)))
    ambassador = Ambassador.objects.get()
    with committed():
        services.withdraw(ambassador=ambassador)
    assert not OutgoingEmail.objects.filter(recipient=AMBASSADOR_EMAIL).exists()
    assert not OutgoingEmail.objects.filter(body__contains="Paul Dukas").exists()


def test_a_lost_link_is_sent_again_without_saying_whether_the_address_is_known(
    client, committed, mailoutbox
):
    ambassador = AmbassadorFactory()
    with committed():
        known = client.post("/ambassadeurs/lien-de-gestion/", {"email": AMBASSADOR_EMAIL.upper()})
        unknown = client.post("/ambassadeurs/lien-de-gestion/", {"email": "inconnu@exemple.fr"})
    assert known.content.decode().count("Si une fiche") == 1
    assert "Si une fiche" in unknown.content.decode()
    (sent,) = mailoutbox
    assert sent.to == [AMBASSADOR_EMAIL]
    assert f"/ambassadeurs/gerer/{ambassador.manage_token}/" in sent.body
