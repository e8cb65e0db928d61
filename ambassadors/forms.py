"""The ambassadors' forms: sign-up (two steps: the address, then the network and the rest),
listing edit, message and reply, the listing's filters. Messages in French; nothing is saved
here (ambassadors/services.py does)."""

from django import forms
from django.forms import Form
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from ambassadors import images
from ambassadors.models import FIRST_CONNECTION_YEAR, Ambassador
from chauffage.forms import integer_field
from eligibility.forms import AddressFieldsMixin

MESSAGE_MAX_LENGTH = 2000
TESTIMONY_MAX_LENGTH = 3000
WORKS_MAX_LENGTH = 2000


class FrenchForm(DsfrBaseForm):
    def get_context(self):
        # django-dsfr warns about how fields are marked; the asterisk of required fields is kept.
        context = Form.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = False
        return context


def _text(
    label, *, max_length, required=True, help_text="", rows=None, required_message="", **attrs
):
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        strip=True,
        error_messages={
            "required": required_message or f"Indiquez {label[0].lower()}{label[1:]}.",
            "max_length": f"{max_length:,} caractères au plus (vous en avez saisi %(show_value)d).".replace(
                ",", "\u202f"
            ),
        },
        widget=widget,
    )


def _integer(label, *, required=True, **options):
    return integer_field(label, required=required, **options)


class AddressStepForm(AddressFieldsMixin, FrenchForm):
    """Step 1 of the sign-up: where the building is (sent with GET, like the eligibility form)."""


class ListingFieldsMixin(forms.Form):
    """What the contact tells about the connection: in the sign-up and on the private page."""

    connection_year = _integer(
        "Année de raccordement au réseau",
        min_value=FIRST_CONNECTION_YEAR,
        max_value=2100,
        help_text="Par exemple : 2019",
        messages={
            "required": "Indiquez l’année de raccordement.",
            "min_value": f"L’année de raccordement doit être postérieure à {FIRST_CONNECTION_YEAR}.",
            "max_value": "L’année de raccordement ne peut pas être dans le futur.",
        },
    )
    dwellings = _integer(
        "Nombre de logements",
        min_value=1,
        max_value=10_000,
        messages={
            "required": "Indiquez le nombre de logements de la copropriété.",
            "min_value": "Le nombre de logements doit être d’au moins 1.",
            "max_value": "Le nombre de logements ne peut pas dépasser 10 000.",
        },
    )
    works = _text(
        "Travaux réalisés (facultatif)",
        max_length=WORKS_MAX_LENGTH,
        required=False,
        rows=4,
        help_text="Sous-station, remplacement de la chaufferie, durée du chantier, aides obtenues…",
    )
    cost_eur = _integer(
        "Coût des travaux pour la copropriété, en euros TTC (facultatif)",
        min_value=0,
        max_value=100_000_000,
        required=False,
        messages={
            "min_value": "Le coût ne peut pas être négatif.",
            "max_value": "Le coût ne peut pas dépasser 100 millions d’euros : vérifiez l’unité.",
        },
    )
    cost_public = forms.BooleanField(label="Afficher le coût publiquement", required=False)
    savings_percent = _integer(
        "Baisse de la facture de chauffage, en % (facultatif)",
        min_value=0,
        max_value=100,
        required=False,
        help_text="Estimation annuelle, par rapport à l’ancien chauffage.",
        messages={
            "min_value": "Indiquez une baisse entre 0 et 100 %%.",
            "max_value": "Indiquez une baisse entre 0 et 100 %%.",
        },
    )
    savings_public = forms.BooleanField(label="Afficher les économies publiquement", required=False)
    testimony = _text(
        "Votre témoignage",
        max_length=TESTIMONY_MAX_LENGTH,
        rows=6,
        help_text="Pourquoi vous avez choisi le réseau de chaleur, comment s’est passé le projet, "
        "ce que vous conseilleriez. Il sera publié. 3 000 caractères au plus.",
        required_message="Écrivez votre témoignage : c’est lui que liront les copropriétés.",
    )
    photo = forms.FileField(
        label="Photo de l’immeuble (facultatif)",
        help_text="JPEG, PNG ou WebP, 5 Mo au plus. Elle sera publiée : évitez les visages et les plaques "
        "d’immatriculation. Ses métadonnées (position GPS, appareil) sont effacées.",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    contact_name = _text(
        "Votre nom",
        max_length=100,
        help_text="Jamais publié : il accompagne vos réponses aux messages.",
        required_message="Indiquez votre nom.",
        autocomplete="name",
    )
    contact_role = forms.ChoiceField(
        label="Vous êtes",
        choices=Ambassador.ContactRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Indiquez si vous êtes membre du conseil syndical ou syndic.",
            "invalid_choice": "Choisissez l’une des réponses proposées.",
        },
    )

    def clean_connection_year(self):
        year = self.cleaned_data["connection_year"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError("L’année de raccordement ne peut pas être dans le futur.")
        return year

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return images.clean_photo(upload)
        except images.InvalidPhoto as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        data = super().clean()
        if data.get("cost_eur") is None:
            data["cost_public"] = False
        if data.get("savings_percent") is None:
            data["savings_public"] = False
        return data

    def listing_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in [
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
        }


class SignUpForm(AddressFieldsMixin, ListingFieldsMixin, FrenchForm):
    """Step 2 of the sign-up. `networks`: the networks near the building (queries.networks_near),
    the only ones accepted."""

    network = forms.TypedChoiceField(
        label="Réseau de chaleur auquel l’immeuble est raccordé",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le réseau auquel l’immeuble est raccordé.",
            "invalid_choice": "Choisissez l’un des réseaux proposés.",
        },
    )
    contact_email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="Jamais publiée ni transmise : nous vous y envoyons le lien de confirmation, "
        "puis les messages des copropriétés intéressées. Format attendu : nom@domaine.fr",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
            "max_length": "L’adresse électronique ne peut pas dépasser 254 caractères.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    consent = forms.BooleanField(
        label="J’accepte que ces informations soient publiées (sauf mon nom, mon adresse électronique "
        "et ce que je choisis de ne pas afficher) et que France Chaleur Urbaine me transmette les "
        "messages des copropriétés intéressées",
        error_messages={
            "required": "Cochez la case pour accepter la publication de votre témoignage : sans elle, "
            "nous ne pouvons pas l’enregistrer."
        },
    )
    # Honeypot: hidden from people and screen readers; robots fill it in.
    site_web = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, networks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.networks = {network.pk: network for network in networks}
        self.fields["network"].choices = [
            (network.pk, network_choice_label(network)) for network in networks
        ]
        if len(networks) == 1:
            self.fields["network"].initial = networks[0].pk

    def clean_contact_email(self):
        return self.cleaned_data["contact_email"].strip()


def network_choice_label(network) -> str:
    distance = getattr(network, "distance_m", None)
    where = f" — à {distance_label(distance)}" if distance is not None else " — dans la commune"
    operator = f", {network.operator}" if network.operator else ""
    return f"{network.name} ({network.network_id}{operator}){where}"


def distance_label(metres) -> str:
    metres = round(metres)
    if metres < 1000:
        return f"{max(metres, 1)} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


class EditForm(ListingFieldsMixin, FrenchForm):
    """The listing, edited by its contact through the private link."""

    remove_photo = forms.BooleanField(label="Supprimer la photo actuelle", required=False)

    field_order = [*ListingFieldsMixin.base_fields, "remove_photo"]


class MessageForm(FrenchForm):
    asker_name = _text(
        "Votre nom", max_length=100, required_message="Indiquez votre nom.", autocomplete="name"
    )
    asker_email = forms.EmailField(
        label="Votre adresse électronique",
        help_text="La réponse de la copropriété vous parviendra à cette adresse. Format attendu : "
        "nom@domaine.fr",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique, pour recevoir la réponse.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
            "max_length": "L’adresse électronique ne peut pas dépasser 254 caractères.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    building_address = _text(
        "Adresse de votre immeuble (facultatif)",
        max_length=200,
        required=False,
        help_text="Elle aide la copropriété à vous répondre (même réseau, même quartier).",
    )
    body = _text(
        "Votre message",
        max_length=MESSAGE_MAX_LENGTH,
        rows=8,
        help_text="Vos questions sur le raccordement. 2 000 caractères au plus.",
        required_message="Écrivez votre message.",
    )
    share_email = forms.BooleanField(
        label="J’accepte que mon adresse électronique soit transmise à cette copropriété, pour "
        "qu’elle puisse me répondre directement",
        help_text="Sans cette case, la copropriété vous répond par l’intermédiaire du service, "
        "sans voir votre adresse.",
        required=False,
    )
    site_web = forms.CharField(required=False, max_length=500)


class ReplyForm(FrenchForm):
    body = _text(
        "Votre réponse",
        max_length=MESSAGE_MAX_LENGTH,
        rows=8,
        help_text="2 000 caractères au plus. Votre adresse électronique n’est pas transmise.",
        required_message="Écrivez votre réponse.",
    )
    site_web = forms.CharField(required=False, max_length=500)


class ManageLinkForm(FrenchForm):
    email = forms.EmailField(
        label="Adresse électronique indiquée à l’inscription",
        max_length=254,
        error_messages={
            "required": "Indiquez votre adresse électronique.",
            "invalid": "Indiquez une adresse électronique valide, par exemple nom@domaine.fr.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class ListFilterForm(AddressFieldsMixin, FrenchForm):
    """The listing's filters (GET): a network, a commune, an address to sort by distance (or
    `lat` and `lon` alone). Every field is optional."""

    reseau = forms.ChoiceField(
        label="Réseau de chaleur",
        required=False,
        error_messages={"invalid_choice": "Choisissez l’un des réseaux de la liste."},
    )
    commune = forms.ChoiceField(
        label="Commune",
        required=False,
        error_messages={"invalid_choice": "Choisissez l’une des communes de la liste."},
    )

    def __init__(self, *args, networks=(), communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        adresse = self.fields["adresse"]
        adresse.required = False
        adresse.label = "Près de l’adresse"
        adresse.help_text = "Les copropriétés les plus proches en premier. Par exemple : 15 allée Paul Dukas 95200 Sarcelles"
        self.fields["reseau"].choices = [("", "Tous les réseaux"), *networks]
        self.fields["commune"].choices = [("", "Toutes les communes"), *communes]

    def clean(self):
        data = forms.Form.clean(self)
        lat, lon = data.get("lat"), data.get("lon")
        adresse = (data.get("adresse") or "").strip()
        # `?lat=&lon=` alone, or the point the autocomplete chose for the typed address.
        picked = (
            lat is not None and lon is not None and (not adresse or data.get("label") == adresse)
        )
        if not picked:
            data["lat"] = data["lon"] = None
        data["adresse"] = adresse
        return data
