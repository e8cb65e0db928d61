"""The contact request form: what the requester types, validated with messages in French."""

import re
from datetime import timedelta

from django import forms
from django.forms import Form
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from chauffage.forms import integer_field
from contacts.models import Lead
from eligibility.forms import AddressFieldsMixin

PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# National numbers (0X XX XX XX XX) or international ones of France and its overseas territories.
NATIONAL_PHONE = re.compile(r"^0[1-9][0-9]{8}$")
INTERNATIONAL_PHONE = re.compile(r"^(?:\+|00)(33|262|269|508|590|594|596|687|689)([1-9][0-9]{8})$")
PHONE_ERROR = (
    "Indiquez un numéro de téléphone français à 10 chiffres, par exemple 01 23 45 67 89 "
    "ou +33 1 23 45 67 89."
)


def normalise_phone(value: str) -> str:
    """The number as 01 23 45 67 89 (or +262 6 92 12 34 56 overseas); "" when not French."""
    compact = PHONE_SEPARATORS.sub("", value)
    if NATIONAL_PHONE.match(compact):
        return " ".join(compact[i : i + 2] for i in range(0, 10, 2))
    match = INTERNATIONAL_PHONE.match(compact)
    if match:
        country, number = match.groups()
        if country == "33":
            national = f"0{number}"
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return f"+{country} {number[0]} " + " ".join(number[i : i + 2] for i in range(1, 9, 2))
    return ""


def _messages(label: str, *, feminine: bool = False, **extra) -> dict:
    article = "la" if feminine else "le"
    return {"required": f"Indiquez {article} {label}.", **extra}


def _integer(label, *, required=False, **options):
    return integer_field(label, required=required, **options)


class LeadForm(AddressFieldsMixin, DsfrBaseForm):
    """Address and hidden coordinates as in the eligibility form, then the building, the heating
    and the requester."""

    structure = forms.ChoiceField(
        label="Vous êtes",
        choices=Lead.Structure.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez si vous représentez une copropriété, une maison ou un professionnel.",
            "invalid_choice": "Choisissez l’une des réponses proposées.",
        },
    )
    professional_kind = forms.ChoiceField(
        label="Type de professionnel",
        help_text="Pour les professionnels uniquement.",
        choices=[("", "Choisir dans la liste"), *Lead.ProfessionalKind.choices],
        required=False,
        error_messages={"invalid_choice": "Choisissez l’un des types proposés."},
    )
    company_name = forms.CharField(
        label="Nom de la société ou de l’organisme",
        help_text="Pour les professionnels uniquement.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Le nom de la société ne peut pas dépasser 200 caractères."},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    first_name = forms.CharField(
        label="Prénom",
        max_length=100,
        error_messages=_messages(
            "prénom", max_length="Le prénom ne peut pas dépasser 100 caractères."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Nom",
        max_length=100,
        error_messages=_messages("nom", max_length="Le nom ne peut pas dépasser 100 caractères."),
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Adresse électronique",
        help_text="Format attendu : nom@domaine.fr",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
            "max_length": "L’adresse électronique ne peut pas dépasser 254 caractères.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Téléphone (facultatif)",
        help_text="Format attendu : 01 23 45 67 89 ou +33 1 23 45 67 89",
        max_length=25,
        required=False,
        error_messages={"max_length": PHONE_ERROR},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "type": "tel"}),
    )
    heating_energy = forms.ChoiceField(
        label="Énergie de chauffage actuelle",
        choices=Lead.HeatingEnergy.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez l’énergie de chauffage actuelle.",
            "invalid_choice": "Choisissez l’une des énergies proposées.",
        },
    )
    heating_type = forms.ChoiceField(
        label="Mode de chauffage",
        choices=[
            ("collective", "Collectif (une chaudière pour tout l’immeuble)"),
            ("individual", "Individuel (une chaudière ou des radiateurs par logement)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez le mode de chauffage de l’immeuble.",
            "invalid_choice": "Choisissez l’un des modes de chauffage proposés.",
        },
    )
    dwellings = _integer(
        "Nombre de logements",
        min_value=1,
        max_value=10_000,
        help_text="Obligatoire pour une copropriété.",
        messages={
            "min_value": "Le nombre de logements doit être d’au moins 1.",
            "max_value": "Le nombre de logements ne peut pas dépasser 10 000.",
        },
    )
    floor_area_m2 = _integer(
        "Surface chauffée (m²) (facultatif)",
        min_value=10,
        max_value=1_000_000,
        help_text="Surface totale approximative, en mètres carrés.",
        messages={
            "min_value": "La surface doit être d’au moins 10 m².",
            "max_value": "La surface ne peut pas dépasser 1 000 000 m² : vérifiez l’unité.",
        },
    )
    boiler_age_years = _integer(
        "Âge de la chaudière collective, en années (facultatif)",
        min_value=0,
        max_value=100,
        help_text="0 si elle a moins d’un an.",
        messages={
            "min_value": "L’âge de la chaudière ne peut pas être négatif : indiquez depuis combien "
            "d’années elle est installée.",
            "max_value": "L’âge de la chaudière ne peut pas dépasser 100 ans.",
        },
    )
    general_assembly_date = forms.DateField(
        label="Date de la prochaine assemblée générale (facultatif)",
        help_text="Format attendu : JJ/MM/AAAA",
        required=False,
        error_messages={"invalid": "Indiquez une date valide, au format JJ/MM/AAAA."},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = forms.CharField(
        label="Commentaire (facultatif)",
        help_text="Votre projet, vos questions, vos disponibilités. 3 000 caractères au plus.",
        max_length=3000,
        required=False,
        error_messages={"max_length": "Le commentaire ne peut pas dépasser 3 000 caractères."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        label="J’accepte que mes données soient transmises à l’organisme chargé de ma demande",
        error_messages={
            "required": "Cochez la case pour accepter la transmission de vos données : "
            "sans elle, nous ne pouvons pas traiter votre demande."
        },
    )
    # Honeypot: hidden from people and screen readers; robots fill it in.
    site_web = forms.CharField(required=False, max_length=500)

    def get_context(self):
        # django-dsfr warns about how fields are marked; the asterisk of required fields is kept.
        context = Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        normalised = normalise_phone(value)
        if not normalised:
            raise forms.ValidationError(PHONE_ERROR)
        return normalised

    def clean_general_assembly_date(self):
        value = self.cleaned_data["general_assembly_date"]
        if value is None:
            return None
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError("La date de l’assemblée générale doit être à venir.")
        if value > today + timedelta(days=5 * 366):
            raise forms.ValidationError(
                "La date de l’assemblée générale doit être dans les cinq prochaines années."
            )
        return value

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean(self):
        data = super().clean()  # AddressFieldsMixin drops coordinates of another label
        structure = data.get("structure")
        if structure == Lead.Structure.PROFESSIONAL:
            if not data.get("professional_kind"):
                self.add_error("professional_kind", "Indiquez le type de professionnel.")
            if not data.get("company_name"):
                self.add_error("company_name", "Indiquez le nom de votre société ou organisme.")
        elif (
            structure == Lead.Structure.CONDOMINIUM
            and data.get("dwellings") is None
            and "dwellings" not in self.errors
        ):
            self.add_error("dwellings", "Indiquez le nombre de logements de la copropriété.")
        return data

    def lead_data(self) -> dict:
        """The keyword arguments of services.create_lead that come from the form."""
        data = self.cleaned_data
        professional = data["structure"] == Lead.Structure.PROFESSIONAL
        return {
            "structure": data["structure"],
            "professional_kind": data["professional_kind"] if professional else "",
            "company_name": data["company_name"].strip() if professional else "",
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "email": data["email"],
            "phone": data["phone"],
            "heating_energy": data["heating_energy"],
            "heating_type": data["heating_type"],
            "dwellings": data["dwellings"],
            "floor_area_m2": data["floor_area_m2"],
            "boiler_age_years": data["boiler_age_years"],
            "general_assembly_date": data["general_assembly_date"],
            "comment": data["comment"].strip(),
            "consent": data["consent"],
            "honeypot": data["site_web"],
        }
