"""The imported register in the back office: read only, for the national team."""

import pytest
from django.urls import reverse

from tests.prospects.factories import CondominiumFactory

pytestmark = pytest.mark.django_db


def test_the_national_team_reads_the_register_but_cannot_change_it(national_client):
    condominium = CondominiumFactory(name="Résidence Paul Dukas")

    listing = national_client.get(reverse("admin:eligibility_condominium_changelist"))
    page = national_client.get(
        reverse("admin:eligibility_condominium_change", args=[condominium.pk])
    )

    assert listing.status_code == 200
    assert "Résidence Paul Dukas" in listing.content.decode()
    assert "Gaz collectif" in listing.content.decode()
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert "2.372514, 48.974443" in page.content.decode()
    add = reverse("admin:eligibility_condominium_add")
    assert national_client.get(add).status_code == 403


def test_an_operator_does_not_reach_the_register_in_the_admin(dalkia_client):
    CondominiumFactory()

    response = dalkia_client.get(reverse("admin:eligibility_condominium_changelist"))

    assert response.status_code == 403
