"""services.create_lead: one transaction that saves, routes, records, and avoids duplicates."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Lead, LeadEvent, OutgoingEmail
from contacts.services import anonymise_lead, create_lead
from eligibility.rules import evaluate
from tests.eligibility.factories import SARCELLES, offset

pytestmark = pytest.mark.django_db


def test_a_lead_is_saved_with_its_verdict_routing_and_history(dalkia, service_data):
    lead, created = create_lead(**service_data)
    assert created
    assert (lead.category, lead.eligible, lead.distance_m) == ("existing_very_close", True, 48)
    assert (lead.network_id, lead.network_name) == ("9502C", "Grand Ensemble Sarcelles-Locheres")
    assert lead.organisation == dalkia and lead.status == Lead.Status.NEW
    event = lead.events.get()
    assert (event.kind, event.to_status, event.to_organisation) == ("created", "new", dalkia)
    assert event.note == lead.routing_reason
    assert set(OutgoingEmail.objects.values_list("kind", "status")) == {
        ("confirmation", "queued"),
        ("notification", "queued"),
    }
    assert len(lead.token) >= 40


def test_the_commune_comes_from_the_verdict_when_not_given(dalkia, service_data):
    lead, _ = create_lead(**{**service_data, "citycode": ""})
    assert lead.code_insee == "95585"  # the nearest known address


def test_a_given_verdict_is_used_as_it_is(dalkia, service_data):
    far = offset(SARCELLES, metres=3000, bearing=0)
    verdict = evaluate(lat=far[0], lon=far[1], citycode="95585")
    lead, _ = create_lead(**service_data, verdict=verdict)
    assert lead.category == "too_far" and lead.organisation is None


def test_consent_is_required(dalkia, service_data):
    with pytest.raises(ValueError, match="consent"):
        create_lead(**{**service_data, "consent": False})
    assert not Lead.objects.exists()


def test_same_email_and_address_within_30_days_returns_the_existing_lead(dalkia, service_data):
    first, _ = create_lead(**service_data)
    again, created = create_lead(**{**service_data, "email": "CAMILLE.MARTIN@exemple.fr"})
    assert (again, created) == (first, False)
    assert Lead.objects.count() == 1
    assert OutgoingEmail.objects.count() == 2  # no new emails
    assert LeadEvent.objects.count() == 1


def test_a_point_within_20_m_is_the_same_address(dalkia, service_data):
    first, _ = create_lead(**service_data)
    near = offset(SARCELLES, metres=15, bearing=270)
    data = {**service_data, "address_label": "17 Allée Paul Dukas 95200 Sarcelles"}
    again, created = create_lead(**{**data, "lat": near[0], "lon": near[1]})
    assert (again, created) == (first, False)

    farther = offset(SARCELLES, metres=30, bearing=270)
    data["address_label"] = "19 Allée Paul Dukas 95200 Sarcelles"
    _, created = create_lead(**{**data, "lat": farther[0], "lon": farther[1]})
    assert created


def test_the_same_label_without_coordinates_is_a_duplicate(service_data):
    data = {**service_data, "lat": None, "lon": None, "citycode": ""}
    first, _ = create_lead(**data)
    again, created = create_lead(**{**data, "address_label": data["address_label"].upper()})
    assert (again, created) == (first, False)


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "autre.personne@exemple.fr"},
        {"address_label": "1 Rue de Paris 95200 Sarcelles", "lat": 48.99, "lon": 2.38},
    ],
)
def test_another_email_or_another_address_is_a_new_lead(dalkia, service_data, changes):
    create_lead(**service_data)
    _, created = create_lead(**{**service_data, **changes})
    assert created and Lead.objects.count() == 2


def test_after_30_days_the_same_request_is_a_new_lead(dalkia, service_data):
    create_lead(**service_data, now=timezone.now() - timedelta(days=31))
    _, created = create_lead(**service_data)
    assert created


def test_a_deleted_request_is_not_a_duplicate(dalkia, service_data):
    first, _ = create_lead(**service_data)
    anonymise_lead(lead=first, reason="test")
    lead, created = create_lead(**service_data)
    assert created and lead != first
