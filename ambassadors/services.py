"""What happens to an ambassador and to the messages relayed to them: one keyword-only function per
step. Each one writes in a transaction and queues its emails (ambassadors/emails.py), which are
sent after the commit by the background task of contacts, with retries: nothing waits for an
email, nothing is lost when the provider fails.

Ambassador statuses: pending verification → (email confirmed) pending moderation → (national team)
published or rejected; published ↔ paused (the contact); any → withdrawn (the contact: personal
data erased). Steps that do not apply to the current status raise ValidationError (French).
"""

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from ambassadors import emails, queries
from ambassadors.models import Ambassador, Message
from contacts.models import OutgoingEmail
from eligibility.models import Address

logger = logging.getLogger(__name__)

Status = Ambassador.Status
LISTING_FIELDS = [
    "connection_year",
    "dwellings",
    "works",
    "cost_eur",
    "cost_public",
    "savings_percent",
    "savings_public",
    "testimony",
    "contact_name",
    "contact_role",
]
# "15 bis Allée Paul Dukas 95200 Sarcelles": street, postcode, commune of a BAN label.
_LABEL = re.compile(r"^(?P<street>.+?)\s+(?P<postcode>\d{5})\s+(?P<city>\S.*)$")
_HOUSE_NUMBER = re.compile(r"^\d+\s*(?:bis|ter|quater|quinquies|[a-h]\b)?[\s,]+", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    """A building as the sign-up knows it: the full label (private), the point, the commune and
    the street without house number (public)."""

    label: str
    lat: float
    lon: float
    code_insee: str
    commune: str
    street: str


def place_from_label(*, label: str, lat: float, lon: float, citycode: str, city: str = "") -> Place:
    """The public parts of a BAN label ("15 Allée Paul Dukas 95200 Sarcelles" → "Allée Paul
    Dukas", "Sarcelles"). The commune's name comes from the geocoder when known, else from the
    label, else from the project's copy of the BAN."""
    street, commune = "", city
    match = _LABEL.match(label.strip())
    if match:
        street = _HOUSE_NUMBER.sub("", match["street"]).strip()
        commune = commune or match["city"].strip()
    if not commune and citycode:
        commune = (
            Address.objects.filter(code_insee=citycode)
            .values_list("nom_commune", flat=True)
            .first()
            or ""
        )
    return Place(
        label=label.strip(),
        lat=lat,
        lon=lon,
        code_insee=citycode,
        commune=commune[:120],
        street=street[:200],
    )


def hash_ip(ip: str) -> str:
    """A keyed hash of the client address: enough to spot a burst, useless to identify anyone."""
    if not ip:
        return ""
    key = f"ambassadors.ip:{settings.SECRET_KEY}".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()


# --- Sign-up, verification, moderation ---------------------------------------------------------


def sign_up(
    *,
    place: Place,
    network,
    connection_year: int,
    dwellings: int,
    testimony: str,
    contact_name: str,
    contact_role: str,
    contact_email: str,
    consent: bool,
    works: str = "",
    cost_eur: int | None = None,
    cost_public: bool = False,
    savings_percent: int | None = None,
    savings_public: bool = False,
    photo=None,
    now=None,
) -> Ambassador:
    """Saves a sign-up (pending verification) and queues the email with the confirmation link.
    `photo`: a file already checked and re-encoded by ambassadors.images, or None."""
    if not consent:
        raise ValueError("An ambassador needs the contact's consent.")
    if not place.code_insee:
        raise ValueError("An ambassador needs the building's commune (INSEE code).")
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = Ambassador(
            address_label=place.label,
            location=Point(place.lon, place.lat, srid=4326),
            code_insee=place.code_insee,
            commune=place.commune,
            street=place.street,
            network=network,
            connection_year=connection_year,
            dwellings=dwellings,
            works=works,
            cost_eur=cost_eur,
            cost_public=cost_public and cost_eur is not None,
            savings_percent=savings_percent,
            savings_public=savings_public and savings_percent is not None,
            testimony=testimony,
            contact_name=contact_name,
            contact_role=contact_role,
            contact_email=contact_email.strip(),
            consent=True,
            consent_at=now,
            created_at=now,
        )
        if photo:
            ambassador.photo.save(photo.name, photo, save=False)
        ambassador.save()
        _queue_to_contact(
            ambassador,
            kind=emails.Kind.VERIFICATION,
            template="verification",
            context={
                "verify_url": emails.absolute(
                    reverse("ambassadors:verify", args=[ambassador.verification_token])
                ),
                "pending_days": settings.AMBASSADOR_PENDING_DAYS,
            },
        )
    return ambassador


def confirm_email(*, ambassador: Ambassador, now=None) -> bool:
    """The contact confirmed their email (POST on the link): pending moderation, and the national
    team is told. False when it was already confirmed."""
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status != Status.PENDING_VERIFICATION:
            return False
        ambassador.status = Status.PENDING_MODERATION
        ambassador.verified_at = now
        ambassador.save(update_fields=["status", "verified_at"])
        _tell_moderators(ambassador, edited=False)
    return True


def publish(*, ambassador: Ambassador, actor, now=None) -> Ambassador:
    """The national team approves: the listing is public; the contact is told, with their link."""
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status not in {Status.PENDING_MODERATION, Status.REJECTED}:
            raise ValidationError(
                f"Seule une copropriété à modérer ou refusée peut être publiée "
                f"(statut actuel : {ambassador.get_status_display().lower()})."
            )
        ambassador.status = Status.PUBLISHED
        ambassador.published_at = ambassador.published_at or now
        ambassador.moderated_at = now
        ambassador.moderated_by = actor
        ambassador.rejection_reason = ""
        ambassador.save(
            update_fields=[
                "status",
                "published_at",
                "moderated_at",
                "moderated_by",
                "rejection_reason",
            ]
        )
        _queue_to_contact(
            ambassador,
            kind=emails.Kind.DECISION,
            template="published",
            context={"public_url": emails.absolute(ambassador.get_absolute_url())},
        )
    return ambassador


def reject(*, ambassador: Ambassador, actor, reason: str, now=None) -> Ambassador:
    """The national team refuses (or unpublishes) with a reason sent to the contact."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Indiquez le motif du refus : il est transmis à la copropriété.")
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status not in {Status.PENDING_MODERATION, Status.PUBLISHED, Status.PAUSED}:
            raise ValidationError(
                f"Cette copropriété ne peut pas être refusée "
                f"(statut actuel : {ambassador.get_status_display().lower()})."
            )
        ambassador.status = Status.REJECTED
        ambassador.rejection_reason = reason
        ambassador.moderated_at = now
        ambassador.moderated_by = actor
        ambassador.save(
            update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"]
        )
        _queue_to_contact(
            ambassador,
            kind=emails.Kind.DECISION,
            template="rejected",
            context={"reason": reason, "pending_days": settings.AMBASSADOR_PENDING_DAYS},
        )
    return ambassador


# --- The contact's private page ----------------------------------------------------------------


def update_listing(
    *, ambassador: Ambassador, data: dict, photo=None, remove_photo: bool = False, now=None
) -> Ambassador:
    """The contact edits their listing. A published (or paused) listing stays as it is and the
    national team is told, to read it again. `photo` replaces the current one (re-encoded by
    ambassadors.images); `remove_photo` deletes it."""
    now = now or timezone.now()
    unknown = set(data) - set(LISTING_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status in {Status.WITHDRAWN, Status.REJECTED}:
            raise ValidationError("Cette inscription ne peut plus être modifiée.")
        for name, value in data.items():
            setattr(ambassador, name, value)
        ambassador.cost_public = ambassador.cost_public and ambassador.cost_eur is not None
        ambassador.savings_public = (
            ambassador.savings_public and ambassador.savings_percent is not None
        )
        old_photo = ambassador.photo.name if ambassador.photo else ""
        if photo:
            ambassador.photo.save(photo.name, photo, save=False)
        elif remove_photo:
            ambassador.photo = ""
        if ambassador.status in {Status.PUBLISHED, Status.PAUSED}:
            ambassador.edited_at = now
            _tell_moderators(ambassador, edited=True)
        ambassador.save()
        if old_photo and old_photo != (ambassador.photo.name if ambassador.photo else ""):
            _delete_file_on_commit(ambassador.photo.storage, old_photo)
    return ambassador


def pause(*, ambassador: Ambassador, now=None) -> Ambassador:
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status != Status.PUBLISHED:
            raise ValidationError("Seule une fiche publiée peut être mise en pause.")
        ambassador.status = Status.PAUSED
        ambassador.paused_at = now
        ambassador.save(update_fields=["status", "paused_at"])
    return ambassador


def resume(*, ambassador: Ambassador) -> Ambassador:
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status != Status.PAUSED:
            raise ValidationError("Seule une fiche en pause peut être remise en ligne.")
        ambassador.status = Status.PUBLISHED
        ambassador.paused_at = None
        ambassador.save(update_fields=["status", "paused_at"])
    return ambassador


def withdraw(*, ambassador: Ambassador, now=None) -> Ambassador:
    """The contact withdraws: the listing disappears and the personal data is erased (email,
    names, exact address and position, testimony, works, cost, savings, photo file, the messages
    and the emails about them). What remains is anonymous, for the statistics: commune, network,
    connection year, dwellings, dates."""
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if ambassador.status == Status.WITHDRAWN:
            return ambassador
        _erase(ambassador)
        ambassador.status = Status.WITHDRAWN
        ambassador.withdrawn_at = now
        ambassador.save()
    return ambassador


def send_manage_links(*, email: str) -> int:
    """Sends the private links of the listings registered with this email (one email for all);
    returns how many. The visitor is told the same whatever the answer."""
    email = email.strip()
    ambassadors = list(
        Ambassador.objects.filter(contact_email__iexact=email, manage_token__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .order_by("pk")
    )
    if not ambassadors:
        return 0
    with transaction.atomic():
        links = [
            {
                "place": a.public_place,
                "status": a.get_status_display(),
                "manage_url": emails.absolute(a.manage_url()),
            }
            for a in ambassadors
        ]
        queued = emails.queue(
            kind=emails.Kind.MANAGE_LINK,
            recipient=ambassadors[0].contact_email,
            template="manage_link",
            context={"links": links},
        )
        for ambassador in ambassadors:
            ambassador.emails.add(queued)
    return len(ambassadors)


# --- Messages ----------------------------------------------------------------------------------


def send_message(
    *,
    ambassador: Ambassador,
    asker_name: str,
    asker_email: str,
    body: str,
    share_email: bool = False,
    building_address: str = "",
    honeypot: str = "",
    request_ip: str = "",
    now=None,
) -> Message:
    """Saves a message to a published ambassador, then relays it by email (after the commit,
    retried when the provider fails). A message that filled the honeypot is kept, held, and not
    relayed: the national team sees it in the admin and may release it."""
    now = now or timezone.now()
    with transaction.atomic():
        ambassador = _locked(ambassador)
        if not ambassador.is_public:
            raise ValidationError("Cette copropriété ne reçoit pas de messages pour le moment.")
        message = Message.objects.create(
            ambassador=ambassador,
            direction=Message.Direction.TO_AMBASSADOR,
            asker_name=asker_name.strip(),
            asker_email=asker_email.strip(),
            building_address=building_address.strip(),
            share_email=share_email,
            body=body.strip(),
            status=Message.Status.HELD if honeypot else Message.Status.RECEIVED,
            ip_hash=hash_ip(request_ip),
            created_at=now,
        )
        if honeypot:
            logger.info("Message %s to ambassador %s held: honeypot.", message.pk, ambassador.pk)
        else:
            _relay(message)
    return message


def replyable(message_id: int, by: str) -> Message | None:
    """The message a reply link names, if it can still be answered by `by` (emails.AMBASSADOR or
    emails.ASKER): not anonymised, sent in the right direction, the ambassador not withdrawn."""
    expected = (
        Message.Direction.TO_AMBASSADOR if by == emails.AMBASSADOR else Message.Direction.TO_ASKER
    )
    message = (
        Message.objects.select_related("ambassador", "thread")
        .filter(pk=message_id, direction=expected, anonymised_at__isnull=True)
        .exclude(status=Message.Status.HELD)
        .first()
    )
    if message is None or message.root.anonymised_at is not None:
        return None
    if message.ambassador.is_withdrawn or not message.ambassador.contact_email:
        return None
    return message


def reply(
    *, message: Message, by: str, body: str, honeypot: str = "", request_ip: str = "", now=None
) -> Message:
    """Relays a reply to `message` (from the ambassador to the asker, or back): neither email
    address is shown to the other side (the asker's only if they agreed to share it)."""
    now = now or timezone.now()
    if replyable(message.pk, by) is None:
        raise ValidationError("Cet échange n’est plus disponible.")
    root = message.root
    with transaction.atomic():
        answer = Message.objects.create(
            ambassador=message.ambassador,
            thread=root,
            direction=(
                Message.Direction.TO_ASKER
                if by == emails.AMBASSADOR
                else Message.Direction.TO_AMBASSADOR
            ),
            body=body.strip(),
            status=Message.Status.HELD if honeypot else Message.Status.RECEIVED,
            ip_hash=hash_ip(request_ip),
            created_at=now,
        )
        if not honeypot:
            _relay(answer)
    return answer


def release(*, message: Message) -> Message:
    """The national team releases a held message: it is relayed now."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.HELD:
            raise ValidationError("Seul un message retenu peut être transmis.")
        message.status = Message.Status.RECEIVED
        message.save(update_fields=["status"])
        _relay(message)
    return message


def _relay(message: Message) -> None:
    """Queues the email that carries `message` to the other side, with a reply link."""
    root = message.root
    ambassador = message.ambassador
    context = {
        "message": message,
        "root": root,
        "ambassador": ambassador,
        "is_first": message.thread_id is None,
    }
    if message.direction == Message.Direction.TO_AMBASSADOR:
        recipient = ambassador.contact_email
        # The asker's address only if they agreed: the ambassador can then answer directly.
        reply_to = root.asker_email if root.share_email else ""
        context.update(
            reply_url=emails.reply_url(message, by=emails.AMBASSADOR),
            manage_url=emails.absolute(ambassador.manage_url()),
            shared_email=reply_to,
        )
        kind = emails.Kind.MESSAGE if message.thread_id is None else emails.Kind.REPLY
        template = "message" if message.thread_id is None else "reply_to_ambassador"
    else:
        recipient = root.asker_email
        reply_to = ""  # never the ambassador's address
        context.update(
            reply_url=emails.reply_url(message, by=emails.ASKER),
            public_url=emails.absolute(ambassador.get_absolute_url()),
        )
        kind = emails.Kind.REPLY
        template = "reply_to_asker"
    message.email = emails.queue(
        kind=kind,
        recipient=recipient,
        template=template,
        context=context,
        reply_to=reply_to,
    )
    message.save(update_fields=["email"])


# --- Retention ---------------------------------------------------------------------------------


def purge(*, now=None) -> dict[str, int]:
    """Daily: anonymises the conversations whose last message is older than
    AMBASSADOR_MESSAGE_RETENTION_DAYS; deletes the sign-ups never confirmed within
    AMBASSADOR_PENDING_DAYS, and erases the personal data of those refused that long ago."""
    now = now or timezone.now()
    message_cutoff = now - timedelta(days=settings.AMBASSADOR_MESSAGE_RETENTION_DAYS)
    pending_cutoff = now - timedelta(days=settings.AMBASSADOR_PENDING_DAYS)
    counts = {"messages": 0, "unconfirmed": 0, "rejected": 0}
    with transaction.atomic():
        roots = (
            Message.objects.filter(thread__isnull=True, anonymised_at__isnull=True)
            .annotate(last=Greatest("created_at", Max("replies__created_at")))
            .filter(last__lt=message_cutoff)
            .values_list("pk", flat=True)
        )
        root_ids = list(roots)
        counts["messages"] = _anonymise_messages(
            Message.objects.filter(Q(pk__in=root_ids) | Q(thread_id__in=root_ids)), now=now
        )

        for ambassador in Ambassador.objects.select_for_update().filter(
            status=Status.PENDING_VERIFICATION, created_at__lt=pending_cutoff
        ):
            _erase(ambassador)
            ambassador.delete()
            counts["unconfirmed"] += 1

        for ambassador in Ambassador.objects.select_for_update().filter(
            status=Status.REJECTED, moderated_at__lt=pending_cutoff, manage_token__isnull=False
        ):
            _erase(ambassador)
            ambassador.save()
            counts["rejected"] += 1
    return counts


# --- Helpers -----------------------------------------------------------------------------------


def _locked(ambassador: Ambassador) -> Ambassador:
    locked = Ambassador.objects.select_for_update(of=("self",)).get(pk=ambassador.pk)
    # Whatever the step changes, the public counts of its network are read again afterwards.
    network_id = locked.network.network_id if locked.network_id else ""
    transaction.on_commit(lambda: queries.forget_counts(network_id))
    return locked


def _queue_to_contact(ambassador: Ambassador, *, kind: str, template: str, context: dict):
    email = emails.queue(
        kind=kind,
        recipient=ambassador.contact_email,
        template=template,
        context={
            "ambassador": ambassador,
            "manage_url": emails.absolute(ambassador.manage_url()),
            **context,
        },
    )
    ambassador.emails.add(email)
    return email


def _tell_moderators(ambassador: Ambassador, *, edited: bool) -> None:
    recipient = settings.AMBASSADOR_MODERATION_EMAIL
    if not recipient:
        return
    emails.queue(
        kind=emails.Kind.MODERATION,
        recipient=recipient,
        template="moderation",
        context={
            "ambassador": ambassador,
            "edited": edited,
            "admin_url": emails.absolute(
                reverse("admin:ambassadors_ambassador_change", args=[ambassador.pk])
            ),
        },
    )


def _erase(ambassador: Ambassador) -> None:
    """Clears the personal data of an ambassador (in memory; the caller saves), cancels and
    blanks the emails about them, anonymises their messages, deletes the photo file after the
    commit."""
    if ambassador.photo:
        _delete_file_on_commit(ambassador.photo.storage, ambassador.photo.name)
    _anonymise_messages(ambassador.messages.all(), now=timezone.now())
    _scrub_emails(ambassador.emails.all())
    for name in [
        "address_label",
        "street",
        "works",
        "testimony",
        "contact_name",
        "contact_role",
        "contact_email",
        "rejection_reason",
    ]:
        setattr(ambassador, name, "")
    ambassador.photo = ""
    ambassador.location = None
    ambassador.cost_eur = ambassador.savings_percent = None
    ambassador.cost_public = ambassador.savings_public = False
    ambassador.verification_token = ambassador.manage_token = None


def _anonymise_messages(queryset, *, now) -> int:
    ids = list(queryset.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    email_ids = Message.objects.filter(pk__in=ids, email__isnull=False).values_list(
        "email_id", flat=True
    )
    _scrub_emails(OutgoingEmail.objects.filter(pk__in=list(email_ids)))
    return Message.objects.filter(pk__in=ids).update(
        asker_name="",
        asker_email="",
        building_address="",
        body="",
        ip_hash="",
        status=Message.Status.ANONYMISED,
        anonymised_at=now,
    )


def _scrub_emails(queryset) -> None:
    """Emails not sent yet are cancelled; every copy loses its recipient and its text (the sent
    ones keep their status and date, counted by /stats)."""
    queryset.filter(status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]).update(
        status=OutgoingEmail.Status.CANCELLED, next_attempt_at=None
    )
    queryset.update(recipient="", reply_to="", subject="Courriel anonymisé", body="", last_error="")


def _delete_file_on_commit(storage, name: str) -> None:
    def delete():
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the photo file of an ambassador.")

    transaction.on_commit(delete)
