"""Exports of leads for the back office, as CSV (UTF-8 with a BOM and `;`, what French Excel
opens as it is) and XLSX (openpyxl).

Callers pass the queryset the staff member sees (scoped to their organisation, then filtered):
this module never widens it. A cell whose text starts with = + - @ (or a tab or carriage return)
is prefixed with ' so that a spreadsheet never runs what a requester typed as a formula (CSV
injection).
"""

import csv
import io
import logging
from collections.abc import Iterable
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from contacts.models import Lead
from contacts.services import commune_label

audit = logging.getLogger("contacts.audit")

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """The value, with text that a spreadsheet would read as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _yes_no(value):
    return {True: "oui", False: "non"}.get(value, "")


# (header, value of a lead), in the order of the columns.
COLUMNS = [
    ("n° de demande", lambda lead, now: lead.pk),
    ("date de la demande", lambda lead, now: _local(lead.created_at)),
    ("ancienneté (jours)", lambda lead, now: (now - lead.created_at).days),
    ("statut", lambda lead, now: lead.get_status_display()),
    ("objet de la demande", lambda lead, now: lead.get_request_type_display()),
    ("adresse", lambda lead, now: lead.address_label),
    ("commune", lambda lead, now: commune_label(lead.address_label)),
    ("code INSEE", lambda lead, now: lead.code_insee),
    ("structure", lambda lead, now: lead.get_structure_display()),
    ("type de professionnel", lambda lead, now: lead.get_professional_kind_display()),
    ("rôle du demandeur", lambda lead, now: lead.get_requester_role_display()),
    ("société", lambda lead, now: lead.company_name),
    ("prénom", lambda lead, now: lead.first_name),
    ("nom", lambda lead, now: lead.last_name),
    ("adresse électronique", lambda lead, now: lead.email),
    ("téléphone", lambda lead, now: lead.phone),
    ("énergie de chauffage", lambda lead, now: lead.get_heating_energy_display()),
    ("mode de chauffage", lambda lead, now: lead.get_heating_type_display()),
    ("nombre de logements", lambda lead, now: lead.dwellings),
    ("surface chauffée (m²)", lambda lead, now: lead.floor_area_m2),
    ("âge de la chaudière (ans)", lambda lead, now: lead.boiler_age_years),
    ("remplacement de la chaudière prévu", lambda lead, now: lead.boiler_replacement_date),
    ("assemblée générale prévue", lambda lead, now: lead.general_assembly_date),
    ("commentaire", lambda lead, now: lead.comment),
    ("éligible", lambda lead, now: _yes_no(lead.eligible)),
    ("distance au réseau (m)", lambda lead, now: lead.distance_m),
    ("identifiant du réseau", lambda lead, now: lead.network_id),
    ("nom du réseau", lambda lead, now: lead.network_name),
    (
        "organisme destinataire",
        lambda lead, now: lead.organisation.name if lead.organisation else "",
    ),
    ("recontacté selon le demandeur", lambda lead, now: _yes_no(lead.followup_contacted)),
    ("dernière activité", lambda lead, now: _local(lead.last_activity_at)),
]
HEADERS = [header for header, _ in COLUMNS]
# Dates known to the month only.
MONTH_COLUMNS = {"remplacement de la chaudière prévu"}


def rows(leads: Iterable[Lead], *, now=None):
    """The data rows, values neutralised."""
    now = now or timezone.now()
    for lead in leads:
        yield [neutralise(value(lead, now)) for _, value in COLUMNS]


def _csv_cell(value, header=""):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%m/%Y" if header in MONTH_COLUMNS else "%d/%m/%Y")
    return value


def to_csv(leads, *, now=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows(leads, now=now):
        writer.writerow(
            [_csv_cell(value, header) for header, value in zip(HEADERS, row, strict=True)]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(leads, *, now=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Demandes de contact"
    sheet.append(HEADERS)
    for row in rows(leads, now=now):
        sheet.append(row)
    formats = {
        "date de la demande": "DD/MM/YYYY HH:MM",
        "dernière activité": "DD/MM/YYYY HH:MM",
        "assemblée générale prévue": "DD/MM/YYYY",
        "remplacement de la chaudière prévu": "MM/YYYY",
    }
    for header, number_format in formats.items():
        for cell in sheet[get_column_letter(HEADERS.index(header) + 1)][1:]:
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def response(queryset, fmt: str, *, user) -> HttpResponse:
    """The export as a download; the audit log says who exported how many leads."""
    leads = list(queryset.select_related("organisation"))
    now = timezone.now()
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        content, content_type = to_xlsx(leads, now=now), XLSX_TYPE
    else:
        fmt = "csv"
        content, content_type = to_csv(leads, now=now), CSV_TYPE
    audit.info("Export %s of %s leads by user %s", fmt, len(leads), user.pk)
    result = HttpResponse(content, content_type=content_type)
    result["Content-Disposition"] = f'attachment; filename="demandes-de-contact-{stamp}.{fmt}"'
    result["Cache-Control"] = "no-store"
    return result
