"""The territory filter of /stats: a région and a département (GET, works without JavaScript)."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from stats.territories import (
    DEPARTEMENTS,
    FRANCE,
    REGIONS,
    UnknownTerritory,
    departements_of_region,
    territory_from,
)


def _alphabetical(item):
    """Île-de-France between Hauts-de-France and La Réunion, as a French reader looks for it."""
    return unicodedata.normalize("NFD", item[1]).encode("ascii", "ignore").decode().lower()


def _region_choices():
    regions = sorted(REGIONS.items(), key=_alphabetical)
    return [("", "France entière"), *((code, f"{name} ({code})") for code, name in regions)]


def _departement_choices():
    """Départements grouped by région (one optgroup each), in the order of their codes."""
    groups = [
        (name, [(dep, f"{dep} – {DEPARTEMENTS[dep][0]}") for dep in departements_of_region(code)])
        for code, name in sorted(REGIONS.items(), key=_alphabetical)
    ]
    return [("", "Tous les départements"), *groups]


class StatisticsFilterForm(DsfrBaseForm):
    region = forms.ChoiceField(
        label="Région",
        choices=_region_choices,
        required=False,
        error_messages={
            "invalid_choice": "Région inconnue : « %(value)s ». Choisissez une région dans la liste."
        },
    )
    departement = forms.ChoiceField(
        label="Département",
        help_text="Un département suffit ; s’il est choisi avec une région, il doit en faire partie.",
        choices=_departement_choices,
        required=False,
        error_messages={
            "invalid_choice": (
                "Département inconnu : « %(value)s ». Choisissez un département dans la liste."
            )
        },
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("departement"):
            data = data.copy()
            data["departement"] = data["departement"].strip().upper()  # 2a is 2A
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        try:
            data["territory"] = territory_from(
                region=data.get("region", ""), departement=data.get("departement", "")
            )
        except UnknownTerritory as error:
            if "region" in data and "departement" in data:
                raise ValidationError(str(error)) from error
        return data

    @property
    def territory(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data["territory"]
        return FRANCE
