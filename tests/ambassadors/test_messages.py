""" "Contacter cette copropriété": the message is saved, then relayed by email with retries; the
ambassador's address is never revealed, the asker's only if they agree; replies go back and forth
through signed links."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from ambassadors import emails as ambassador_emails
from ambassadors import services
from ambassadors.models import Message
from contacts.models import OutgoingEmail
from tests.ambassadors.conftest import BROKEN
from tests.ambassadors.factories import AMBASSADOR_EMAIL, AmbassadorFactory, MessageFactory

pytestmark = pytest.mark.django_db
ASKER_EMAIL = "camille.martin@exemple.fr"


def message_data(**overrides) -> dict:
    return {
        "asker_name": "Camille Martin",
        "asker_email": ASKER_EMAIL,
        "building_address": "3 rue de la Gare 95200 Sarcelles",
        "body": "Bonjour, combien de temps ont duré vos travaux ?",
        "site_web": "",
        **overrides,
    }


@pytest.fixture
def ambassador():
    return AmbassadorFactory()


def post(client, ambassador, **overrides):
    return client.post(f"/ambassadeurs/{ambassador.pk}/contacter/", message_data(**overrides))


def reply_link(body: str) -> str:
    return re.search(r"http://localhost:8000(/ambassadeurs/repondre/[^/\s]+/)", body)[1]


def test_the_message_is_relayed_to_the_ambassador_without_the_askers_address(
    client, ambassador, committed, mailoutbox
):
    with committed():
        response = post(client, ambassador)
    assert response.status_code == 302
    assert response["Location"] == f"/ambassadeurs/{ambassador.pk}/message-envoye/"
    message = Message.objects.get()
    assert message.status == Message.Status.RECEIVED and not message.share_email
    assert message.email.status == OutgoingEmail.Status.SENT

    (relayed,) = mailoutbox
    assert relayed.to == [AMBASSADOR_EMAIL]
    assert relayed.subject == "Une copropriété vous écrit : Camille Martin"
    assert "combien de temps ont duré vos travaux ?" in relayed.body
    assert "3 rue de la Gare 95200 Sarcelles" in relayed.body
    assert ASKER_EMAIL not in relayed.body and ASKER_EMAIL not in str(relayed.message())
    assert relayed.reply_to == []
    assert "/ambassadeurs/repondre/" in relayed.body


def test_the_askers_address_is_given_only_when_they_agree(
    client, ambassador, committed, mailoutbox
):
    with committed():
        post(client, ambassador, share_email="on")
    (relayed,) = mailoutbox
    assert relayed.reply_to == [ASKER_EMAIL]
    assert f"accepté de vous transmettre son adresse électronique : {ASKER_EMAIL}" in relayed.body


def test_the_confirmation_page_never_shows_the_ambassadors_address(client, ambassador):
    response = post(client, ambassador)
    html = client.get(response["Location"]).content.decode()
    assert "Votre message est enregistré" in html
    assert AMBASSADOR_EMAIL not in html


def test_html_is_relayed_and_shown_as_text(client, ambassador, committed, mailoutbox):
    body = '<script>alert("x")</script> & <b>gras</b>'
    with committed():
        post(client, ambassador, body=body)
    (relayed,) = mailoutbox
    assert body in relayed.body  # a plain text email: as typed, never escaped nor interpreted
    page = client.get(reply_link(relayed.body)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;" in page
    assert '<script>alert("x")' not in page


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"body": ""}, "Écrivez votre message."),
        ({"body": "x" * 2001}, "2\u202f000 caractères au plus"),
        ({"asker_email": "camille"}, "Indiquez une adresse électronique valide"),
        ({"asker_name": ""}, "Indiquez votre nom."),
    ],
)
def test_bad_messages_are_refused_in_french_and_not_saved(client, ambassador, overrides, error):
    response = post(client, ambassador, **overrides)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Message.objects.count() == 0


def test_a_message_of_2000_characters_is_accepted(client, ambassador):
    assert post(client, ambassador, body="é" * 2000).status_code == 302


def test_the_honeypot_holds_the_message_without_relaying_it(
    client, ambassador, committed, mailoutbox
):
    with committed():
        response = post(client, ambassador, site_web="http://spam.example")
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.status == Message.Status.HELD and message.email is None
    assert mailoutbox == []


def test_the_team_releases_a_held_message(admin_client, ambassador, committed, mailoutbox):
    message = MessageFactory(ambassador=ambassador, status=Message.Status.HELD)
    with committed():
        admin_client.post(
            "/admin/ambassadors/message/", {"action": "release", "_selected_action": [message.pk]}
        )
    message.refresh_from_db()
    assert message.status == Message.Status.RECEIVED
    assert [m.to for m in mailoutbox] == [[AMBASSADOR_EMAIL]]


def test_messages_are_rate_limited(client, ambassador, settings):
    settings.RATELIMIT_AMBASSADOR_MESSAGES = "2/3600"
    assert post(client, ambassador).status_code == 302
    assert post(client, ambassador).status_code == 302
    response = post(client, ambassador)
    assert response.status_code == 429
    assert Message.objects.count() == 2


def test_a_paused_ambassador_cannot_be_contacted(client):
    paused = AmbassadorFactory(paused=True)
    assert post(client, paused).status_code == 404
    assert Message.objects.count() == 0


def test_when_the_email_fails_the_message_is_kept_and_sent_later(
    client, ambassador, committed, mailoutbox, settings
):
    settings.EMAIL_BACKEND = BROKEN
    with committed():
        response = post(client, ambassador)
    assert response.status_code == 302  # the asker is not penalised
    message = Message.objects.get()
    email = message.email
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == 1 and "503" in email.last_error
    assert email.next_attempt_at is not None
    assert mailoutbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = (timezone.now() + timedelta(minutes=2)).isoformat()
    call_command("send_pending_emails", "--now", later)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    (relayed,) = mailoutbox
    assert relayed.to == [AMBASSADOR_EMAIL]
    assert "combien de temps ont duré vos travaux ?" in relayed.body


def test_relay_failures_are_visible_in_the_admin(admin_client, ambassador, committed, settings):
    settings.EMAIL_BACKEND = BROKEN
    with committed():
        services.send_message(
            ambassador=ambassador, asker_name="Camille", asker_email=ASKER_EMAIL, body="Bonjour"
        )
    html = admin_client.get(
        "/admin/ambassadors/message/?email__status__exact=failed"
    ).content.decode()
    assert "Échec" in html and "AnymailAPIError" in html


def test_the_ambassador_replies_through_the_service_and_the_asker_back(
    client, ambassador, committed, mailoutbox
):
    with committed():
        post(client, ambassador)
    (relayed,) = mailoutbox
    link = reply_link(relayed.body)

    page = client.get(link)
    assert page.status_code == 200
    assert "Répondre à Camille Martin" in page.content.decode()
    assert Message.objects.count() == 1  # a GET sends nothing

    with committed():
        response = client.post(
            link, {"body": "Six mois, sans coupure de chauffage.", "site_web": ""}
        )
    assert response.status_code == 200
    assert "Votre réponse est enregistrée" in response.content.decode()
    answer = mailoutbox[1]
    assert answer.to == [ASKER_EMAIL]
    assert answer.subject == "La copropriété de Sarcelles vous répond"
    assert "Six mois, sans coupure de chauffage." in answer.body
    assert AMBASSADOR_EMAIL not in str(answer.message())
    assert answer.reply_to == []

    with committed():
        client.post(reply_link(answer.body), {"body": "Merci beaucoup !", "site_web": ""})
    back = mailoutbox[2]
    assert back.to == [AMBASSADOR_EMAIL]
    assert "Merci beaucoup !" in back.body
    assert ASKER_EMAIL not in str(back.message())
    thread = Message.objects.get(thread__isnull=True)
    assert thread.replies.count() == 2


def test_a_forged_or_altered_reply_link_is_a_404(client, ambassador):
    message = MessageFactory(ambassador=ambassador)
    valid = reply_link(ambassador_emails.reply_url(message, by=ambassador_emails.AMBASSADOR))
    assert client.get(valid).status_code == 200
    assert client.get(valid[:-3] + "xx/").status_code == 404
    assert client.get("/ambassadeurs/repondre/pas-signe/").status_code == 404
    # The asker cannot use a link meant for the ambassador's answer the other way round.
    wrong_side = ambassador_emails.reply_url(message, by=ambassador_emails.ASKER)
    assert client.get(reply_link(wrong_side)).status_code == 404


def test_reply_links_expire_with_the_retention(client, ambassador, settings):
    settings.AMBASSADOR_MESSAGE_RETENTION_DAYS = 30
    message = MessageFactory(ambassador=ambassador)
    link = reply_link(ambassador_emails.reply_url(message, by=ambassador_emails.AMBASSADOR))
    in_29_days, in_31_days = (time.time() + days * 86400 for days in (29, 31))
    with mock.patch("django.core.signing.time.time", return_value=in_29_days):
        assert client.get(link).status_code == 200
    with mock.patch("django.core.signing.time.time", return_value=in_31_days):
        assert client.get(link).status_code == 404
