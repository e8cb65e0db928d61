"""Where a lead goes (product.md, "Routing a lead"), and whether it looks like spam.

1. Eligible, or a network within 500 m: the organisation operating that network.
2. Otherwise the energy agency or local authority whose territory covers the commune, then the
   département.
3. Otherwise nobody: the national team's triage queue.

A requester who asks for advice (France Rénov’) rather than a study, a quote or an appointment
with the operator goes to the energy agency (advice desk) of the commune, then of the
département, even when the address is eligible; otherwise to the national triage queue.

A network without a known route in the commune goes to its operator too: the verdict itself says
that only the operator can tell whether the address can be connected.

Both functions only read: they return a decision and its reason in French, for the back office.
"""

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from chauffage import formatting
from contacts.models import Lead, Organisation, departement_of

NEAR_NETWORK_M = 500
# A client address that already sent this many leads within BURST_WINDOW_MINUTES is suspect.
BURST_LEADS = 5
BURST_WINDOW_MINUTES = 60

CATEGORY_LABELS = {
    "in_pdp_existing": "dans le périmètre de développement prioritaire d’un réseau existant",
    "in_pdp_future": "dans le périmètre de développement prioritaire d’un réseau en construction",
    "existing_very_close": "très proche d’un réseau existant",
    "future_very_close": "très proche d’un réseau en construction",
    "in_future_zone": "dans la zone d’un réseau en construction",
    "existing_close": "proche d’un réseau existant",
    "future_close": "proche d’un réseau en construction",
    "existing_far": "loin d’un réseau existant",
    "future_far": "loin d’un réseau en construction",
    "city_network_without_route": "dans une commune dotée d’un réseau au tracé inconnu",
    "too_far": "trop loin de tout réseau",
}


@dataclass(frozen=True)
class Routing:
    organisation: Organisation | None
    reason: str


def route(verdict, citycode: str, *, request_type: str = Lead.RequestType.QUOTE) -> Routing:
    """The organisation a lead goes to, and why. `verdict` is an eligibility Verdict (or any
    object with `eligible`, `category`, `distance_m` and `network`: `pk`, `id`, `name`,
    `operator`, `kind`), or None when the address could not be located."""
    if request_type == Lead.RequestType.ADVICE:
        return _route_advice(verdict, citycode)
    network = getattr(verdict, "network", None)
    prefix = ""
    if verdict is None:
        prefix = "Adresse non localisée. "
    elif network is not None and _goes_to_operator(verdict):
        description = _describe(verdict)
        organisation = _network_organisation(network)
        if organisation is not None:
            return Routing(organisation, f"{description}. Demande adressée à son gestionnaire.")
        operator = f" ({network.operator})" if network.operator else ""
        prefix = f"{description}, mais son gestionnaire{operator} n’a pas de compte. "
    else:
        prefix = f"{_describe(verdict)}. "

    return _route_by_territory(prefix, citycode, _territory_organisation, "Aucun organisme")


def recipients(verdict, citycode: str) -> dict[str, Organisation | None]:
    """Who would receive a request for this address: {"operator": for a study, a quote or an
    appointment; "advice": for advice}, None for the national triage queue. For the form."""
    return {
        "operator": route(verdict, citycode).organisation,
        "advice": route(verdict, citycode, request_type=Lead.RequestType.ADVICE).organisation,
    }


ADVICE_CHOSEN = (
    "Le demandeur a choisi des conseils neutres et gratuits (France Rénov’) : sa demande relève "
    "de l’espace conseil du territoire"
)


def _route_advice(verdict, citycode: str) -> Routing:
    """Advice: the energy agency of the commune, then of the département; else national triage.
    The reason says when the operator would have received a study or appointment request."""
    if verdict is None:
        prefix = f"Adresse non localisée. {ADVICE_CHOSEN}. "
    elif verdict.network is not None and _goes_to_operator(verdict):
        prefix = f"{_describe(verdict)}. {ADVICE_CHOSEN}, non du gestionnaire du réseau. "
    else:
        prefix = f"{_describe(verdict)}. {ADVICE_CHOSEN}. "
    return _route_by_territory(prefix, citycode, _energy_agency, "Aucun espace conseil")


def _route_by_territory(prefix: str, citycode: str, find, nobody: str) -> Routing:
    """To the organisation that `find(**lookup)` returns for the commune, else for its
    département; else to the national triage queue (`nobody` covers the address)."""
    if not citycode:
        return Routing(None, f"{prefix}Commune inconnue : file de tri de l’équipe nationale.")
    commune = find(communes__contains=[citycode])
    if commune is not None:
        return Routing(commune, f"{prefix}Territoire : l’organisme couvre la commune {citycode}.")
    departement = departement_of(citycode)
    by_departement = find(departements__contains=[departement])
    if by_departement is not None:
        return Routing(
            by_departement,
            f"{prefix}Territoire : l’organisme couvre le département {departement}.",
        )
    return Routing(
        None,
        f"{prefix}{nobody} ne couvre la commune {citycode} ni le département "
        f"{departement} : file de tri de l’équipe nationale.",
    )


def _energy_agency(**lookup) -> Organisation | None:
    return (
        Organisation.objects.filter(kind=Organisation.Kind.ENERGY_AGENCY, **lookup)
        .order_by("name", "pk")
        .first()
    )


def territory_organisation(citycode: str) -> Organisation | None:
    """The energy agency (else local authority) whose territory covers a commune: its own
    communes first, then its département; None when none does or the commune is unknown."""
    if not citycode:
        return None
    return _territory_organisation(communes__contains=[citycode]) or _territory_organisation(
        departements__contains=[departement_of(citycode)]
    )


def _goes_to_operator(verdict) -> bool:
    if verdict.eligible or verdict.category == "city_network_without_route":
        return True
    return verdict.distance_m is not None and verdict.distance_m <= NEAR_NETWORK_M


def _describe(verdict) -> str:
    category = CATEGORY_LABELS.get(verdict.category, verdict.category)
    network = verdict.network
    if network is None:
        return f"Adresse {category}"
    text = f"Adresse {category} : réseau {network.id} « {network.name} »"
    if verdict.distance_m is not None:
        text += f" à {formatting.number(verdict.distance_m)} m"
    return text


def _network_organisation(network) -> Organisation | None:
    if network.kind == "future":
        organisations = Organisation.objects.filter(future_networks__pk=network.pk)
    else:
        organisations = Organisation.objects.filter(networks__pk=network.pk)
    # An operator first when a network is also linked to, say, the authority that owns it.
    return (
        organisations.annotate(
            is_operator=Case(
                When(kind=Organisation.Kind.OPERATOR, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_operator", "name", "pk")
        .first()
    )


def _territory_organisation(**lookup) -> Organisation | None:
    # Energy agencies first: they advise; then local authorities.
    return (
        Organisation.objects.filter(
            kind__in=[Organisation.Kind.ENERGY_AGENCY, Organisation.Kind.LOCAL_AUTHORITY],
            **lookup,
        )
        .annotate(
            is_agency=Case(
                When(kind=Organisation.Kind.ENERGY_AGENCY, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_agency", "name", "pk")
        .first()
    )


# --- Spam ---------------------------------------------------------------------------------------

_LINK = re.compile(r"https?://|\bwww\.|\[url|<a\s", re.I)
_CYRILLIC = re.compile(r"[\u0400-\u04FF\u0500-\u052F]")


def spam_signals(
    *, honeypot: str, comment: str, texts: list[str], recent_leads_from_ip: int
) -> list[str]:
    """Why a lead looks like spam, in French; [] when it does not. `texts` are the other free
    text fields (names, company); `recent_leads_from_ip` counts the leads the same client address
    sent within the last BURST_WINDOW_MINUTES minutes."""
    reasons = []
    if honeypot.strip():
        reasons.append("champ piège rempli")
    if _LINK.search(comment):
        reasons.append("lien dans le commentaire")
    if any(_mostly_cyrillic(text) for text in [comment, *texts]):
        reasons.append("texte en alphabet cyrillique")
    if recent_leads_from_ip >= BURST_LEADS:
        reasons.append(
            f"{recent_leads_from_ip} demandes de la même adresse IP en moins de "
            f"{BURST_WINDOW_MINUTES} minutes"
        )
    return reasons


def _mostly_cyrillic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    cyrillic = sum(1 for c in letters if _CYRILLIC.match(c))
    return cyrillic / len(letters) >= 0.5
