"""Dates that the back office writes through Django's own formats read in figures, never
« 1 janvier » (French writes « 1er janvier », which no Django date format can say)."""

import datetime
import zoneinfo

import pytest

from tests.contacts.factories import LeadFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_lead_page_writes_the_first_of_the_month_in_figures(dalkia_client, dalkia):
    lead = LeadFactory(organisation=dalkia)
    type(lead).objects.filter(pk=lead.pk).update(
        created_at=datetime.datetime(2026, 1, 1, 10, 0, tzinfo=PARIS)
    )
    html = dalkia_client.get(f"/admin/contacts/lead/{lead.pk}/change/").content.decode()
    assert "01/01/2026 à 10:00" in html
    assert "1 janvier 2026" not in html
