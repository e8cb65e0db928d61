"""The admin's "voir sur le site" shortcut (`/admin/r/<content type>/<id>/`) never leads a staff
member to a requester's private page, nor to an object the back office hides from them."""

import pytest
from django.contrib.contenttypes.models import ContentType

from ambassadors.models import Ambassador
from contacts.models import Lead
from tests.ambassadors.factories import AmbassadorFactory
from tests.backoffice.conftest import log_in
from tests.contacts.factories import UserFactory

pytestmark = pytest.mark.django_db


def shortcut(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def assert_not_found(response, lead):
    assert response.status_code == 404
    assert lead.token not in response.get("Location", "")
    assert lead.token not in response.content.decode()


def test_staff_without_an_organisation_cannot_open_a_requesters_private_page(
    client, dalkia_user, dalkia_lead
):
    dalkia_user.membership.delete()
    dalkia_user.refresh_from_db()
    client.force_login(dalkia_user)
    assert_not_found(client.get(shortcut(dalkia_lead)), dalkia_lead)


def test_another_organisations_operator_cannot_open_a_requesters_private_page(
    client, coriance_user, dalkia_lead
):
    log_in(client, coriance_user)
    assert_not_found(client.get(shortcut(dalkia_lead)), dalkia_lead)


def test_the_leads_own_operator_cannot_open_the_requesters_private_page(dalkia_client, dalkia_lead):
    assert_not_found(dalkia_client.get(shortcut(dalkia_lead)), dalkia_lead)


def test_the_national_team_cannot_open_a_requesters_private_page(national_client, dalkia_lead):
    assert_not_found(national_client.get(shortcut(dalkia_lead)), dalkia_lead)


def test_a_superuser_cannot_open_a_requesters_private_page(client, dalkia_lead):
    user = UserFactory(username="administrateur", is_superuser=True)
    log_in(client, user, verified=True)
    assert_not_found(client.get(shortcut(dalkia_lead)), dalkia_lead)


def test_leads_have_no_public_address_django_could_redirect_to():
    assert not hasattr(Lead, "get_absolute_url")


def test_staff_outside_the_national_team_cannot_follow_the_shortcut_of_an_ambassador(
    dalkia_client,
):
    pending = AmbassadorFactory(status=Ambassador.Status.PENDING_MODERATION)
    assert dalkia_client.get(shortcut(pending)).status_code == 404


def test_the_national_team_follows_the_shortcut_to_a_published_ambassadors_public_page(
    national_client,
):
    ambassador = AmbassadorFactory()
    response = national_client.get(shortcut(ambassador))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/ambassadeurs/{ambassador.pk}/")
    assert ambassador.manage_token not in response["Location"]
