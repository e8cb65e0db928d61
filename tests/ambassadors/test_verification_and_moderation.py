"""Double opt-in (a GET never confirms: mail scanners follow links), then moderation by the
national team before anything is public."""

import pytest

from ambassadors import services
from ambassadors.models import Ambassador
from tests.ambassadors.factories import AMBASSADOR_EMAIL, AmbassadorFactory

pytestmark = pytest.mark.django_db


def test_opening_the_link_does_not_confirm_the_email(client):
    ambassador = AmbassadorFactory(pending_verification=True)
    response = client.get(f"/ambassadeurs/confirmer/{ambassador.verification_token}/")
    assert response.status_code == 200
    assert "Confirmer mon adresse électronique" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING_VERIFICATION
    assert ambassador.verified_at is None


def test_the_button_confirms_and_tells_the_national_team(client, committed, mailoutbox):
    ambassador = AmbassadorFactory(pending_verification=True)
    with committed():
        response = client.post(f"/ambassadeurs/confirmer/{ambassador.verification_token}/")
    assert response.status_code == 200
    assert "Merci, votre adresse est confirmée" in response.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING_MODERATION
    assert ambassador.verified_at is not None
    (notice,) = mailoutbox
    assert notice.to == ["moderation@fcu.example.fr"]
    assert f"/admin/ambassadors/ambassador/{ambassador.pk}/change/" in notice.body


def test_confirming_twice_tells_the_team_once(client, committed, mailoutbox):
    ambassador = AmbassadorFactory(pending_verification=True)
    url = f"/ambassadeurs/confirmer/{ambassador.verification_token}/"
    with committed():
        client.post(url)
        response = client.post(url)
    assert "Adresse déjà confirmée" in response.content.decode()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_a_404(client, method):
    AmbassadorFactory(pending_verification=True)
    response = getattr(client, method)("/ambassadeurs/confirmer/pas-le-bon-jeton/")
    assert response.status_code == 404


@pytest.mark.parametrize("trait", ["pending_verification", "pending_moderation", "paused"])
def test_an_ambassador_that_is_not_published_is_invisible(client, trait):
    ambassador = AmbassadorFactory(**{trait: True}, testimony="Témoignage non publié")
    assert "Témoignage non publié" not in client.get("/ambassadeurs/").content.decode()
    assert client.get(f"/ambassadeurs/{ambassador.pk}/").status_code == 404
    assert client.get(f"/ambassadeurs/{ambassador.pk}/contacter/").status_code == 404
    assert client.get("/api/v1/ambassadors.geojson").json()["features"] == []


def test_a_published_ambassador_is_listed_and_has_its_page(
    client, admin_user, committed, mailoutbox
):
    ambassador = AmbassadorFactory(pending_moderation=True, testimony="Des charges en baisse.")
    with committed():
        services.publish(ambassador=ambassador, actor=admin_user)
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PUBLISHED and ambassador.published_at
    assert "Des charges en baisse." in client.get("/ambassadeurs/").content.decode()
    detail = client.get(f"/ambassadeurs/{ambassador.pk}/").content.decode()
    assert "Des charges en baisse." in detail and "Contacter cette copropriété" in detail
    (published,) = mailoutbox
    assert published.to == [AMBASSADOR_EMAIL]
    assert f"/ambassadeurs/{ambassador.pk}/" in published.body
    assert f"/ambassadeurs/gerer/{ambassador.manage_token}/" in published.body


def test_the_admin_publishes_with_an_action(admin_client, committed, mailoutbox):
    ambassador = AmbassadorFactory(pending_moderation=True)
    with committed():
        response = admin_client.post(
            "/admin/ambassadors/ambassador/",
            {"action": "publish", "_selected_action": [ambassador.pk]},
            follow=True,
        )
    assert "1 copropriété(s) publiée(s)" in response.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PUBLISHED
    assert ambassador.moderated_by is not None
    assert len(mailoutbox) == 1


def test_the_admin_refuses_with_a_reason_sent_to_the_contact(admin_client, committed, mailoutbox):
    ambassador = AmbassadorFactory(pending_moderation=True)
    selected = {"action": "reject", "_selected_action": [ambassador.pk]}
    form = admin_client.post("/admin/ambassadors/ambassador/", selected)
    assert form.status_code == 200
    assert "Motif du refus" in form.content.decode()
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.PENDING_MODERATION  # nothing yet

    with committed():
        admin_client.post(
            "/admin/ambassadors/ambassador/",
            {**selected, "apply": "1", "reason": "Le témoignage contient une publicité."},
        )
    ambassador.refresh_from_db()
    assert ambassador.status == Ambassador.Status.REJECTED
    assert ambassador.rejection_reason == "Le témoignage contient une publicité."
    (refusal,) = mailoutbox
    assert refusal.to == [AMBASSADOR_EMAIL]
    assert "Le témoignage contient une publicité." in refusal.body


def test_the_moderation_page_shows_the_pending_photo_to_the_team_only(
    admin_client, client, media_root
):
    from django.core.files.base import ContentFile

    from tests.ambassadors.conftest import jpeg_bytes

    ambassador = AmbassadorFactory(pending_moderation=True)
    ambassador.photo.save("x.jpg", ContentFile(jpeg_bytes()), save=True)
    page = admin_client.get(f"/admin/ambassadors/ambassador/{ambassador.pk}/change/")
    assert f'src="/ambassadeurs/{ambassador.pk}/photo.jpg"' in page.content.decode()
    assert admin_client.get(f"/ambassadeurs/{ambassador.pk}/photo.jpg").status_code == 200
    assert client.get(f"/ambassadeurs/{ambassador.pk}/photo.jpg").status_code == 404
