"""The search of /reseaux: the form of its filters and the networks they select."""

from django import forms
from django.db.models import Q, QuerySet
from dsfr.forms import DsfrBaseForm

from eligibility.models import HeatNetwork, NetworkKind
from eligibility.text import normalize

KIND_CHOICES = [("", "Tous"), *NetworkKind.choices]
MAX_WORDS = 8


class NetworkSearchForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher un réseau",
        help_text="Nom, commune, gestionnaire ou identifiant, par exemple : Sarcelles, Dalkia, 9502C",
        required=False,
        max_length=100,
    )
    type = forms.ChoiceField(label="Type de réseau", choices=KIND_CHOICES, required=False)
    enrr_min = forms.IntegerField(
        label="Taux d’énergies renouvelables et de récupération minimal (%)",
        required=False,
        min_value=0,
        max_value=100,
    )
    co2_max = forms.FloatField(
        label="Contenu CO2 maximal (kg/kWh)",
        help_text="Par exemple 0.1",
        required=False,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"step": "0.001"}),
    )
    classes = forms.BooleanField(label="Réseaux classés uniquement", required=False)


def search_networks(queryset: QuerySet[HeatNetwork], filters: dict) -> QuerySet[HeatNetwork]:
    """Networks matching every word of `q` (in their name, communes, operator or id, ignoring
    accents and case) and the other filters of a valid NetworkSearchForm."""
    for word in normalize(filters.get("q") or "").split()[:MAX_WORDS]:
        queryset = queryset.filter(
            Q(name__unaccent__icontains=word)
            | Q(commune_names__unaccent__icontains=word)
            | Q(operator__unaccent__icontains=word)
            | Q(network_id__iexact=word)
            | Q(communes__contains=[word])
        )
    if filters.get("type"):
        queryset = queryset.filter(kind=filters["type"])
    if filters.get("enrr_min") is not None:
        queryset = queryset.filter(enrr_rate__gte=filters["enrr_min"])
    if filters.get("co2_max") is not None:
        queryset = queryset.filter(co2_kg_per_kwh__lte=filters["co2_max"])
    if filters.get("classes"):
        queryset = queryset.filter(classified=True)
    return queryset
