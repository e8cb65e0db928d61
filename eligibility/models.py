"""Heat-network data: networks and their routes, networks under construction, priority
development zones (PDP), heat plants and the addresses of the Base Adresse Nationale.

Geometries are WGS84 geographies: distances computed by PostGIS are ground distances in metres
anywhere in France, mainland and overseas. Every geometry has a spatial (GiST) index.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone

from chauffage.db import server_cursor

GEOGRAPHY = {"srid": 4326, "geography": True, "spatial_index": True}


class NetworkKind(models.TextChoices):
    HEAT = "heat", "Réseau de chaleur"
    COLD = "cold", "Réseau de froid"


class HeatNetworkQuerySet(models.QuerySet):
    def heat(self):
        return self.filter(kind=NetworkKind.HEAT)

    def cold(self):
        return self.filter(kind=NetworkKind.COLD)

    def with_route(self):
        return self.filter(route__isnull=False)

    def without_route(self):
        return self.filter(route__isnull=True)

    def testable(self):
        """Heat networks open to new connections: the ones an eligibility test considers."""
        return self.heat().filter(open_to_connections=True)


class HeatNetwork(models.Model):
    """A heat ("C") or cold ("F") network of the national export."""

    network_id = models.CharField(
        "identifiant national",
        max_length=12,
        unique=True,
        help_text="Identifiant du réseau dans l’export national, par exemple 9502C (chaleur) ou 7501F (froid).",
    )
    kind = models.CharField(
        "type", max_length=4, choices=NetworkKind.choices, default=NetworkKind.HEAT
    )
    name = models.CharField("nom", max_length=255)
    communes = ArrayField(
        models.CharField(max_length=5),
        default=list,
        blank=True,
        verbose_name="communes (codes INSEE)",
    )
    commune_names = models.TextField("communes d’implantation", blank=True)
    departement = models.CharField("département", max_length=120, blank=True)
    region = models.CharField("région", max_length=120, blank=True)
    owner = models.CharField("maître d’ouvrage", max_length=255, blank=True)
    operator = models.CharField("gestionnaire", max_length=255, blank=True)
    classified = models.BooleanField(
        "réseau classé",
        default=False,
        help_text="Raccordement obligatoire dans le périmètre de développement prioritaire.",
    )
    creation_year = models.PositiveSmallIntegerField("année de création", null=True, blank=True)
    length_km = models.FloatField("longueur (km)", null=True, blank=True)
    delivery_points = models.PositiveIntegerField("points de livraison", null=True, blank=True)
    enrr_rate = models.FloatField(
        "taux EnR&R (%)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    co2_kg_per_kwh = models.FloatField("contenu CO2 (kg/kWh)", null=True, blank=True)
    co2_lifecycle_kg_per_kwh = models.FloatField(
        "contenu CO2 en ACV (kg/kWh)", null=True, blank=True
    )
    figures_year = models.CharField(
        "référence des contenus CO2 et EnR&R",
        max_length=40,
        blank=True,
        help_text="Par exemple « Moyenne » (moyenne 3 ans) ou une année.",
    )
    average_price = models.FloatField("prix moyen (€ TTC/MWh)", null=True, blank=True)
    average_price_housing = models.FloatField(
        "prix moyen logement (€ TTC/MWh)", null=True, blank=True
    )
    average_price_tertiary = models.FloatField(
        "prix moyen tertiaire (€ TTC/MWh)", null=True, blank=True
    )
    variable_share = models.FloatField("part variable de la facture (%)", null=True, blank=True)
    fixed_share = models.FloatField("part fixe de la facture (%)", null=True, blank=True)
    efficiency = models.FloatField("rendement (%)", null=True, blank=True)
    total_production_mwh = models.FloatField("production totale (MWh)", null=True, blank=True)
    total_power_mw = models.FloatField("puissance totale (MW)", null=True, blank=True)
    production_mix = models.JSONField(
        "production par énergie (MWh)",
        default=dict,
        blank=True,
        help_text="Clé : énergie (gaz_naturel, biomasse_solide, UIOM…), valeur : MWh.",
    )
    power_mix = models.JSONField("puissance par énergie (MW)", default=dict, blank=True)
    deliveries = models.JSONField(
        "livraisons par secteur (MWh)",
        default=dict,
        blank=True,
        help_text="Clé : residentiel, tertiaire, industrie, agriculture, autre, total.",
    )
    fluid = models.JSONField(
        "fluide caloporteur (%)",
        default=dict,
        blank=True,
        help_text="eau_chaude, eau_surchauffee, vapeur.",
    )
    open_to_connections = models.BooleanField("ouvert aux raccordements", default=True)
    threshold_very_close_m = models.PositiveIntegerField(
        "seuil « très proche » (m)",
        null=True,
        blank=True,
        help_text="Vide : seuil national par défaut (100 m).",
    )
    threshold_close_m = models.PositiveIntegerField(
        "seuil « proche » (m)",
        null=True,
        blank=True,
        help_text="Vide : seuil national par défaut (200 m).",
    )
    route = models.MultiLineStringField("tracé", null=True, blank=True, **GEOGRAPHY)
    source = models.CharField("source des données", max_length=255, blank=True)
    source_date = models.DateField("date des données", null=True, blank=True)
    is_synthetic = models.BooleanField(
        "donnée synthétique",
        default=False,
        help_text="Jeu de données fictif généré pour les mesures de performance.",
    )
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = HeatNetworkQuerySet.as_manager()

    class Meta:
        verbose_name = "réseau"
        verbose_name_plural = "réseaux"
        ordering = ["network_id"]
        indexes = [
            GinIndex(fields=["communes"], name="heatnetwork_communes_gin"),
            # The largest "close" distance a network has: the eligibility test reads it on
            # every request (rules.py), in one index entry.
            models.Index(
                fields=["threshold_close_m"],
                name="heatnetwork_own_close",
                condition=Q(threshold_close_m__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_very_close_m__isnull=True)
                | Q(threshold_close_m__isnull=True)
                | Q(threshold_very_close_m__lte=models.F("threshold_close_m")),
                name="heatnetwork_thresholds_ordered",
            )
        ]

    def __str__(self):
        return f"{self.network_id} — {self.name}"

    @property
    def very_close_threshold(self) -> int:
        """Metres: the network's own threshold, else its national one (Paris), else the default."""
        if self.threshold_very_close_m:
            return self.threshold_very_close_m
        override = settings.NETWORK_THRESHOLDS.get(self.network_id)
        return override[0] if override else settings.ELIGIBILITY_THRESHOLDS["very_close"]

    @property
    def close_threshold(self) -> int:
        if self.threshold_close_m:
            return self.threshold_close_m
        override = settings.NETWORK_THRESHOLDS.get(self.network_id)
        return override[1] if override else settings.ELIGIBILITY_THRESHOLDS["close"]


class FutureNetwork(models.Model):
    """A network under construction: its planned route, or the zone it will serve, or both."""

    official_id = models.CharField("identifiant", max_length=40, unique=True)
    name = models.CharField("nom", max_length=255)
    operator = models.CharField("gestionnaire", max_length=255, blank=True)
    communes = ArrayField(
        models.CharField(max_length=5),
        default=list,
        blank=True,
        verbose_name="communes (codes INSEE)",
    )
    planned_commissioning = models.CharField(
        "mise en service prévue",
        max_length=40,
        blank=True,
        help_text="Année ou date de mise en service prévue.",
    )
    route = models.MultiLineStringField("tracé prévu", null=True, blank=True, **GEOGRAPHY)
    zone = models.MultiPolygonField("zone de construction", null=True, blank=True, **GEOGRAPHY)
    source = models.CharField("source des données", max_length=255, blank=True)
    source_date = models.DateField("date des données", null=True, blank=True)
    is_synthetic = models.BooleanField("donnée synthétique", default=False)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "réseau en construction"
        verbose_name_plural = "réseaux en construction"
        ordering = ["official_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(route__isnull=False) | Q(zone__isnull=False),
                name="futurenetwork_has_geometry",
            )
        ]

    def __str__(self):
        return f"{self.official_id} — {self.name}"

    @property
    def very_close_threshold(self) -> int:
        return settings.ELIGIBILITY_THRESHOLDS["very_close"]

    @property
    def close_threshold(self) -> int:
        return settings.ELIGIBILITY_THRESHOLDS["close"]


class PriorityZone(models.Model):
    """A priority development zone (périmètre de développement prioritaire, PDP) of a classified
    network: connection is mandatory there for new and renovated buildings above a power threshold."""

    official_id = models.CharField("identifiant", max_length=40, unique=True)
    name = models.CharField("nom", max_length=255, blank=True)
    networks = models.ManyToManyField(
        HeatNetwork, blank=True, related_name="priority_zones", verbose_name="réseaux existants"
    )
    future_networks = models.ManyToManyField(
        FutureNetwork,
        blank=True,
        related_name="priority_zones",
        verbose_name="réseaux en construction",
    )
    power_threshold_kw = models.PositiveIntegerField(
        "seuil de puissance (kW)",
        null=True,
        blank=True,
        help_text="Puissance au-delà de laquelle le raccordement est obligatoire.",
    )
    zone = models.MultiPolygonField("périmètre", **GEOGRAPHY)
    source = models.CharField("source des données", max_length=255, blank=True)
    source_date = models.DateField("date des données", null=True, blank=True)
    is_synthetic = models.BooleanField("donnée synthétique", default=False)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "périmètre de développement prioritaire"
        verbose_name_plural = "périmètres de développement prioritaire"
        ordering = ["official_id"]

    def __str__(self):
        return f"PDP {self.official_id} — {self.name}" if self.name else f"PDP {self.official_id}"


class HeatPlant(models.Model):
    """The footprint of a heat plant (chaufferie) of a network."""

    official_id = models.CharField("identifiant", max_length=40, unique=True)
    name = models.CharField("nom", max_length=255, blank=True)
    fuel = models.CharField("combustible", max_length=120, blank=True)
    power_mw = models.FloatField("puissance (MW)", null=True, blank=True)
    operator = models.CharField("gestionnaire", max_length=255, blank=True)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True)
    role = models.CharField("rôle", max_length=60, blank=True, help_text="Principale, appoint…")
    network = models.ForeignKey(
        HeatNetwork,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plants",
        verbose_name="réseau",
    )
    footprint = models.MultiPolygonField("emprise", **GEOGRAPHY)
    source = models.CharField("source des données", max_length=255, blank=True)
    source_date = models.DateField("date des données", null=True, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "chaufferie"
        verbose_name_plural = "chaufferies"
        ordering = ["official_id"]

    def __str__(self):
        return self.name or f"Chaufferie {self.official_id}"


class NetworkDelivery(models.Model):
    """Heat or cold delivered by a network in one IRIS district, one sector, one year (SDES)."""

    class Sector(models.TextChoices):
        RESIDENTIAL = "r", "Résidentiel"
        TERTIARY = "t", "Tertiaire"
        INDUSTRY = "i", "Industrie"
        AGRICULTURE = "a", "Agriculture"
        OTHER = "x", "Autre"

    network_code = models.CharField(
        "identifiant national du réseau",
        max_length=12,
        db_index=True,
        help_text="Tel que publié, même sans réseau connu.",
    )
    network = models.ForeignKey(
        HeatNetwork,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="iris_deliveries",
    )
    iris = models.CharField("code IRIS", max_length=9)
    sector = models.CharField("secteur", max_length=1, choices=Sector.choices)
    year = models.PositiveSmallIntegerField("année")
    mwh = models.FloatField(
        "livraisons (MWh)", null=True, blank=True, help_text="Vide : secret statistique."
    )
    delivery_points = models.PositiveIntegerField("points de livraison", null=True, blank=True)
    operator = models.CharField("opérateur", max_length=255, blank=True)

    class Meta:
        verbose_name = "livraison par IRIS"
        verbose_name_plural = "livraisons par IRIS"
        constraints = [
            models.UniqueConstraint(
                fields=["network_code", "iris", "sector", "year"], name="networkdelivery_unique"
            )
        ]


class Address(models.Model):
    """An address (house number) of the Base Adresse Nationale."""

    # Indexes are declared in Meta: a plain unique constraint and a plain b-tree, without the
    # extra LIKE (pattern_ops) index Django adds to an indexed CharField, which every import of
    # millions of BAN rows would have to maintain for no query.
    ban_id = models.CharField("identifiant BAN", max_length=60)
    numero = models.PositiveIntegerField("numéro", null=True, blank=True)
    rep = models.CharField("indice de répétition", max_length=10, blank=True)
    nom_voie = models.CharField("voie", max_length=255)
    code_postal = models.CharField("code postal", max_length=5)
    code_insee = models.CharField("code INSEE", max_length=5)
    nom_commune = models.CharField("commune", max_length=255)
    location = models.PointField("position", **GEOGRAPHY)
    search_label = models.TextField(
        "libellé normalisé", help_text="Libellé sans accents ni majuscules, pour la recherche."
    )
    is_synthetic = models.BooleanField("donnée synthétique", default=False)

    class Meta:
        verbose_name = "adresse"
        verbose_name_plural = "adresses"
        constraints = [models.UniqueConstraint(fields=["ban_id"], name="address_ban_id_unique")]
        indexes = [
            # A commune's addresses, and a street's (the autocomplete's other house numbers).
            models.Index(fields=["code_insee", "nom_voie"], name="address_commune_street"),
            GinIndex(
                fields=["search_label"], opclasses=["gin_trgm_ops"], name="address_search_trgm"
            ),
            models.Index(
                fields=["search_label"],
                opclasses=["text_pattern_ops"],
                name="address_search_prefix",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def street_label(self) -> str:
        return format_street_label(self.numero, self.rep, self.nom_voie)

    @property
    def label(self) -> str:
        return format_address_label(
            self.numero, self.rep, self.nom_voie, self.code_postal, self.nom_commune
        )


def format_street_label(numero: int | None, rep: str, nom_voie: str) -> str:
    """ "15 bis Allée Paul Dukas" (the number, its repetition index, the street)."""
    number = f"{numero}{' ' + rep if rep else ''} " if numero else ""
    return f"{number}{nom_voie}"


def format_address_label(numero, rep, nom_voie, code_postal, nom_commune) -> str:
    """ "15 Allée Paul Dukas 95200 Sarcelles", as the national address API labels it (also for
    rows read without building an Address: the autocomplete reads ten of them a keystroke)."""
    return f"{format_street_label(numero, rep, nom_voie)} {code_postal} {nom_commune}"


class DataVersion(models.Model):
    """The version of one table the eligibility rules read. A PostgreSQL trigger gives the table
    a new number, from a sequence, in every statement that changes it (migration 0010): in the
    changing transaction, so the number and the data become visible together, and a rolled-back
    change restores the number. The workers' in-memory index (eligibility/index.py) compares
    them to know when to reload."""

    table = models.CharField("table", max_length=63, primary_key=True)
    version = models.BigIntegerField("version")

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "versions des données"

    @classmethod
    def current(cls) -> tuple[tuple[str, int], ...]:
        return tuple(cls.objects.order_by("table").values_list("table", "version"))


class EligibilityCheck(models.Model):
    """One eligibility test, recorded for the public statistics. No personal data: no address,
    no coordinates, only the commune."""

    class Channel(models.TextChoices):
        WEB = "web", "Site"
        API = "api", "API"
        BULK = "bulk", "Test en masse"

    created_at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    channel = models.CharField("canal", max_length=4, choices=Channel.choices)
    code_insee = models.CharField("code INSEE", max_length=5, blank=True)
    category = models.CharField("catégorie", max_length=40)
    eligible = models.BooleanField("éligible")
    distance_m = models.PositiveIntegerField("distance (m)", null=True, blank=True)
    network_id = models.CharField("réseau", max_length=40, blank=True)

    class Meta:
        verbose_name = "test d’éligibilité"
        verbose_name_plural = "tests d’éligibilité"

    @classmethod
    def record_many(cls, checks, *, channel: str) -> int:
        """Stores many tests (citycode, category, eligible, distance, network id) with COPY, the
        fastest way into PostgreSQL, in the current transaction. Returns how many."""
        count = 0
        with (
            server_cursor() as cursor,
            cursor.copy(
                "COPY eligibility_eligibilitycheck (created_at, channel, code_insee, category,"
                " eligible, distance_m, network_id) FROM STDIN"
            ) as copy,
        ):
            now = timezone.now()
            for citycode, category, eligible, distance, network_id in checks:
                copy.write_row(
                    (now, channel, citycode or "", category, eligible, distance, network_id or "")
                )
                count += 1
        return count


class ConstructionPeriod(models.TextChoices):
    """`periode_construction` of the national condominium register (RNIC)."""

    BEFORE_1949 = "AVANT_1949", "Avant 1949"
    FROM_1949_TO_1960 = "DE_1949_A_1960", "De 1949 à 1960"
    FROM_1961_TO_1974 = "DE_1961_A_1974", "De 1961 à 1974"
    FROM_1975_TO_1993 = "DE_1975_A_1993", "De 1975 à 1993"
    FROM_1994_TO_2000 = "DE_1994_A_2000", "De 1994 à 2000"
    FROM_2001_TO_2010 = "DE_2001_A_2010", "De 2001 à 2010"
    SINCE_2001 = "A_PARTIR_DE_2001", "À partir de 2001"
    SINCE_2011 = "APRES_2011", "À partir de 2011"
    UNKNOWN = "NON_CONNUE", "Non connue"


class CondominiumHeating(models.TextChoices):
    """`type_chauffage` of the RNIC."""

    COLLECTIVE = "collectif", "Collectif"
    MIXED = "mixte", "Mixte (collectif et individuel)"
    INDIVIDUAL = "individuel", "Individuel"
    NO_HEATING = "sans_chauffage", "Sans chauffage"
    NOT_APPLICABLE = "sans_objet", "Sans objet"
    UNKNOWN = "non_connu", "Non connu"


# `energie_utilisee` of the RNIC: code → readable label. The register may add codes: an unknown
# one is kept as published and shown as it is (see Condominium.energy_label).
CONDOMINIUM_ENERGIES = {
    "gaz_collectif": "Gaz collectif",
    "gaz_naturel": "Gaz naturel",
    "gaz": "Gaz",
    "gaz_propane_butane": "Gaz propane ou butane",
    "fioul_domestique": "Fioul domestique",
    "fioul": "Fioul",
    "charbon": "Charbon",
    "bois_de_chauffage": "Bois de chauffage",
    "electricite": "Électricité",
    "chauffage_urbain": "Réseau de chaleur",
    "energie_autre": "Autre énergie",
    "sans_objet": "Sans objet",
    "non_connue": "Non connue",
}


class SyndicKind(models.TextChoices):
    """`type_syndic` of the RNIC (« Type de syndic : bénévole / professionnel / non connu »)."""

    PROFESSIONAL = "professionnel", "Professionnel"
    VOLUNTEER = "benevole", "Bénévole"


class MandateStatus(models.TextChoices):
    """`mandat` of the RNIC (« Mandat en cours dans la copropriété »)."""

    CURRENT = "mandat_en_cours", "Mandat en cours"
    NONE = "pas_de_mandat_en_cours", "Pas de mandat en cours"
    EXPIRED = "mandat_expire_sans_successeur_declare", "Mandat expiré sans successeur déclaré"
    SUCCEEDED = "mandat_expire_avec_successeur_declare", "Mandat expiré avec successeur déclaré"


# The energy performance classes the register counts, per building of the condominium: our field
# → the class as written on a certificate (DPE).
ENERGY_CLASSES = {
    "dpe_a": "A",
    "dpe_b": "B",
    "dpe_c": "C",
    "dpe_d": "D",
    "dpe_e": "E",
    "dpe_f": "F",
    "dpe_g": "G",
    "dpe_non_determine": "non déterminée",
}


def _energy_class_field(label: str):
    return models.PositiveIntegerField(
        f"bâtiments d’étiquette DPE {label}"
        if len(label) == 1
        else "bâtiments d’étiquette DPE non déterminée",
        null=True,
        blank=True,
    )


class CondominiumQuerySet(models.QuerySet):
    def collectively_heated(self):
        """Heated by a collective (or partly collective) boiler: the ones a network can serve."""
        return self.filter(
            type_chauffage__in=[CondominiumHeating.COLLECTIVE, CondominiumHeating.MIXED]
        )

    def not_on_a_network(self):
        return self.exclude(chauffage_urbain=True)


class Condominium(models.Model):
    """A condominium of the national condominium register (registre national d’immatriculation
    des copropriétés, RNIC, published by ANAH): where it is, its size, age and heating."""

    numero_immatriculation = models.CharField(
        "numéro d’immatriculation",
        max_length=20,
        unique=True,
        help_text="Identifiant officiel au registre, par exemple AA6501357.",
    )
    name = models.CharField("nom d’usage", max_length=255, blank=True)
    adresse_reference = models.CharField("adresse de référence", max_length=255, blank=True)
    code_insee = models.CharField(
        "code INSEE de la commune", max_length=5, blank=True, db_index=True
    )
    location = models.PointField("position", **GEOGRAPHY)
    nb_lot_habitation = models.PositiveIntegerField("lots d’habitation", null=True, blank=True)
    nb_lot = models.PositiveIntegerField("nombre total de lots", null=True, blank=True)
    periode_construction = models.CharField(
        "période de construction", max_length=20, choices=ConstructionPeriod.choices, blank=True
    )
    type_chauffage = models.CharField(
        "type de chauffage", max_length=20, choices=CondominiumHeating.choices, blank=True
    )
    energie_utilisee = models.CharField(
        "énergie de chauffage",
        max_length=40,
        blank=True,
        help_text="Code du registre : gaz_collectif, fioul_domestique…",
    )
    chauffage_urbain = models.BooleanField(
        "déjà raccordée à un réseau de chaleur", null=True, blank=True
    )
    date_derniere_maj = models.DateField("dernière mise à jour au registre", null=True, blank=True)
    # The legal representative (syndic) as the register publishes it: a company and its SIRET, or
    # the name of a volunteer syndic. Shown to the back office's staff only (prospects).
    representant_legal = models.CharField(
        "représentant légal (syndic)",
        max_length=255,
        blank=True,
        help_text="Raison sociale du syndic professionnel, ou nom du syndic bénévole.",
    )
    representant_legal_siret = models.CharField(
        "SIRET du représentant légal", max_length=14, blank=True
    )
    type_syndic = models.CharField(
        "type de syndic", max_length=20, choices=SyndicKind.choices, blank=True
    )
    syndicat_cooperatif = models.BooleanField("syndicat coopératif", null=True, blank=True)
    mandat = models.CharField(
        "mandat du syndic", max_length=40, choices=MandateStatus.choices, blank=True
    )
    date_fin_mandat = models.DateField("fin du dernier mandat", null=True, blank=True)
    dpe_a = _energy_class_field("A")
    dpe_b = _energy_class_field("B")
    dpe_c = _energy_class_field("C")
    dpe_d = _energy_class_field("D")
    dpe_e = _energy_class_field("E")
    dpe_f = _energy_class_field("F")
    dpe_g = _energy_class_field("G")
    dpe_non_determine = _energy_class_field("non déterminée")
    source = models.CharField("source des données", max_length=255, blank=True)
    source_date = models.DateField("date des données", null=True, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = CondominiumQuerySet.as_manager()

    class Meta:
        verbose_name = "copropriété"
        verbose_name_plural = "copropriétés"
        ordering = ["numero_immatriculation"]

    def __str__(self):
        return self.name or self.adresse_reference or self.numero_immatriculation

    @property
    def energy_label(self) -> str:
        code = self.energie_utilisee
        return CONDOMINIUM_ENERGIES.get(code, code.replace("_", " ").capitalize())

    @property
    def syndic_kind_label(self) -> str:
        """« Professionnel », « Bénévole (syndicat coopératif) », « Syndicat coopératif »…"""
        kind = self.get_type_syndic_display()
        if self.syndicat_cooperatif:
            return f"{kind} (syndicat coopératif)" if kind else "Syndicat coopératif"
        return kind

    @property
    def energy_classes(self) -> list[tuple[str, int]]:
        """The DPE classes present in the register, with their number of buildings."""
        return [
            (label, count)
            for field, label in ENERGY_CLASSES.items()
            if (count := getattr(self, field))
        ]

    @property
    def energy_classes_label(self) -> str:
        """« D : 2 bâtiments, E : 1 bâtiment », or empty when the register says nothing."""
        return ", ".join(
            f"{label}\u00a0: {count}\u00a0bâtiment{'s' if count > 1 else ''}"
            for label, count in self.energy_classes
        )
