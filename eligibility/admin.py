"""Back office of the heat-network data: networks (with their thresholds and routes on a map),
networks under construction, priority zones, heat plants, addresses and deliveries.

Labels come from the models' verbose names (French). Geometries are edited on a Leaflet map
(django-leaflet); list pages never load them (a national route weighs thousands of vertices).
The journal keeps each edited field's old and new values (chauffage/admin_audit.py).
"""

from django.contrib import admin
from django.db.models import BooleanField, ExpressionWrapper, Q
from leaflet.admin import LeafletGeoAdmin

from chauffage.admin_audit import ValuesInJournal
from eligibility.importing import INSEE_CODE
from eligibility.models import (
    CONDOMINIUM_ENERGIES,
    Address,
    Condominium,
    FutureNetwork,
    HeatNetwork,
    HeatPlant,
    NetworkDelivery,
    PriorityZone,
)
from eligibility.text import normalize


class ReadOnlyMixin:
    """Data replaced by its next import: seen in the admin, never edited there."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommuneSearchMixin:
    """Search also finds the objects of a commune by its INSEE code (the `communes` array)."""

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        code = search_term.strip().upper()
        if INSEE_CODE.match(code):
            results |= queryset.filter(communes__contains=[code])
        return results, may_have_duplicates


class HasRouteFilter(admin.SimpleListFilter):
    title = "tracé"
    parameter_name = "trace"

    def lookups(self, request, model_admin):
        return [("oui", "Avec tracé"), ("non", "Sans tracé")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(route__isnull=False)
        if self.value() == "non":
            return queryset.filter(route__isnull=True)
        return queryset


@admin.register(HeatNetwork)
class HeatNetworkAdmin(ValuesInJournal, CommuneSearchMixin, LeafletGeoAdmin):
    list_display = ["network_id", "name", "operator", "kind", "classified", "has_route"]
    list_filter = ["kind", "classified", "open_to_connections", HasRouteFilter]
    search_fields = ["network_id", "name", "operator", "commune_names"]
    readonly_fields = ["updated_at", "is_synthetic"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["network_id", "kind", "name", "operator", "owner"]}),
        (
            "Localisation",
            {"fields": ["communes", "commune_names", "departement", "region", "route"]},
        ),
        (
            "Éligibilité",
            {
                "fields": [
                    "open_to_connections",
                    "classified",
                    ("threshold_very_close_m", "threshold_close_m"),
                ]
            },
        ),
        (
            "Chiffres",
            {
                "fields": [
                    ("enrr_rate", "figures_year"),
                    ("co2_kg_per_kwh", "co2_lifecycle_kg_per_kwh"),
                    ("creation_year", "length_km", "delivery_points"),
                    ("average_price", "average_price_housing", "average_price_tertiary"),
                    ("variable_share", "fixed_share", "efficiency"),
                    ("total_production_mwh", "total_power_mw"),
                    "production_mix",
                    "power_mix",
                    "deliveries",
                    "fluid",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Source", {"fields": ["source", "source_date", "is_synthetic", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # The route is loaded only where it is shown (the change form), never for a list.
        return (
            super()
            .get_queryset(request)
            .defer("route")
            .annotate(
                route_present=ExpressionWrapper(Q(route__isnull=False), output_field=BooleanField())
            )
        )

    @admin.display(description="tracé", boolean=True, ordering="route_present")
    def has_route(self, network):
        return network.route_present


@admin.register(FutureNetwork)
class FutureNetworkAdmin(ValuesInJournal, CommuneSearchMixin, LeafletGeoAdmin):
    list_display = ["official_id", "name", "operator", "planned_commissioning"]
    search_fields = ["official_id", "name", "operator"]
    readonly_fields = ["updated_at", "is_synthetic"]
    fields = [
        "official_id",
        "name",
        "operator",
        "communes",
        "planned_commissioning",
        "route",
        "zone",
        "source",
        "source_date",
        "is_synthetic",
        "updated_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("route", "zone")


@admin.register(PriorityZone)
class PriorityZoneAdmin(ValuesInJournal, LeafletGeoAdmin):
    list_display = ["official_id", "name", "power_threshold_kw"]
    search_fields = ["official_id", "name", "networks__network_id", "networks__name"]
    filter_horizontal = ["networks", "future_networks"]
    readonly_fields = ["updated_at", "is_synthetic"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("zone")


@admin.register(HeatPlant)
class HeatPlantAdmin(ValuesInJournal, LeafletGeoAdmin):
    list_display = ["official_id", "__str__", "fuel", "power_mw", "operator", "network"]
    list_filter = ["role"]
    search_fields = ["official_id", "name", "operator", "fuel", "code_insee"]
    list_select_related = ["network"]
    autocomplete_fields = ["network"]
    readonly_fields = ["updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("footprint", "network__route")


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """Millions of rows: no count of the whole table, search on the normalised label (trigram
    index) or the exact BAN id, and the position shown as coordinates, not edited."""

    list_display = ["ban_id", "label", "code_insee"]
    search_fields = ["search_label"]
    search_help_text = "Adresse (sans accents ni majuscules nécessaires) ou identifiant BAN exact."
    readonly_fields = ["position", "search_label"]
    exclude = ["location"]
    show_full_result_count = False
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(ban_id=term) | Q(search_label__contains=normalize(term))), False

    @admin.display(description="adresse")
    def label(self, address):
        return address.label

    @admin.display(description="position (longitude, latitude)")
    def position(self, address):
        if address.location is None:
            return "—"
        return f"{address.location.x:.6f}, {address.location.y:.6f}"


@admin.register(NetworkDelivery)
class NetworkDeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Published statistics: read only, replaced by the next import."""

    list_display = ["network_code", "network", "iris", "sector", "year", "mwh", "delivery_points"]
    list_filter = ["sector", "year"]
    search_fields = ["=network_code", "=iris", "operator"]
    list_select_related = ["network"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("network__route")


class CondominiumEnergyFilter(admin.SimpleListFilter):
    title = "énergie de chauffage"
    parameter_name = "energie"

    def lookups(self, request, model_admin):
        codes = (
            Condominium.objects.exclude(energie_utilisee="")
            .order_by("energie_utilisee")
            .values_list("energie_utilisee", flat=True)
            .distinct()
        )
        return [(code, CONDOMINIUM_ENERGIES.get(code, code)) for code in codes]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(energie_utilisee=self.value())
        return queryset


@admin.register(Condominium)
class CondominiumAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The national condominium register as imported (`import_rnic`): read only, replaced by the
    next import. The group permissions give it to the national team."""

    list_display = [
        "numero_immatriculation",
        "name",
        "adresse_reference",
        "code_insee",
        "nb_lot_habitation",
        "type_chauffage",
        "energy",
        "chauffage_urbain",
    ]
    list_filter = [
        "type_chauffage",
        CondominiumEnergyFilter,
        "chauffage_urbain",
        "periode_construction",
        "type_syndic",
        "mandat",
    ]
    search_fields = [
        "=numero_immatriculation",
        "name",
        "adresse_reference",
        "=code_insee",
        "representant_legal",
        "=representant_legal_siret",
    ]
    exclude = ["location"]
    readonly_fields = ["position", "energy"]
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="énergie de chauffage", ordering="energie_utilisee")
    def energy(self, condominium):
        return condominium.energy_label

    @admin.display(description="position (longitude, latitude)")
    def position(self, condominium):
        return f"{condominium.location.x:.6f}, {condominium.location.y:.6f}"
