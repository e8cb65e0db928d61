"""What happens to a lead, one keyword-only function per step: create it (save, route, notify),
remind the organisation, follow up with the requester, record their answer, anonymise; and what
the back office does with it (status, reply, internal note, reassignment, email resend), each
recorded as a LeadEvent (who, when, what).

The back-office functions check again what the admin views check (the actor sees the lead; some
steps are the national team's) and raise PermissionDenied otherwise; a refused input raises a
ValidationError whose message is shown to the staff member as it is (French).
"""

import hashlib
import hmac
import logging
import re
from datetime import date, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from contacts import emails
from contacts.models import (
    Lead,
    LeadEvent,
    Organisation,
    OutgoingEmail,
    is_national_team,
    membership_organisation,
)
from contacts.routing import BURST_WINDOW_MINUTES, NEAR_NETWORK_M, route, spam_signals
from eligibility.index import commune_at
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
    request_type: str = Lead.RequestType.QUOTE,
    requester_role: str = "",
    professional_kind: str = "",
    company_name: str = "",
    phone: str = "",
    dwellings: int | None = None,
    floor_area_m2: int | None = None,
    boiler_age_years: int | None = None,
    general_assembly_date: date | None = None,
    boiler_replacement_date: date | None = None,
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

    `request_type` (Lead.RequestType) chooses the routing: advice goes to the territory's
    energy agency. A professional's role is their kind when `requester_role` is not given; the
    planned boiler replacement is kept to the month (first day).
    """
    if not consent:
        raise ValueError("A lead needs the requester's consent.")
    if request_type not in Lead.RequestType.values:
        raise ValueError(f"Unknown request type: {request_type!r}.")
    if not requester_role and structure == Lead.Structure.PROFESSIONAL:
        requester_role = Lead.PROFESSIONAL_ROLES.get(professional_kind, "")
    if boiler_replacement_date is not None:
        boiler_replacement_date = boiler_replacement_date.replace(day=1)
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

        if location is not None and not citycode:
            citycode = (verdict.citycode if verdict else "") or commune_at(lat=lat, lon=lon)
        if location is not None and verdict is None:
            verdict = evaluate(lat=lat, lon=lon, citycode=citycode)
        routing = route(verdict, citycode, request_type=request_type)

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
            request_type=request_type,
            requester_role=requester_role,
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
            boiler_replacement_date=boiler_replacement_date,
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
        _queue_notification(lead, recipient)


# Emails to the lead's organisation (its addresses; the national team's for the triage queue):
# they follow the lead, never the organisation it left.
ORGANISATION_KINDS = frozenset({OutgoingEmail.Kind.NOTIFICATION, OutgoingEmail.Kind.REMINDER})


def _organisation_recipients(lead: Lead) -> list[str]:
    """The assigned organisation's addresses; the national team's for the triage queue."""
    if lead.organisation is not None:
        return lead.organisation.notification_emails()
    return _national_team_recipients()


def _national_team_recipients() -> list[str]:
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
        "private_url": emails.absolute(lead.private_url()),
    }


def _organisation_context(lead: Lead) -> dict:
    return {
        "lead": lead,
        "organisation": lead.organisation,
        "admin_url": emails.absolute(lead.admin_url()),
    }


def _queue_notification(lead: Lead, recipient: str) -> OutgoingEmail:
    """The new-lead notification to one address of the lead's organisation."""
    return emails.queue(
        lead=lead,
        kind=OutgoingEmail.Kind.NOTIFICATION,
        recipient=recipient,
        reply_to=lead.email,
        template="lead_notification",
        context=_organisation_context(lead),
    )


# --- Back office -------------------------------------------------------------------------------

# Statuses only the national team sets or leaves: moderation holds suspected spam, "Rejetée
# (indésirable)" is the team's verdict that it is spam.
NATIONAL_TEAM_STATUSES = Lead.WITHHELD_STATUSES


def _locked(lead: Lead, actor) -> Lead:
    """The lead, locked for the current transaction, once the actor is known to see it."""
    try:
        return Lead.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=lead.pk)
    except Lead.DoesNotExist:
        raise PermissionDenied("Cette demande n’est pas adressée à votre organisme.") from None


def _require_national_team(actor) -> None:
    if not is_national_team(actor):
        raise PermissionDenied("Réservé à l’équipe nationale.")


def _require_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def _require_personal_data(lead: Lead) -> None:
    if lead.is_anonymised:
        raise ValidationError("Cette demande est anonymisée : ses coordonnées sont effacées.")


def _touch(lead: Lead, now, *fields: str) -> None:
    lead.last_activity_at = now
    lead.save(update_fields=[*fields, "last_activity_at", "updated_at"])


def change_status(*, lead: Lead, status: str, actor, note: str = "", now=None) -> LeadEvent:
    """Moves the lead to another status of product.md, keeping the history. Moderation is the
    national team's: releasing a lead from it (or from "Rejetée (indésirable)") sends the emails
    its creation held back; rejecting it as spam sends nothing to anybody, and cancels what was
    still waiting to be sent."""
    now = now or timezone.now()
    if status not in Lead.Status.values:
        raise ValidationError("Statut inconnu.")
    with transaction.atomic():
        lead = _locked(lead, actor)
        if status == lead.status:
            raise ValidationError(f"La demande est déjà « {lead.get_status_display()} ».")
        if {status, lead.status} & NATIONAL_TEAM_STATUSES:
            _require_national_team(actor)
        previous = lead.status
        lead.status = status
        _touch(lead, now, "status")
        if status == Lead.Status.SPAM:
            _cancel_unsent(lead.emails.all())
            note = " ".join(
                part
                for part in ["Rejetée comme indésirable : aucun courriel envoyé.", note]
                if part
            )
        released = previous in Lead.WITHHELD_STATUSES and status not in Lead.WITHHELD_STATUSES
        if released and not lead.emails.filter(kind=OutgoingEmail.Kind.CONFIRMATION).exists():
            _queue_creation_emails(lead)
            note = " ".join(
                part
                for part in ["Libérée de la modération : demandeur et organisme prévenus.", note]
                if part
            )
        return LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.STATUS,
            created_at=now,
            actor=actor,
            from_status=previous,
            to_status=status,
            note=note.strip(),
        )


def _cancel_unsent(emails_of_lead) -> int:
    """Cancels the emails of these that are waiting or failed: they will never be sent."""
    return emails_of_lead.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]
    ).update(status=OutgoingEmail.Status.CANCELLED, next_attempt_at=None)


def _signature(actor) -> tuple[str, str]:
    """(the staff member's name, the organisation they answer for)."""
    name = actor.get_full_name() or actor.get_username()
    organisation = membership_organisation(actor)
    if organisation is None or organisation.kind == Organisation.Kind.NATIONAL_TEAM:
        return name, "l’équipe nationale de France Chaleur Urbaine"
    return name, organisation.name


def reply_to_requester(*, lead: Lead, actor, message: str, now=None) -> OutgoingEmail:
    """Emails a reply to the requester (reply-to: the staff member's address, so the requester's
    answer reaches them) and archives it on the lead: the email row, shown on the requester's
    page once sent, and a "reply" event."""
    now = now or timezone.now()
    message = _require_text(message, "Écrivez votre réponse.")
    with transaction.atomic():
        lead = _locked(lead, actor)
        _require_personal_data(lead)
        if lead.status == Lead.Status.MODERATION:
            raise ValidationError("Libérez d’abord la demande de la modération.")
        if lead.status == Lead.Status.SPAM:
            raise ValidationError("Demande rejetée comme indésirable : rien ne lui est envoyé.")
        name, organisation_name = _signature(actor)
        organisation = membership_organisation(actor)
        reply_to = actor.email or (organisation.email if organisation is not None else "")
        email = emails.queue(
            lead=lead,
            kind=OutgoingEmail.Kind.REPLY,
            recipient=lead.email,
            reply_to=reply_to,
            template="lead_reply",
            context={
                **_requester_context(lead),
                "message": message,
                "staff_name": name,
                "organisation_name": organisation_name,
                "can_answer": bool(reply_to),
            },
        )
        _touch(lead, now)
        LeadEvent.objects.create(
            lead=lead, kind=LeadEvent.Kind.REPLY, created_at=now, actor=actor, note=message
        )
    return email


def add_internal_note(*, lead: Lead, actor, note: str, now=None) -> LeadEvent:
    """A note for the back office only: never emailed, never shown to the requester."""
    now = now or timezone.now()
    note = _require_text(note, "Écrivez la note.")
    with transaction.atomic():
        lead = _locked(lead, actor)
        _touch(lead, now)
        return LeadEvent.objects.create(
            lead=lead, kind=LeadEvent.Kind.NOTE, created_at=now, actor=actor, note=note
        )


def request_reassignment(*, lead: Lead, actor, reason: str, now=None) -> LeadEvent:
    """The organisation asks the national team to send the lead elsewhere, and says why."""
    now = now or timezone.now()
    reason = _require_text(reason, "Indiquez pourquoi la demande ne relève pas de votre organisme.")
    with transaction.atomic():
        lead = _locked(lead, actor)
        lead.reassignment_requested_at = now
        _touch(lead, now, "reassignment_requested_at")
        name, organisation_name = _signature(actor)
        for recipient in _national_team_recipients():
            emails.queue(
                lead=lead,
                kind=OutgoingEmail.Kind.REASSIGNMENT_REQUEST,
                recipient=recipient,
                reply_to=actor.email,
                template="lead_reassignment_request",
                context={
                    **_organisation_context(lead),
                    "reason": reason,
                    "staff_name": name,
                    "organisation_name": organisation_name,
                },
            )
        return LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.REASSIGNMENT_REQUEST,
            created_at=now,
            actor=actor,
            from_organisation=lead.organisation,
            note=reason,
        )


def reassign_lead(*, lead: Lead, organisation: Organisation, actor, reason: str, now=None):
    """The national team sends the lead to another organisation, with a reason; the new
    organisation is notified (unless the lead is held in moderation: its release will; or
    rejected as spam). What was still to be sent to the previous organisation (notification,
    reminder, waiting or failed) is cancelled: it never receives the lead after it left."""
    now = now or timezone.now()
    _require_national_team(actor)
    reason = _require_text(reason, "Indiquez le motif de la réaffectation.")
    with transaction.atomic():
        lead = _locked(lead, actor)
        if organisation is None or organisation.pk == lead.organisation_id:
            raise ValidationError("Choisissez un autre organisme que l’organisme actuel.")
        previous = lead.organisation
        lead.organisation = organisation
        lead.reassignment_requested_at = None
        lead.reminder_sent_at = None  # the new organisation gets its own reminder
        _touch(lead, now, "organisation", "reassignment_requested_at", "reminder_sent_at")
        note = reason
        cancelled = _cancel_unsent(lead.emails.filter(kind__in=ORGANISATION_KINDS))
        if cancelled:
            note += (
                f"\n({cancelled} courriel(s) à l’organisme précédent non envoyé(s) : annulé(s).)"
            )
        if lead.status not in Lead.WITHHELD_STATUSES and not lead.is_anonymised:
            for recipient in organisation.notification_emails():
                emails.queue(
                    lead=lead,
                    kind=OutgoingEmail.Kind.NOTIFICATION,
                    recipient=recipient,
                    reply_to=lead.email,
                    template="lead_reassigned",
                    context={**_organisation_context(lead), "reason": reason},
                )
        return LeadEvent.objects.create(
            lead=lead,
            kind=LeadEvent.Kind.REASSIGNMENT,
            created_at=now,
            actor=actor,
            from_organisation=previous,
            to_organisation=organisation,
            note=note,
        )


def resend_email(*, email: OutgoingEmail, actor, now=None) -> list[OutgoingEmail]:
    """Sends a failed email again, with a fresh series of retries (national team); returns the
    emails queued. An email to an organisation (notification, reminder) is first checked
    against the lead's current organisation: when its recipient is no longer one of that
    organisation's addresses (the lead was reassigned, or the address changed), it is
    cancelled, never resent, and the current organisation is notified instead unless it
    already was. Nothing leaves for a lead held in moderation or rejected as spam."""
    now = now or timezone.now()
    _require_national_team(actor)
    with transaction.atomic():
        lead = None
        if email.lead_id is not None:
            # The lead first, then the email: the order reassign_lead takes them in.
            lead = (
                Lead.objects.select_for_update(of=("self",))
                .select_related("organisation")
                .get(pk=email.lead_id)
            )
        email = OutgoingEmail.objects.select_for_update(of=("self",)).get(pk=email.pk)
        if email.status != OutgoingEmail.Status.FAILED:
            raise ValidationError("Seul un courriel en échec peut être renvoyé.")
        if lead is not None and lead.status in Lead.WITHHELD_STATUSES:
            raise ValidationError(
                "La demande est en modération ou rejetée comme indésirable : aucun courriel ne "
                "lui est envoyé."
            )
        if lead is not None and not still_addressed(email, lead):
            return redirect_to_current_organisation(email=email, lead=lead, actor=actor, now=now)
        email.status = OutgoingEmail.Status.QUEUED
        email.attempts = 0
        email.next_attempt_at = None
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: emails.enqueue(email.pk))
        if email.lead_id is not None:
            LeadEvent.objects.create(
                lead_id=email.lead_id,
                kind=LeadEvent.Kind.EMAIL,
                created_at=now,
                actor=actor,
                note=f"Courriel renvoyé ({email.get_kind_display().lower()}) : {email.subject}",
            )
    return [email]


def still_addressed(email: OutgoingEmail, lead: Lead) -> bool:
    """False for an email to an organisation (notification, reminder) whose recipient is no
    longer one of the addresses of the lead's current organisation."""
    return email.kind not in ORGANISATION_KINDS or email.recipient in _organisation_recipients(lead)


def redirect_to_current_organisation(*, email, lead, actor=None, now=None) -> list[OutgoingEmail]:
    """Cancels an unsent email to an address that no longer receives the lead, and notifies the
    lead's current organisation at those of its addresses not notified yet. `actor`: None when
    the sending itself (emails.deliver) found it out."""
    now = now or timezone.now()
    email.status = OutgoingEmail.Status.CANCELLED
    email.next_attempt_at = None
    email.save(update_fields=["status", "next_attempt_at"])
    queued = []
    if not lead.is_anonymised and lead.status not in Lead.WITHHELD_STATUSES:
        recipients = _organisation_recipients(lead)
        notified = set(
            lead.emails.filter(kind=OutgoingEmail.Kind.NOTIFICATION, recipient__in=recipients)
            .exclude(status=OutgoingEmail.Status.CANCELLED)
            .values_list("recipient", flat=True)
        )
        for recipient in recipients:
            if recipient not in notified:
                queued.append(_queue_notification(lead, recipient))
    current = lead.organisation.name if lead.organisation else "l’équipe nationale"
    note = (
        f"Courriel non envoyé ({email.get_kind_display().lower()}) : "
        f"{email.recipient} ne reçoit plus la demande, suivie par {current} ; annulé."
    )
    if queued:
        note += f" Demande transmise à {current} ({', '.join(e.recipient for e in queued)})."
    LeadEvent.objects.create(
        lead=lead, kind=LeadEvent.Kind.EMAIL, created_at=now, actor=actor, note=note
    )
    return queued


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
    building, heating, request type, role, planned boiler replacement month, verdict, routing,
    statuses and their dates)."""
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
