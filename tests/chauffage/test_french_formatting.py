"""French formatting of what users read (chauffage/formatting.py and its template filters):
« 1er janvier », digit grouping with no-break spaces, French plurals."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from chauffage import formatting
from tests.contacts.factories import LeadFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def render(source: str, **context) -> str:
    return Template("{% load fr_format %}" + source).render(Context(context))


def test_the_first_day_of_a_month_is_written_with_the_ordinal():
    assert formatting.date(datetime.date(2026, 1, 1)) == "1er janvier 2026"


def test_other_days_are_written_as_numbers():
    assert formatting.date(datetime.date(2026, 8, 15)) == "15 août 2026"


def test_a_moment_is_written_in_paris_time_with_its_hour():
    moment = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=datetime.UTC)  # 1 March in Paris
    assert formatting.date(moment, with_time=True) == "1er mars 2026 à 00:30"


def test_no_date_is_written_as_nothing():
    assert formatting.date(None) == ""


def test_thousands_are_grouped_with_a_no_break_space():
    assert formatting.number(85000) == "85\xa0000"
    assert formatting.number(1234567) == "1\xa0234\xa0567"
    assert formatting.number(66.66, 1) == "66,7"


def test_a_unit_follows_its_number_after_a_no_break_space():
    assert formatting.with_unit(85000, "€") == "85\xa0000\xa0€"
    assert formatting.with_unit(3200, "m²") == "3\xa0200\xa0m²"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 demande"), (1, "1 demande"), (2, "2 demandes"), (1234, "1\xa0234 demandes")],
)
def test_counts_agree_with_their_noun_the_french_way(count, expected):
    assert formatting.plural(count, "demande") == expected


def test_an_irregular_plural_is_given_explicitly():
    assert formatting.plural(3, "réseau", "réseaux") == "3 réseaux"


@pytest.mark.parametrize(
    ("count", "expected"), [(1, "le dernier mois"), (3, "les 3 derniers mois")]
)
def test_last_months_agree_with_their_count(count, expected):
    assert formatting.last_months(count) == expected


def test_the_template_filters_write_the_same():
    html = render(
        "{{ day|date_fr }} | {{ n|pluriel:'demande' }} | {{ n|derniers_mois }} | "
        "{{ area|unite:'m²' }} | témoigne{{ n|accord:'nt' }} | {{ big|nombre }}",
        day=datetime.date(2026, 5, 1),
        n=1,
        area=3200,
        big=85000,
    )
    assert (
        html == "1er mai 2026 | 1 demande | le dernier mois | 3\xa0200\xa0m² | témoigne | 85\xa0000"
    )


@pytest.mark.django_db
def test_the_requesters_private_page_writes_the_first_of_the_month_with_the_ordinal(client):
    lead = LeadFactory()
    created = datetime.datetime(2026, 1, 1, 10, 0, tzinfo=PARIS)
    type(lead).objects.filter(pk=lead.pk).update(created_at=created, floor_area_m2=3200)
    html = client.get(f"/demande/{lead.token}/").content.decode()
    assert "Demande envoyée le 1er janvier 2026" in html
    assert "3\xa0200\xa0m²" in html


@pytest.mark.django_db
def test_the_confirmation_email_writes_the_first_of_the_month_with_the_ordinal():
    from contacts.services import _requester_context

    lead = LeadFactory()
    type(lead).objects.filter(pk=lead.pk).update(
        created_at=datetime.datetime(2026, 3, 1, 9, 0, tzinfo=PARIS)
    )
    lead.refresh_from_db()
    body = render_to_string("emails/lead_confirmation_body.txt", _requester_context(lead))
    assert "demande de contact du 1er mars 2026" in body


def test_dates_written_by_django_itself_never_read_1_janvier():
    from django.utils.formats import date_format

    assert date_format(datetime.date(2026, 1, 1)) == "01/01/2026"
    assert date_format(datetime.datetime(2026, 1, 1, 8, 5), "DATETIME_FORMAT") == (
        "01/01/2026 à 08:05"
    )
