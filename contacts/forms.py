"""The contact request form: what the requester types, validated with messages in French."""

import re
from datetime import date, timedelta

from django import forms
from django.forms import Form
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from dsfr.forms import DsfrBaseForm

from chauffage.formatting import MONTHS
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


REQUEST_TYPE_CHOICES = [
    (value, capfirst(Lead.REQUEST_TYPE_WISHES[value])) for value in Lead.RequestType.values
]
REQUEST_TYPE_HELP = (
    "Une étude, un devis ou un rendez-vous : le gestionnaire du réseau de chaleur proche de "
    "votre adresse (sans réseau proche, un conseiller en énergie de votre territoire). "
    "Des conseils : l’espace conseil France Rénov’ de votre territoire."
)
# The roles a condominium's requester chooses from; a professional's role is their kind.
CONDOMINIUM_ROLES = [
    Lead.Role.COUNCIL_MEMBER,
    Lead.Role.CO_OWNER,
    Lead.Role.SYNDIC_VOLUNTEER,
    Lead.Role.SYNDIC_PROFESSIONAL,
    Lead.Role.OTHER,
]
# How far the planned boiler replacement may be: a year back (overdue), ten years ahead.
REPLACEMENT_YEARS_BACK = 1
REPLACEMENT_YEARS_AHEAD = 10


def _first_of_month(day: date, *, years: int = 0) -> date:
    return date(day.year + years, day.month, 1)


def _messages(label: str, *, feminine: bool = False, **extra) -> dict:
    article = "la" if feminine else "le"
    return {"required": f"Indiquez {article} {label}.", **extra}


def _integer(label, *, required=False, **options):
    return integer_field(label, required=required, **options)


class LeadForm(AddressFieldsMixin, DsfrBaseForm):
    """What the requester wants, the address and hidden coordinates as in the eligibility form,
    then the building, the heating and the requester.

    `recipients` (from the result page: {"operator": Organisation | None, "advice":
    Organisation | None}, see routing.recipients) says in the form who will receive each kind
    of request."""

    request_type = forms.ChoiceField(
        label="Que souhaitez-vous\u00a0?",
        choices=REQUEST_TYPE_CHOICES,
        widget=forms.RadioSelect,
        help_text=REQUEST_TYPE_HELP,
        error_messages={
            "required": "Indiquez ce que vous souhaitez : une étude ou un devis, un rendez-vous "
            "ou des conseils.",
            "invalid_choice": "Choisissez l’une des demandes proposées.",
        },
    )
    structure = forms.ChoiceField(
        label="Vous êtes",
        choices=Lead.Structure.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez si vous représentez une copropriété, une maison ou un professionnel.",
            "invalid_choice": "Choisissez l’une des réponses proposées.",
        },
    )
    requester_role = forms.ChoiceField(
        label="Votre rôle dans la copropriété",
        help_text="Obligatoire pour une copropriété.",
        choices=[("", "Choisir dans la liste"), *[(r.value, r.label) for r in CONDOMINIUM_ROLES]],
        required=False,
        error_messages={"invalid_choice": "Choisissez l’un des rôles proposés."},
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
    # The planned boiler replacement, to the month: what people know (a <input type="month">
    # is a plain text box in several browsers).
    boiler_replacement_month = forms.TypedChoiceField(
        label="Mois",
        choices=[("", "Mois"), *[(n, name) for n, name in enumerate(MONTHS, start=1)]],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choisissez un mois de la liste."},
    )
    boiler_replacement_year = forms.TypedChoiceField(
        label="Année",
        choices=[],  # set in __init__, around the current year
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choisissez une année de la liste."},
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

    def __init__(self, *args, recipients: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year - REPLACEMENT_YEARS_BACK, this_year + REPLACEMENT_YEARS_AHEAD + 1)
        self.fields["boiler_replacement_year"].choices = [("", "Année")] + [
            (year, str(year)) for year in years
        ]
        if recipients:
            # DsfrBaseForm has already made the bound fields, which copied the help text.
            self["request_type"].help_text = recipients_help(recipients)

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

    def _clean_boiler_replacement(self, data) -> None:
        """Month and year together, a year back at most, ten years ahead at most."""
        month = data.get("boiler_replacement_month")
        year = data.get("boiler_replacement_year")
        data["boiler_replacement_date"] = None
        if {"boiler_replacement_month", "boiler_replacement_year"} & set(self.errors):
            return
        if month is None and year is None:
            return
        if year is None:
            self.add_error(
                "boiler_replacement_year", "Indiquez aussi l’année du remplacement prévu."
            )
            return
        if month is None:
            self.add_error(
                "boiler_replacement_month", "Indiquez aussi le mois du remplacement prévu."
            )
            return
        planned = date(year, month, 1)
        today = timezone.localdate()
        if planned < _first_of_month(today, years=-REPLACEMENT_YEARS_BACK):
            self.add_error(
                "boiler_replacement_month",
                "Le remplacement prévu ne peut pas dater de plus d’un an : indiquez la date à "
                "venir, ou laissez ces champs vides.",
            )
        elif planned > _first_of_month(today, years=REPLACEMENT_YEARS_AHEAD):
            self.add_error(
                "boiler_replacement_year",
                "Le remplacement prévu doit être dans les dix prochaines années.",
            )
        else:
            data["boiler_replacement_date"] = planned

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean(self):
        data = super().clean()  # AddressFieldsMixin drops coordinates of another label
        self._clean_boiler_replacement(data)
        structure = data.get("structure")
        if (
            structure == Lead.Structure.CONDOMINIUM
            and not data.get("requester_role")
            and "requester_role" not in self.errors
        ):
            self.add_error("requester_role", "Indiquez votre rôle dans la copropriété.")
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
        condominium = data["structure"] == Lead.Structure.CONDOMINIUM
        return {
            "request_type": data["request_type"],
            # A professional's role is their kind (services.create_lead); a house has none.
            "requester_role": data["requester_role"] if condominium else "",
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
            "boiler_replacement_date": data["boiler_replacement_date"],
            "comment": data["comment"].strip(),
            "consent": data["consent"],
            "honeypot": data["site_web"],
        }


def _recipient(organisation, *, national: str) -> str:
    if organisation is None:
        return national
    if organisation.kind == organisation.Kind.OPERATOR:
        return format_html("{} (gestionnaire du réseau)", organisation.name)
    return format_html("{}", organisation.name)


def recipients_help(recipients: dict) -> str:
    """Who will receive each kind of request for this address, as the field's hint (HTML,
    escaped here)."""
    national = "l’équipe nationale de France Chaleur Urbaine, qui l’oriente"
    return format_html(
        "Pour cette adresse, votre demande sera transmise à {} pour une étude, un devis ou un "
        "rendez-vous, et à {} pour des conseils.",
        _recipient(recipients.get("operator"), national=national),
        _recipient(
            recipients.get("advice"),
            national="l’équipe nationale de France Chaleur Urbaine, qui la transmet au "
            "conseiller de votre territoire",
        ),
    )
