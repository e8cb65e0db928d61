"""One time zone, Paris's, wherever a date or a time is shown: a lead sent on 1 March 2026 at
23:30 UTC was sent on 2 March 2026 at 00:30 in Paris, and reads so in the back office (list,
lead page, history, journal), the emails, the exports, the requester's page and the JSON."""

import csv
import io
import threading
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.utils import timezone
from openpyxl import load_workbook

from contacts import bulk, emails, exports, services
from contacts.models import BulkJob, LeadEvent, OutgoingEmail
from stats.models import StatisticsSnapshot
from tests.eligibility.factories import SARCELLES

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
# As the back office writes dates and times (chauffage/formats/fr: in figures).
PARIS_LONG = "02/03/2026 à 00:30"
PARIS_SHORT = "02/03/2026 00:30"


@pytest.fixture
def lead(dalkia, sarcelles_network, django_capture_on_commit_callbacks):
    """A lead created through the service at MOMENT, routed to Dalkia, its emails queued."""
    lead, _ = services.create_lead(
        structure="condominium",
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@exemple.fr",
        heating_energy="gas",
        heating_type="collective",
        consent=True,
        address_label="15 Allée Paul Dukas 95200 Sarcelles",
        lat=SARCELLES[0],
        lon=SARCELLES[1],
        citycode="95585",
        now=MOMENT,
    )
    return lead


def test_the_lead_list_shows_the_paris_date_and_time(dalkia_client, lead):
    html = dalkia_client.get("/admin/contacts/lead/").content.decode()
    cell = html.split('class="field-received_on"')[1].split("</td>")[0]
    assert "02/03/2026" in cell and "00:30" in cell


def test_the_lead_page_and_its_history_show_paris_time(dalkia_client, lead):
    html = dalkia_client.get(f"/admin/contacts/lead/{lead.pk}/change/").content.decode()
    request, history = html.split("Historique (qui, quand, quoi)")
    assert PARIS_LONG in request  # "créée le", "dernière activité le"
    assert PARIS_LONG in history
    assert "01/03/2026" not in html and "1 mars 2026" not in html


def test_an_event_names_its_paris_time(lead):
    event = lead.events.get(kind=LeadEvent.Kind.CREATED)
    assert str(event) == f"Création — {PARIS_SHORT}"


def test_the_organisations_email_says_when_the_lead_arrived_in_paris_time(lead):
    notification = lead.emails.get(kind=OutgoingEmail.Kind.NOTIFICATION)
    confirmation = lead.emails.get(kind=OutgoingEmail.Kind.CONFIRMATION)
    assert "le 2 mars 2026 à 00:30" in notification.body
    assert "demande de contact du 2 mars 2026" in confirmation.body


def test_an_email_rendered_in_another_thread_uses_paris_time(lead):
    """The background worker renders reminders and follow-ups in its own thread, where no time
    zone was activated by a request."""
    bodies = []
    thread = threading.Thread(
        target=lambda: bodies.append(
            emails.render("lead_reassigned", {"lead": lead, "organisation": lead.organisation})[1]
        )
    )
    thread.start()
    thread.join()
    assert "reçue le 2 mars 2026 à 00:30" in bodies[0]


def test_the_emails_date_header_is_in_paris_time(lead):
    message = emails.build_message(lead.emails.first()).message()
    sent = datetime.strptime(message["Date"], "%a, %d %b %Y %H:%M:%S %z")
    assert sent.utcoffset() == timezone.localtime(sent).utcoffset()


def test_the_csv_export_writes_paris_time(lead):
    rows = list(
        csv.DictReader(io.StringIO(exports.to_csv([lead]).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[0]["date de la demande"] == PARIS_SHORT
    assert rows[0]["dernière activité"] == PARIS_SHORT


def test_the_xlsx_export_writes_paris_time(lead):
    sheet = load_workbook(io.BytesIO(exports.to_xlsx([lead]))).active
    headers = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("date de la demande") + 1)
    assert cell.value == datetime(2026, 3, 2, 0, 30)
    assert cell.number_format == "DD/MM/YYYY HH:MM"


def test_the_requesters_page_shows_paris_dates(client, lead):
    OutgoingEmail.objects.create(
        lead=lead,
        kind=OutgoingEmail.Kind.REPLY,
        recipient=lead.email,
        subject="Votre demande",
        body="Nous vous appelons lundi.",
        status=OutgoingEmail.Status.SENT,
        sent_at=MOMENT,
    )
    html = client.get(lead.private_url()).content.decode()
    assert "Demande envoyée le 2 mars 2026" in html
    assert "Reçu le 2 mars 2026 à 00:30" in html


def test_the_journal_shows_paris_time(national_client, national_user, dalkia):
    LogEntry.objects.create(
        user=national_user,
        object_repr=str(dalkia),
        action_flag=CHANGE,
        change_message="[]",
        action_time=MOMENT,
    )
    html = national_client.get("/admin/admin/logentry/").content.decode()
    assert PARIS_LONG in html


def test_the_bulk_job_status_gives_paris_times(dalkia):
    job = BulkJob.objects.create(
        organisation=dalkia,
        original_name="adresses.csv",
        encoding="utf-8",
        delimiter=";",
        created_at=MOMENT,
        finished_at=MOMENT,
    )
    status = bulk.status_json(job)
    assert status["created_at"] == "2026-03-02T00:30:00+01:00"
    assert status["finished_at"] == "2026-03-02T00:30:00+01:00"
    assert status["started_at"] is None


def test_the_statistics_json_gives_its_computation_time_with_the_paris_offset(client):
    data = client.get("/stats.json").json()
    computed_at = datetime.fromisoformat(data["computed_at"])
    assert data["timezone"] == "Europe/Paris"
    assert computed_at.utcoffset() == timezone.localtime(computed_at).utcoffset()


def test_a_statistics_snapshot_names_its_paris_time():
    snapshot = StatisticsSnapshot(territory="france", computed_at=MOMENT, data={})
    assert str(snapshot) == f"france — {PARIS_SHORT}"
