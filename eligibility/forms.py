from django import forms
from dsfr.forms import DsfrBaseForm

HEATING_CHOICES = [
    ("collective", "Collectif (une chaudière pour tout l’immeuble)"),
    ("individual", "Individuel (une chaudière ou des radiateurs par logement)"),
]


CITYCODE = r"^[0-9][0-9AB][0-9]{3}$"


class AddressFieldsMixin(forms.Form):
    """The building's address and the hidden fields the autocomplete fills (static/js/
    autocomplete.js): coordinates, INSEE code and the label they belong to. Forms of other apps
    (contact request, ambassadors) use the same fields."""

    adresse = forms.CharField(
        label="Adresse de l’immeuble",
        help_text="Numéro, voie et commune, par exemple : 15 allée Paul Dukas 95200 Sarcelles",
        max_length=200,
        error_messages={
            "required": "Indiquez l’adresse de l’immeuble.",
            "max_length": "L’adresse ne peut pas dépasser 200 caractères.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    citycode = forms.RegexField(required=False, regex=CITYCODE, widget=forms.HiddenInput)
    label = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        # The coordinates hold only for the label the autocomplete chose: if the visitor edited
        # the address afterwards, the text is geocoded again.
        picked = (
            data.get("lat") is not None
            and data.get("lon") is not None
            and data.get("label")
            and data.get("label") == data.get("adresse")
        )
        if not picked:
            data["lat"] = data["lon"] = None
            data["citycode"] = ""
        return data


class EligibilityForm(AddressFieldsMixin, DsfrBaseForm):
    """The address test. Coordinates come from the autocomplete when JavaScript runs; without
    it, the address text is geocoded on the server."""

    chauffage = forms.ChoiceField(
        label="Mode de chauffage actuel",
        choices=HEATING_CHOICES,
        initial="collective",
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez le mode de chauffage de l’immeuble."},
    )
