"""What happens to a lead, one keyword-only function per step: create it (save, route, notify),
remind the organisation, follow up with the requester, record their answer, anonymise."""

import hashlib
import hmac
import logging
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from contacts import emails
from contacts.models import Lead, LeadEvent, Organisation, OutgoingEmail
from contacts.routing import BURST_WINDOW_MINUTES, NEAR_NETWORK_M, route, spam_signals
from eligibility.rules import evaluate

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_DISTANCE_M = 20


def hash_ip(ip: str) -> str:
    """A keyed hash of the client address: enough to spot a burst, useless to identify anyone."""
    if not ip:
        return ""
    key = f"contacts.lead-ip:{settings.SECRET_KEY}".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


def create_lead(
    *,
    structure: str,
    first_name: str,
    last_name: str,
    email: str,
    heating_energy: str,
    heating_type: str,
    consent: bool,
    address_label: str,
    professional_kind: str = "",
    company_name: str = "",
    phone: str = "",
    dwellings: int | None = None,
    floor_area_m2: int | None = None,
    boiler_age_years: int | None = None,
    general_assembly_date: date | None = None,
    comment: str = "",
    lat: float | None = None,
    lon: float | None = None,
    citycode: str = "",
    verdict=None,
    honeypot: str = "",
    request_ip: str = "",
    now=None,
) -> tuple[Lead, bool]:
    """Saves a contact request, routes it and queues its emails, in one transaction.

    Returns (lead, True), or (the existing lead, False) when the same email sent a request for
    the same address (same label, or within 20 m) in the last 30 days. Without coordinates the
    lead is saved all the same and goes to the national triage queue. `verdict` is computed from
    the coordinates when not given. Emails are sent after the commit, by background tasks.
    """
    if not consent:
        raise ValueError("A lead needs the requester's consent.")
    now = now or timezone.now()
    email = email.strip()
    location = Point(lon, lat, srid=4326) if lat is not None and lon is not None else None

    with transaction.atomic():
        # Two identical submissions at once (double click) must not both pass the duplicate check.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [email.lower()])
        existing = _duplicate(email=email, address_label=address_label, location=location, now=now)
        if existing is not None:
            return existing, False

        if location is not None and verdict is None:
            verdict = evaluate(lat=lat, lon=lon, citycode=citycode)
        if verdict is not None and not citycode:
            citycode = verdict.citycode
        routing = route(verdict, citycode)

        ip_hash = hash_ip(request_ip)
        recent = (
            Lead.objects.filter(
                ip_hash=ip_hash, created_at__gte=now - timedelta(minutes=BURST_WINDOW_MINUTES)
            ).count()
            if ip_hash
            else 0
        )
        spam = spam_signals(
            honeypot=honeypot,
            comment=comment,
            texts=[first_name, last_name, company_name],
            recent_leads_from_ip=recent,
        )
        reason = routing.reason
        if spam:
            reason = f"Modération ({', '.join(spam)}). {reason}"

        network = verdict.network if verdict is not None else None
        lead = Lead.objects.create(
            structure=structure,
            professional_kind=professional_kind,
            company_name=company_name,
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            heating_energy=heating_energy,
            heating_type=heating_type,
            dwellings=dwellings,
            floor_area_m2=floor_area_m2,
            boiler_age_years=boiler_age_years,
            general_assembly_date=general_assembly_date,
            comment=comment,
            consent=True,
            consent_at=now,
            address_label=address_label,
            location=location,
            code_insee=citycode or "",
            category=verdict.category if verdict is not None else "",
            eligible=verdict.eligible if verdict is not None else None,
            distance_m=verdict.distance_m if verdict is not None else None,
            network_id=network.id if network is not None else "",
            network_name=network.name if network is not None else "",
            heat_network_id=network.pk if network and network.kind == "existing" else None,
            organisation=routing.organisation,
            routing_reason=reason,
            status=Lead.Status.MODERATION if spam else Lead.Status.NEW,
            ip_hash=ip_hash,
            created_at=now,
            last_activity_at=now,
        )
        LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.CREATED,
            created_at=now,
            to_status=lead.status,
            to_organisation=routing.organisation,
            note=reason,
        )
        if not spam:
            _queue_creation_emails(lead)
    return lead, True


def _duplicate(*, email: str, address_label: str, location, now) -> Lead | None:
    same_address = Q(address_label__iexact=address_label.strip()) if address_label.strip() else Q()
    if location is not None:
        near = Q(location__dwithin=(location, D(m=DUPLICATE_DISTANCE_M)))
        same_address = same_address | near if same_address else near
    if not same_address:
        return None
    return (
        Lead.objects.not_anonymised()
        .filter(email__iexact=email, created_at__gte=now - timedelta(days=DUPLICATE_WINDOW_DAYS))
        .filter(same_address)
        .order_by("-created_at")
        .first()
    )


def _queue_creation_emails(lead: Lead) -> None:
    emails.queue(
        lead=lead,
        kind=OutgoingEmail.Kind.CONFIRMATION,
        recipient=lead.email,
        template="lead_confirmation",
        context=_requester_context(lead),
    )
    for recipient in _organisation_recipients(lead):
        emails.queue(
            lead=lead,
            kind=OutgoingEmail.Kind.NOTIFICATION,
            recipient=recipient,
            reply_to=lead.email,
            template="lead_notification",
            context=_organisation_context(lead),
        )


def _organisation_recipients(lead: Lead) -> list[str]:
    """The assigned organisation's addresses; the national team's for the triage queue."""
    if lead.organisation is not None:
        return lead.organisation.notification_emails()
    recipients = []
    for team in Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_TEAM):
        recipients += [r for r in team.notification_emails() if r not in recipients]
    return recipients


def verdict_kind(lead: Lead) -> str:
    """How the confirmation email talks about the verdict."""
    if not lead.category:
        return "unlocated"
    if lead.eligible:
        return "eligible"
    if lead.category == "city_network_without_route":
        return "without_route"
    if lead.distance_m is not None and lead.distance_m <= NEAR_NETWORK_M:
        return "near"
    return "not_eligible"


def _requester_context(lead: Lead) -> dict:
    return {
        "lead": lead,
        "organisation": lead.organisation,
        "verdict_kind": verdict_kind(lead),
        "individual_heating": lead.heating_type == Lead.HeatingType.INDIVIDUAL,
        "private_url": emails.absolute(lead.get_absolute_url()),
    }


def _organisation_context(lead: Lead) -> dict:
    return {
        "lead": lead,
        "organisation": lead.organisation,
        "admin_url": emails.absolute(lead.admin_url()),
    }


# --- Periodic work (management commands) -------------------------------------------------------


def send_reminders(*, now=None) -> int:
    """Reminds organisations of their leads still "À traiter" after 7 days, once per lead."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = (
            Lead.objects.due_for_reminder(now)
            .select_related("organisation")
            .select_for_update(of=("self",), skip_locked=True)
        )
        for lead in due:
            for recipient in lead.organisation.notification_emails():
                emails.queue(
                    lead=lead,
                    kind=OutgoingEmail.Kind.REMINDER,
                    recipient=recipient,
                    reply_to=lead.email,
                    template="lead_reminder",
                    context={**_organisation_context(lead), "days": (now - lead.created_at).days},
                )
            lead.reminder_sent_at = now
            lead.save(update_fields=["reminder_sent_at", "updated_at"])
            LeadEvent.objects.create(
                lead=lead, kind=LeadEvent.Kind.EMAIL, created_at=now, note="Relance de l’organisme."
            )
            count += 1
    return count


def send_followups(*, now=None) -> int:
    """Asks requesters, 30 days after their request, whether they were contacted; once per lead."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = Lead.objects.due_for_followup(now).select_for_update(skip_locked=True)
        for lead in due:
            emails.queue(
                lead=lead,
                kind=OutgoingEmail.Kind.FOLLOWUP,
                recipient=lead.email,
                template="lead_followup",
                context={
                    **_requester_context(lead),
                    "yes_url": emails.followup_url(lead, "oui"),
                    "no_url": emails.followup_url(lead, "non"),
                },
            )
            lead.followup_sent_at = now
            lead.save(update_fields=["followup_sent_at", "updated_at"])
            LeadEvent.objects.create(
                lead=lead, kind=LeadEvent.Kind.EMAIL, created_at=now, note="Suivi à 30 jours."
            )
            count += 1
    return count


def record_followup_answer(*, lead: Lead, contacted: bool, now=None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        lead.followup_contacted = contacted
        lead.followup_answered_at = now
        lead.last_activity_at = now
        lead.save(
            update_fields=[
                "followup_contacted",
                "followup_answered_at",
                "last_activity_at",
                "updated_at",
            ]
        )
        LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.FOLLOWUP,
            created_at=now,
            note="Le demandeur indique avoir été recontacté."
            if contacted
            else "Le demandeur indique ne pas avoir été recontacté.",
        )


# --- Personal data ------------------------------------------------------------------------------

_POSTCODE_AND_CITY = re.compile(r"\b(\d{5})\s+(\S.*)$")


def commune_label(address_label: str) -> str:
    """The postcode and commune of a BAN label ("15 Allée Paul Dukas 95200 Sarcelles" →
    "95200 Sarcelles"); "" when there is none."""
    match = _POSTCODE_AND_CITY.search(address_label or "")
    return f"{match[1]} {match[2]}".strip() if match else ""


def anonymise_lead(*, lead: Lead, reason: str, now=None) -> None:
    """Blanks the personal data of a lead and its emails; keeps what /stats needs (commune,
    building, heating, verdict, routing, statuses and their dates)."""
    now = now or timezone.now()
    with transaction.atomic():
        lead.first_name = lead.last_name = lead.email = lead.phone = ""
        lead.company_name = lead.comment = lead.ip_hash = ""
        lead.address_label = commune_label(lead.address_label)
        lead.location = None
        lead.token = None
        lead.anonymised_at = now
        lead.save()
        lead.events.update(note="")
        lead.emails.filter(
            status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]
        ).update(status=OutgoingEmail.Status.CANCELLED, next_attempt_at=None)
        lead.emails.update(recipient="", reply_to="", subject="(anonymisé)", body="")
        LeadEvent.objects.create(
            lead=lead, kind=LeadEvent.Kind.ANONYMISED, created_at=now, note=reason
        )


def delete_at_requester_request(*, lead: Lead, now=None) -> None:
    anonymise_lead(
        lead=lead, reason="Données personnelles supprimées à la demande du demandeur.", now=now
    )


def purge_personal_data(*, now=None) -> int:
    """Anonymises the leads without activity for settings.LEAD_RETENTION_DAYS days."""
    now = now or timezone.now()
    count = 0
    for lead in Lead.objects.past_retention(now).iterator():
        anonymise_lead(
            lead=lead,
            reason=f"Durée de conservation de {settings.LEAD_RETENTION_DAYS} jours écoulée.",
            now=now,
        )
        count += 1
    return count
