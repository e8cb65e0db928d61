"""Organisations (network operators, energy agencies, local authorities, the national team), their
members, the contact requests (leads) they receive, what happened to each lead, and the emails
sent about it.

A lead keeps, next to what the requester typed, what the service knew when it was sent: the
address as geocoded, the verdict and the network, the organisation it was routed to and why.
Personal data (names, email, phone, comment, exact address and position) is anonymised after the
retention period (`purge_personal_data`) or when the requester deletes the request; the other
fields stay for the public statistics.
"""

import os
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property

from eligibility.models import FutureNetwork, HeatNetwork

COMMUNE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
DEPARTEMENT_CODE = re.compile(r"^(?:[0-9]{2}|2A|2B|97[1-8])$")
# Leads whose requester saw "À traiter" as "En cours de traitement".
REQUESTER_PENDING_LABEL = "En cours de traitement"


def departement_of(citycode: str) -> str:
    """The département of an INSEE commune code: 2 characters, 3 overseas (971…978)."""
    if not citycode:
        return ""
    return citycode[:3] if citycode.startswith("97") else citycode[:2]


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        OPERATOR = "operator", "Gestionnaire de réseau"
        ENERGY_AGENCY = "energy_agency", "Agence locale de l’énergie, espace conseil"
        LOCAL_AUTHORITY = "local_authority", "Collectivité"
        NATIONAL_TEAM = "national_team", "Équipe nationale"

    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    name = models.CharField("nom", max_length=200, unique=True)
    email = models.EmailField(
        "adresse de notification",
        blank=True,
        help_text="Reçoit les nouvelles demandes et les relances. Vide : les adresses des membres.",
    )
    networks = models.ManyToManyField(
        HeatNetwork,
        blank=True,
        related_name="organisations",
        verbose_name="réseaux gérés",
        help_text="Les demandes proches de ces réseaux sont adressées à l’organisme.",
    )
    future_networks = models.ManyToManyField(
        FutureNetwork,
        blank=True,
        related_name="organisations",
        verbose_name="réseaux en construction gérés",
    )
    communes = ArrayField(
        models.CharField(max_length=5),
        default=list,
        blank=True,
        verbose_name="territoire : communes (codes INSEE)",
        help_text="Codes INSEE séparés par des virgules, par exemple 95585,95018.",
    )
    departements = ArrayField(
        models.CharField(max_length=3),
        default=list,
        blank=True,
        verbose_name="territoire : départements",
        help_text="Codes séparés par des virgules, par exemple 95,2A,974.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "organisme"
        verbose_name_plural = "organismes"
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["communes"], name="organisation_communes_gin"),
            GinIndex(fields=["departements"], name="organisation_departements_gin"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        bad = [code for code in self.communes if not COMMUNE_CODE.match(code)]
        if bad:
            raise ValidationError({"communes": f"Codes INSEE invalides : {', '.join(bad)}."})
        bad = [code for code in self.departements if not DEPARTEMENT_CODE.match(code)]
        if bad:
            raise ValidationError({"departements": f"Codes invalides : {', '.join(bad)}."})

    def notification_emails(self) -> list[str]:
        if self.email:
            return [self.email]
        return sorted(
            {m.user.email for m in self.memberships.select_related("user") if m.user.email}
        )


def membership_organisation(user) -> "Organisation | None":
    """The organisation of a staff user, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.membership.organisation
    except Membership.DoesNotExist:
        return None


def is_national_team(user) -> bool:
    """Superusers and the members of a national-team organisation see and do everything."""
    if user is None or not getattr(user, "is_active", False):
        return False
    if user.is_superuser:
        return True
    organisation = membership_organisation(user)
    return organisation is not None and organisation.kind == Organisation.Kind.NATIONAL_TEAM


class Membership(models.Model):
    """A staff user's organisation: a user belongs to one organisation at most."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name="utilisateur",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="organisme",
    )
    created_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "membre"
        verbose_name_plural = "membres"

    def __str__(self):
        return f"{self.user} — {self.organisation}"


class OrganisationScopedQuerySet(models.QuerySet):
    """Rows that belong to an organisation (field `organisation`), seen with least privilege:
    all of them by the national team; by the staff of an operator, agency or authority, those
    of their organisation (of_organisation()); none by anybody else."""

    def visible_to(self, user):
        if user is None or not user.is_active or not user.is_staff:
            return self.none()
        if is_national_team(user):
            return self
        organisation = membership_organisation(user)
        if organisation is None:
            return self.none()
        return self.of_organisation(organisation)

    def of_organisation(self, organisation):
        return self.filter(organisation=organisation)


class LeadQuerySet(OrganisationScopedQuerySet):
    def of_organisation(self, organisation):
        """An organisation's leads, except the ones held in moderation or rejected as spam."""
        return super().of_organisation(organisation).exclude(status__in=Lead.WITHHELD_STATUSES)

    def not_anonymised(self):
        return self.filter(anonymised_at__isnull=True)

    def new_to_handle(self, now):
        """ "À traiter" and received less than REMINDER_AFTER_DAYS days ago."""
        since = now - timedelta(days=Lead.REMINDER_AFTER_DAYS)
        return self.filter(status=Lead.Status.NEW, created_at__gt=since)

    def pending_too_long(self, now):
        """Still "À traiter" REMINDER_AFTER_DAYS days or more after the request."""
        since = now - timedelta(days=Lead.REMINDER_AFTER_DAYS)
        return self.filter(status=Lead.Status.NEW, created_at__lte=since)

    def due_for_reminder(self, now):
        return self.not_anonymised().filter(
            status=Lead.Status.NEW,
            organisation__isnull=False,
            reminder_sent_at__isnull=True,
            created_at__lte=now - timedelta(days=Lead.REMINDER_AFTER_DAYS),
        )

    def due_for_followup(self, now):
        return (
            self.not_anonymised()
            .exclude(status__in=Lead.WITHHELD_STATUSES)
            .filter(
                followup_sent_at__isnull=True,
                followup_contacted__isnull=True,
                created_at__lte=now - timedelta(days=Lead.FOLLOWUP_AFTER_DAYS),
            )
        )

    def past_retention(self, now):
        days = settings.LEAD_RETENTION_DAYS
        return self.not_anonymised().filter(last_activity_at__lt=now - timedelta(days=days))


class Lead(models.Model):
    """A contact request: a building, its heating, a requester, and what the service did with it."""

    REMINDER_AFTER_DAYS = 7
    FOLLOWUP_AFTER_DAYS = 30

    class Structure(models.TextChoices):
        CONDOMINIUM = "condominium", "Copropriété"
        HOUSE = "house", "Maison individuelle"
        PROFESSIONAL = "professional", "Professionnel"

    class ProfessionalKind(models.TextChoices):
        SYNDIC = "syndic", "Syndic de copropriété"
        SOCIAL_LANDLORD = "social_landlord", "Bailleur social"
        TERTIARY_MANAGER = "tertiary_manager", "Gestionnaire de bâtiments tertiaires"
        DESIGN_OFFICE = "design_office", "Bureau d’études"
        OTHER = "other", "Autre"

    class RequestType(models.TextChoices):
        """What the requester asks for. Study and appointment go to the network's operator
        (routing rules of product.md); advice goes to the advice desk of the territory."""

        QUOTE = "quote", "Étude ou devis du gestionnaire"
        APPOINTMENT = "appointment", "Rendez-vous avec le gestionnaire"
        ADVICE = "advice", "Conseil France Rénov’"

    class Role(models.TextChoices):
        """The requester's role for the building: asked of condominiums, derived from the kind
        of professional (PROFESSIONAL_ROLES); not asked for a house."""

        COUNCIL_MEMBER = "council_member", "Membre du conseil syndical"
        CO_OWNER = "co_owner", "Copropriétaire"
        SYNDIC_PROFESSIONAL = "syndic_professional", "Syndic professionnel"
        SYNDIC_VOLUNTEER = "syndic_volunteer", "Syndic bénévole"
        SOCIAL_LANDLORD = "social_landlord", "Bailleur social"
        TERTIARY_MANAGER = "tertiary_manager", "Gestionnaire de bâtiments tertiaires"
        DESIGN_OFFICE = "design_office", "Bureau d’études"
        OTHER = "other", "Autre"

    # What the requester asked for, as the form put it (lower case: "Vous souhaitez : …").
    REQUEST_TYPE_WISHES = {
        RequestType.QUOTE: "être recontacté par le gestionnaire du réseau pour une étude ou "
        "un devis",
        RequestType.APPOINTMENT: "un rendez-vous avec le gestionnaire du réseau",
        RequestType.ADVICE: "des conseils neutres et gratuits d’un conseiller France Rénov’ "
        "(espace conseil de votre territoire)",
    }

    # A professional's kind is their role.
    PROFESSIONAL_ROLES = {
        ProfessionalKind.SYNDIC: Role.SYNDIC_PROFESSIONAL,
        ProfessionalKind.SOCIAL_LANDLORD: Role.SOCIAL_LANDLORD,
        ProfessionalKind.TERTIARY_MANAGER: Role.TERTIARY_MANAGER,
        ProfessionalKind.DESIGN_OFFICE: Role.DESIGN_OFFICE,
        ProfessionalKind.OTHER: Role.OTHER,
    }

    class HeatingEnergy(models.TextChoices):
        GAS = "gas", "Gaz"
        OIL = "oil", "Fioul"
        ELECTRICITY = "electricity", "Électricité"
        OTHER = "other", "Autre"

    class HeatingType(models.TextChoices):
        COLLECTIVE = "collective", "Collectif"
        INDIVIDUAL = "individual", "Individuel"

    class Status(models.TextChoices):
        MODERATION = "moderation", "En modération"
        NEW = "new", "À traiter"
        CONTACTED = "contacted", "Recontacté pour étude"
        OFFER_SENT = "offer_sent", "Proposition commerciale envoyée"
        VOTED = "voted", "Voté en AG"
        WORKS = "works", "Travaux en cours"
        DONE = "done", "Réalisé"
        NOT_FEASIBLE = "not_feasible", "Non réalisable"
        ABANDONED = "abandoned", "Abandonné par le demandeur"
        SPAM = "spam", "Rejetée (indésirable)"

    # Held back by the national team: nothing is emailed about them, the organisation does not
    # see them, and they are not requests in /stats (moderation: until the team decides; spam:
    # for good).
    WITHHELD_STATUSES = frozenset({Status.MODERATION, Status.SPAM})

    # What the requester asks for, and who they are for the building.
    request_type = models.CharField(
        "objet de la demande",
        max_length=20,
        choices=RequestType.choices,
        default=RequestType.QUOTE,
        db_index=True,
        help_text="Les demandes antérieures à ce choix sont des demandes d’étude ou de devis.",
    )
    requester_role = models.CharField(
        "rôle du demandeur",
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text="Vide : maison individuelle, ou demande antérieure à cette question.",
    )

    # The requester's building and heating.
    structure = models.CharField("structure", max_length=20, choices=Structure.choices)
    professional_kind = models.CharField(
        "type de professionnel", max_length=20, choices=ProfessionalKind.choices, blank=True
    )
    company_name = models.CharField("société", max_length=200, blank=True)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    email = models.EmailField("adresse électronique", max_length=254, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    heating_energy = models.CharField(
        "énergie de chauffage", max_length=20, choices=HeatingEnergy.choices
    )
    heating_type = models.CharField("mode de chauffage", max_length=20, choices=HeatingType.choices)
    dwellings = models.PositiveIntegerField("nombre de logements", null=True, blank=True)
    floor_area_m2 = models.PositiveIntegerField("surface chauffée (m²)", null=True, blank=True)
    boiler_age_years = models.PositiveSmallIntegerField(
        "âge de la chaudière collective (ans)", null=True, blank=True
    )
    general_assembly_date = models.DateField(
        "date de l’assemblée générale prévue", null=True, blank=True
    )
    boiler_replacement_date = models.DateField(
        "remplacement de la chaudière prévu",
        null=True,
        blank=True,
        help_text="Au mois près : le premier jour du mois indiqué.",
    )
    comment = models.TextField("commentaire", blank=True)
    consent = models.BooleanField("consentement au traitement des données", default=False)
    consent_at = models.DateTimeField("consentement donné le", null=True, blank=True)

    # What the service knew when the request was sent.
    address_label = models.CharField("adresse", max_length=200, blank=True)
    location = models.PointField(
        "position", srid=4326, geography=True, null=True, blank=True, spatial_index=True
    )
    code_insee = models.CharField("code INSEE", max_length=5, blank=True, db_index=True)
    category = models.CharField("catégorie d’éligibilité", max_length=40, blank=True)
    eligible = models.BooleanField("éligible", null=True, blank=True)
    distance_m = models.PositiveIntegerField("distance au réseau (m)", null=True, blank=True)
    network_id = models.CharField(
        "identifiant du réseau", max_length=40, blank=True, help_text="Au moment de la demande."
    )
    network_name = models.CharField("nom du réseau", max_length=255, blank=True)
    heat_network = models.ForeignKey(
        HeatNetwork,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name="réseau",
        help_text="Le réseau existant de la demande, s’il existe encore.",
    )

    # Routing and follow-up.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name="organisme destinataire",
        help_text="Vide : file de tri de l’équipe nationale.",
    )
    routing_reason = models.TextField("motif d’orientation", blank=True)
    reassignment_requested_at = models.DateTimeField(
        "réaffectation demandée le",
        null=True,
        blank=True,
        help_text="Par l’organisme destinataire ; effacé quand l’équipe nationale réaffecte.",
    )
    status = models.CharField(
        "statut", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    followup_contacted = models.BooleanField("recontacté selon le demandeur", null=True, blank=True)
    followup_answered_at = models.DateTimeField("réponse au suivi le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    followup_sent_at = models.DateTimeField("suivi envoyé le", null=True, blank=True)

    token = models.CharField(
        "jeton du lien personnel", max_length=64, unique=True, null=True, default=new_token
    )
    ip_hash = models.CharField("empreinte de l’adresse IP", max_length=64, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    last_activity_at = models.DateTimeField("dernière activité le", default=timezone.now)
    anonymised_at = models.DateTimeField("anonymisée le", null=True, blank=True)

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de contact"
        verbose_name_plural = "demandes de contact"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="lead_organisation_status"),
            models.Index(fields=["ip_hash", "created_at"], name="lead_ip_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True) | Q(anonymised_at__isnull=False),
                name="lead_consent_given",
            ),
            models.CheckConstraint(
                condition=Q(boiler_replacement_date__isnull=True)
                | Q(boiler_replacement_date__day=1),
                name="lead_boiler_replacement_month",
            ),
        ]

    def __str__(self):
        return f"Demande n° {self.pk} — {self.address_label or 'adresse inconnue'}"

    @property
    def requester_status_label(self) -> str:
        """The status as the requester sees it."""
        if self.status in {self.Status.NEW, self.Status.MODERATION}:
            return REQUESTER_PENDING_LABEL
        if self.status == self.Status.SPAM:
            return "Non retenue"
        return self.get_status_display()

    @property
    def boiler_replacement_month(self) -> str:
        """The planned replacement as people say it: "mars 2027"; "" when not given."""
        if self.boiler_replacement_date is None:
            return ""
        return date_format(self.boiler_replacement_date, "F Y")

    @property
    def request_type_wish(self) -> str:
        """What the requester asked for, in their words (lower case)."""
        return self.REQUEST_TYPE_WISHES.get(self.request_type, "")

    @property
    def requester_name(self) -> str:
        return " ".join(part for part in [self.first_name, self.last_name] if part)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    # Deliberately not get_absolute_url: Django reaches that from the back office ("voir sur le
    # site", /admin/r/…). The private page is the requester's alone; staff read the lead in the
    # admin.
    def private_url(self) -> str:
        """The path of the requester's private page (its secret token), for their emails."""
        return reverse("contacts:lead_private", args=[self.token]) if self.token else ""

    def admin_url(self) -> str:
        return reverse("admin:contacts_lead_change", args=[self.pk])


class LeadEvent(models.Model):
    """One thing that happened to a lead: the history shown to the back office (and, for the
    requester, the replies)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Création"
        STATUS = "status", "Changement de statut"
        REPLY = "reply", "Réponse au demandeur"
        NOTE = "note", "Note interne"
        REASSIGNMENT = "reassignment", "Réaffectation"
        REASSIGNMENT_REQUEST = "reassignment_request", "Demande de réaffectation"
        EMAIL = "email", "Courriel"
        FOLLOWUP = "followup", "Réponse au suivi"
        ANONYMISED = "anonymised", "Anonymisation"

    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="events", verbose_name="demande"
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField("date", default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="auteur",
        help_text="Vide : le service ou le demandeur.",
    )
    from_status = models.CharField(
        "statut précédent", max_length=20, choices=Lead.Status.choices, blank=True
    )
    to_status = models.CharField(
        "nouveau statut", max_length=20, choices=Lead.Status.choices, blank=True
    )
    from_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="organisme précédent",
    )
    to_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="nouvel organisme",
    )
    note = models.TextField("message ou note", blank=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "historique"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"


class OutgoingEmail(models.Model):
    """One email to send, sent, or that failed: the back office shows failures and retries."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", "Confirmation au demandeur"
        NOTIFICATION = "notification", "Transmission à l’organisme"
        REMINDER = "reminder", "Relance de l’organisme"
        FOLLOWUP = "followup", "Suivi du demandeur"
        REPLY = "reply", "Réponse au demandeur"
        REASSIGNMENT_REQUEST = "reassignment_request", "Demande de réaffectation"

    class Status(models.TextChoices):
        QUEUED = "queued", "En attente d’envoi"
        SENT = "sent", "Envoyé"
        FAILED = "failed", "Échec"
        CANCELLED = "cancelled", "Annulé"

    TO_REQUESTER = frozenset({Kind.CONFIRMATION, Kind.FOLLOWUP, Kind.REPLY})

    lead = models.ForeignKey(
        Lead,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name="demande",
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    recipient = models.CharField("destinataire", max_length=254)
    reply_to = models.CharField("répondre à", max_length=254, blank=True)
    subject = models.CharField("objet", max_length=255)
    body = models.TextField("texte")
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    next_attempt_at = models.DateTimeField("prochaine tentative", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.subject}"


# --- Bulk eligibility test (contacts/bulk*.py) -------------------------------------------------


class BulkFileStorage(FileSystemStorage):
    """MEDIA_ROOT/bulk/, following MEDIA_ROOT when it changes (tests)."""

    @cached_property
    def base_location(self):
        return os.path.join(str(settings.MEDIA_ROOT), "bulk")


def bulk_storage():
    """Where uploaded files and results of bulk tests live: under MEDIA_ROOT/bulk/, which no web
    server publishes; only the back office and the API views serve them, to their organisation."""
    return BulkFileStorage()


def bulk_input_path(job: "BulkJob", filename: str) -> str:
    return f"entrees/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.csv"


class ApiToken(models.Model):
    """A key of an organisation to the bulk API (`Authorization: Bearer …`). Only its SHA-256
    digest is stored: the key itself is shown once, when it is created."""

    PREFIX = "fcu_"

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="organisme",
    )
    name = models.CharField(
        "nom",
        max_length=100,
        help_text="Pour s’y retrouver : l’outil ou la personne qui l’utilise.",
    )
    key_prefix = models.CharField("début de la clé", max_length=12, editable=False)
    key_hash = models.CharField("empreinte de la clé", max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "clé d’API"
        verbose_name_plural = "clés d’API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def digest(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()

    def generate_key(self) -> str:
        """Sets a new random key and returns it (the only time it is readable)."""
        key = self.PREFIX + secrets.token_urlsafe(32)
        self.key_prefix = key[:12]
        self.key_hash = self.digest(key)
        return key

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class BulkJob(models.Model):
    """A file of addresses or points tested at once, in the background (contacts/bulk.py)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "À lancer"
        QUEUED = "queued", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="bulk_jobs", verbose_name="organisme"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="lancé par",
    )
    api_token = models.ForeignKey(
        ApiToken,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        verbose_name="clé d’API",
    )
    original_name = models.CharField("nom du fichier", max_length=255)
    input_file = models.FileField(
        "fichier déposé", storage=bulk_storage, upload_to=bulk_input_path, max_length=200
    )
    size_bytes = models.PositiveBigIntegerField("taille (octets)", default=0)
    encoding = models.CharField("encodage", max_length=20)
    delimiter = models.CharField("séparateur", max_length=1)
    columns = models.JSONField("colonnes", default=list)
    mapping = models.JSONField(
        "rôle des colonnes", default=dict, help_text="Rôle → numéro de colonne (à partir de 0)."
    )
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    total_rows = models.PositiveIntegerField("lignes", default=0)
    rows_done = models.PositiveIntegerField("lignes traitées", default=0)
    geocoded_rows = models.PositiveIntegerField("lignes géocodées", default=0)
    tested_rows = models.PositiveIntegerField("lignes testées", default=0)
    eligible_rows = models.PositiveIntegerField("lignes éligibles", default=0)
    rejected_rows = models.PositiveIntegerField("lignes non testées", default=0)
    failure_reason = models.TextField("motif de l’échec", blank=True)
    runs = models.PositiveSmallIntegerField("exécutions", default=0)
    created_at = models.DateTimeField("déposé le", default=timezone.now, db_index=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    progress_at = models.DateTimeField("dernier avancement", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    result_csv = models.FileField(
        "résultat (CSV)", storage=bulk_storage, blank=True, max_length=200
    )
    result_xlsx = models.FileField(
        "résultat (Excel)", storage=bulk_storage, blank=True, max_length=200
    )
    map_points = models.FileField(
        "points de la carte", storage=bulk_storage, blank=True, max_length=200
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "test d’éligibilité en masse"
        verbose_name_plural = "tests d’éligibilité en masse"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Test en masse n° {self.pk} — {self.original_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.rows_done * 100 // self.total_rows)

    @property
    def seconds_left(self) -> int | None:
        """Time left at the pace so far; None before the first chunk."""
        if self.status != self.Status.RUNNING or not self.rows_done or not self.started_at:
            return None
        elapsed = ((self.progress_at or timezone.now()) - self.started_at).total_seconds()
        remaining = max(self.total_rows - self.rows_done, 0)
        return round(elapsed / self.rows_done * remaining)

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
