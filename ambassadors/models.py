"""Ambassador condominiums: buildings already connected to a heat network whose council member or
syndic volunteers to share the experience, and the messages relayed between them and the boards
that consider a connection.

An ambassador goes through: pending verification (the contact confirms their email: double
opt-in) → pending moderation (the national team reads it in the admin) → published ↔ paused; or
refused by the team; or withdrawn by the contact, which erases the personal data and keeps an
anonymous row for the statistics.

The public sees the commune, the street (never the house number), the network and what the
contact chose to show; never the email, the names, nor the cost or savings unless shared. Messages
go through the service: neither side's email address is revealed to the other unless the asker
agrees to share theirs (see ambassadors/services.py).
"""

import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from eligibility.models import HeatNetwork

GEOGRAPHY = {"srid": 4326, "geography": True, "spatial_index": True}
FIRST_CONNECTION_YEAR = 1950


def new_token() -> str:
    return secrets.token_urlsafe(32)


def photo_path(instance, filename) -> str:
    """A random name: never the uploader's (images.py re-encodes every photo to JPEG)."""
    return f"ambassadors/photos/{secrets.token_hex(16)}.jpg"


class AmbassadorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Ambassador.Status.PUBLISHED)

    def for_network(self, network_id: str):
        """By the network's national id (9502C)."""
        return self.filter(network__network_id=network_id)

    def near(self, point):
        """Nearest first, through the spatial index (KNN `<->` on the geography), with the
        ground distance in metres as `distance`."""
        from django.contrib.gis.db.models.functions import Distance, GeometryDistance

        return (
            self.filter(location__isnull=False)
            .annotate(distance=Distance("location", point))
            # The distance alone: a second sort key would keep the index from returning the
            # rows in order (KNN), and sort the whole table instead.
            .order_by(GeometryDistance("location", point))
        )


class Ambassador(models.Model):
    class Status(models.TextChoices):
        PENDING_VERIFICATION = "pending_verification", "Adresse électronique à confirmer"
        PENDING_MODERATION = "pending_moderation", "À modérer"
        PUBLISHED = "published", "Publiée"
        PAUSED = "paused", "En pause"
        REJECTED = "rejected", "Refusée"
        WITHDRAWN = "withdrawn", "Retirée (données effacées)"

    class ContactRole(models.TextChoices):
        COUNCIL = "council", "Membre du conseil syndical"
        SYNDIC = "syndic", "Syndic de copropriété"

    # The building. The full label stays private; the commune and the street are public.
    address_label = models.CharField("adresse de l’immeuble", max_length=200, blank=True)
    location = models.PointField("position", null=True, blank=True, **GEOGRAPHY)
    code_insee = models.CharField("code INSEE", max_length=5, db_index=True)
    commune = models.CharField("commune", max_length=120)
    street = models.CharField(
        "voie",
        max_length=200,
        blank=True,
        help_text="Affichée publiquement, sans numéro : par exemple « Allée Paul Dukas ».",
    )
    network = models.ForeignKey(
        HeatNetwork,
        null=True,
        on_delete=models.SET_NULL,
        related_name="ambassadors",
        verbose_name="réseau",
    )

    # The connection, as the contact tells it.
    connection_year = models.PositiveSmallIntegerField(
        "année de raccordement",
        validators=[MinValueValidator(FIRST_CONNECTION_YEAR), MaxValueValidator(2100)],
    )
    dwellings = models.PositiveIntegerField(
        "nombre de logements", validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    works = models.TextField("travaux réalisés", blank=True)
    cost_eur = models.PositiveIntegerField("coût des travaux (€ TTC)", null=True, blank=True)
    cost_public = models.BooleanField("coût affiché publiquement", default=False)
    savings_percent = models.PositiveSmallIntegerField(
        "baisse de la facture de chauffage (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    savings_public = models.BooleanField("économies affichées publiquement", default=False)
    testimony = models.TextField("témoignage", blank=True)
    photo = models.FileField("photo", upload_to=photo_path, blank=True, max_length=200)

    # The contact: never public.
    contact_name = models.CharField("nom du contact", max_length=100, blank=True)
    contact_role = models.CharField(
        "rôle du contact", max_length=10, choices=ContactRole.choices, blank=True
    )
    contact_email = models.EmailField("adresse électronique du contact", blank=True)
    consent = models.BooleanField("consentement", default=False)
    consent_at = models.DateTimeField("consentement donné le", null=True, blank=True)

    status = models.CharField(
        "statut",
        max_length=24,
        choices=Status.choices,
        default=Status.PENDING_VERIFICATION,
        db_index=True,
    )
    verification_token = models.CharField(
        "jeton de confirmation", max_length=64, unique=True, null=True, default=new_token
    )
    manage_token = models.CharField(
        "jeton du lien de gestion", max_length=64, unique=True, null=True, default=new_token
    )
    rejection_reason = models.TextField("motif du refus", blank=True)
    emails = models.ManyToManyField(
        "contacts.OutgoingEmail",
        blank=True,
        related_name="+",
        verbose_name="courriels adressés au contact",
        help_text="Effacés avec les données personnelles quand la copropriété se retire.",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="modérée par",
    )
    created_at = models.DateTimeField("inscrite le", default=timezone.now, db_index=True)
    verified_at = models.DateTimeField("adresse confirmée le", null=True, blank=True)
    moderated_at = models.DateTimeField("modérée le", null=True, blank=True)
    published_at = models.DateTimeField(
        "publiée le", null=True, blank=True, help_text="Première publication."
    )
    edited_at = models.DateTimeField(
        "modifiée par le contact le", null=True, blank=True, db_index=True
    )
    paused_at = models.DateTimeField("mise en pause le", null=True, blank=True)
    withdrawn_at = models.DateTimeField("retirée le", null=True, blank=True)

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        verbose_name = "copropriété ambassadrice"
        verbose_name_plural = "copropriétés ambassadrices"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True) | Q(status="withdrawn"),
                name="ambassador_consent_given",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(location__isnull=False),
                name="ambassador_published_has_location",
            ),
        ]

    def __str__(self):
        where = f"{self.street}, {self.commune}" if self.street else self.commune
        return f"Copropriété n° {self.pk} — {where}"

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    @property
    def public_place(self) -> str:
        return f"{self.street}, {self.commune}" if self.street else self.commune

    def get_absolute_url(self):
        return reverse("ambassadors:detail", args=[self.pk])

    def manage_url(self) -> str:
        return reverse("ambassadors:manage", args=[self.manage_token]) if self.manage_token else ""

    def public_photo_url(self) -> str:
        return reverse("ambassadors:photo", args=[self.pk]) if self.photo else ""


class Message(models.Model):
    """A message relayed by email through the service: the first one from an asker to an
    ambassador, then replies either way in the same thread. Saved before anything is sent; the
    email (contacts.OutgoingEmail) is sent by a background task with retries."""

    class Direction(models.TextChoices):
        TO_AMBASSADOR = "to_ambassador", "Du demandeur à la copropriété"
        TO_ASKER = "to_asker", "De la copropriété au demandeur"

    class Status(models.TextChoices):
        RECEIVED = "received", "Transmis au service d’envoi"
        HELD = "held", "Retenu (suspicion de spam)"
        ANONYMISED = "anonymised", "Anonymisé"

    ambassador = models.ForeignKey(
        Ambassador,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name="copropriété",
    )
    thread = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name="premier message de l’échange",
        help_text="Vide pour le premier message.",
    )
    direction = models.CharField(
        "sens", max_length=16, choices=Direction.choices, default=Direction.TO_AMBASSADOR
    )
    # The asker: on the first message of a thread only.
    asker_name = models.CharField("nom du demandeur", max_length=100, blank=True)
    asker_email = models.EmailField("adresse électronique du demandeur", blank=True)
    building_address = models.CharField(
        "adresse de l’immeuble du demandeur", max_length=200, blank=True
    )
    share_email = models.BooleanField(
        "adresse électronique transmise à la copropriété",
        default=False,
        help_text="Le demandeur accepte que la copropriété voie son adresse électronique.",
    )
    body = models.TextField("message", blank=True)
    status = models.CharField(
        "statut", max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    email = models.OneToOneField(
        "contacts.OutgoingEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ambassador_message",
        verbose_name="courriel de transmission",
    )
    ip_hash = models.CharField("empreinte de l’adresse IP", max_length=64, blank=True)
    created_at = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    class Meta:
        verbose_name = "message relayé"
        verbose_name_plural = "messages relayés"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Message n° {self.pk} — {self.get_direction_display().lower()}"

    @property
    def root(self) -> "Message":
        return self.thread if self.thread_id else self
