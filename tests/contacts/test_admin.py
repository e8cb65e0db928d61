"""The back office seen by administrators (superusers); the scoped back office of organisations
is tested in tests/backoffice."""

import pytest

from contacts.models import OutgoingEmail
from tests.contacts.factories import LeadFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_the_notification_link_opens_the_lead_for_an_administrator(admin_client):
    lead = LeadFactory(comment="<script>alert(1)</script>")
    response = admin_client.get(f"/admin/contacts/lead/{lead.pk}/change/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "15 Allée Paul Dukas 95200 Sarcelles" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_email_failures_are_listed_for_administrators(admin_client):
    OutgoingEmail.objects.create(
        kind="confirmation",
        recipient="camille@exemple.fr",
        subject="Votre demande",
        body="-",
        status=OutgoingEmail.Status.FAILED,
        attempts=2,
        last_error="AnymailAPIError: 503",
    )
    html = admin_client.get("/admin/contacts/outgoingemail/?status__exact=failed").content.decode()
    assert "Votre demande" in html and "Échec" in html


def test_staff_of_an_organisation_without_a_back_office_group_cannot_see_leads(client):
    membership = MembershipFactory(organisation=OrganisationFactory(name="Dalkia"))
    membership.user.user_permissions.set([])
    lead = LeadFactory(organisation=membership.organisation)
    client.force_login(membership.user)
    assert client.get(f"/admin/contacts/lead/{lead.pk}/change/").status_code == 403
    assert client.get("/admin/contacts/lead/").status_code == 403
