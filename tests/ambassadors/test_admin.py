"""The ambassadors' back office: the national team (with its group's permissions) moderates;
operators and agencies never see ambassadors nor messages."""

import pytest
from django.contrib.auth.models import Group

from contacts import groups
from tests.ambassadors.factories import AmbassadorFactory, MessageFactory
from tests.contacts.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_groups(db):
    groups.sync_groups()


def staff(username, organisation, group):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    MembershipFactory(user=user, organisation=organisation)
    return user


def test_the_national_team_group_can_moderate(client):
    ambassador = AmbassadorFactory(pending_moderation=True)
    client.force_login(
        staff("equipe", OrganisationFactory(national_team=True), groups.NATIONAL_TEAM)
    )
    assert client.get("/admin/ambassadors/ambassador/").status_code == 200
    assert client.get(f"/admin/ambassadors/ambassador/{ambassador.pk}/change/").status_code == 200
    client.post(
        "/admin/ambassadors/ambassador/",
        {"action": "publish", "_selected_action": [ambassador.pk]},
    )
    ambassador.refresh_from_db()
    assert ambassador.is_public


def test_an_operator_sees_neither_ambassadors_nor_messages(client):
    ambassador = AmbassadorFactory()
    message = MessageFactory(ambassador=ambassador)
    client.force_login(staff("dalkia", OrganisationFactory(name="Dalkia"), groups.OPERATOR))
    assert client.get("/admin/ambassadors/ambassador/").status_code == 403
    assert client.get(f"/admin/ambassadors/ambassador/{ambassador.pk}/change/").status_code == 403
    assert client.get(f"/admin/ambassadors/message/{message.pk}/change/").status_code == 403
    assert "ambassadors" not in client.get("/admin/").content.decode()


def test_nobody_deletes_an_ambassador_row_from_the_admin(admin_client):
    ambassador = AmbassadorFactory()
    response = admin_client.get(f"/admin/ambassadors/ambassador/{ambassador.pk}/delete/")
    assert response.status_code == 403


def test_messages_are_read_only_and_escaped(admin_client):
    message = MessageFactory(body="<script>alert(1)</script>")
    html = admin_client.get(f"/admin/ambassadors/message/{message.pk}/change/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'name="body"' not in html
