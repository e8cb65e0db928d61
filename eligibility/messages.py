"""The verdict in plain French: one sentence that gives the reason, and the nuances that apply."""

import functools

from django.conf import settings

from chauffage.formatting import with_unit
from eligibility.rules import Verdict


@functools.lru_cache(maxsize=4096)
def _metres(value: int) -> str:
    """« 1 500 m » (no-break spaces)."""
    return with_unit(value, "m")


def _search_radius() -> str:
    """The radius searched for the nearest network of a "too far" verdict: « 10 km »."""
    metres = settings.ELIGIBILITY_NEAREST_SEARCH_M
    if metres % 1000 == 0:
        return with_unit(metres // 1000, "km")
    return _metres(metres)


def _network(verdict: Verdict) -> str:
    network = verdict.network
    label = f"« {network.name} »"
    if network.kind == "future":
        label = f"en construction {label}"
    if network.operator:
        label += f", géré par {network.operator}"
    return label


def explanation(verdict: Verdict) -> str:
    """Why the address gets this verdict, naming the network, its distance and the threshold."""
    category = verdict.category
    distance = _metres(verdict.distance_m) if verdict.distance_m is not None else None
    threshold = _metres(verdict.threshold_m) if verdict.threshold_m is not None else None
    if category == "too_far":
        if verdict.network is None:
            return (
                f"Aucun réseau de chaleur connu à moins de {_search_radius()} de cette adresse : "
                "un raccordement n’est pas envisageable à ce jour."
            )
        return (
            f"Le réseau de chaleur le plus proche, {_network(verdict)}, est à {distance} de "
            f"cette adresse, au-delà de la distance de raccordement ({threshold}) : "
            "un raccordement n’est pas envisageable à ce jour."
        )
    network = _network(verdict)
    if category in {"in_pdp_existing", "in_pdp_future"}:
        text = (
            f"Votre adresse est dans le périmètre de développement prioritaire du réseau {network}."
        )
        if distance:
            text += f" Le réseau passe à {distance} de votre adresse."
        return text + " Un raccordement y est envisageable et peut être obligatoire."
    if category == "in_future_zone":
        return (
            f"Votre adresse est dans la zone que desservira le réseau {network}. "
            "Un raccordement sera envisageable à sa mise en service."
        )
    if category == "city_network_without_route":
        return (
            f"Le réseau {network} existe dans votre commune, mais son tracé n’est pas connu : "
            "seul son gestionnaire peut dire si votre adresse est raccordable."
        )
    kind, proximity = category.split("_", 1)
    if proximity == "very_close":
        verdict_text = "un raccordement est a priori envisageable"
    elif proximity == "close":
        verdict_text = "un raccordement est envisageable, sous réserve d’une étude du gestionnaire"
    else:
        verdict_text = "un raccordement semble aujourd’hui difficile, mais le réseau peut s’étendre"
        return (
            f"Le réseau le plus proche, {network}, est à {distance} de votre adresse, "
            f"au-delà de la distance de raccordement habituelle : {verdict_text}."
        )
    return f"Votre adresse est à {distance} du réseau {network} (seuil de {threshold}) : {verdict_text}."


def nuances(verdict: Verdict, *, heating: str = "collective") -> list[str]:
    """Conditions the requester must know about, in the order they matter."""
    notes = []
    network = verdict.network
    if verdict.in_priority_zone:
        power = (
            f" dont la puissance de chauffage dépasse {with_unit(verdict.power_threshold_kw, 'kW')}"
            if verdict.power_threshold_kw
            else ""
        )
        notes.append(
            "Dans un périmètre de développement prioritaire, le raccordement est obligatoire pour les "
            f"bâtiments neufs et ceux qui remplacent leur installation de chauffage{power}, "
            "sauf dérogation ; une amende peut s’appliquer en cas de manquement."
        )
    elif network and network.classified and verdict.eligible:
        notes.append(
            "Ce réseau est classé : autour de lui, dans son périmètre de développement prioritaire, "
            "le raccordement est obligatoire pour les bâtiments neufs ou qui changent de chauffage."
        )
    if network and network.min_power_kw and verdict.eligible:
        notes.append(
            f"Ce réseau ne raccorde que les bâtiments dont la puissance souscrite atteint au moins "
            f"{with_unit(network.min_power_kw, 'kW')}, soit environ 20 logements ou plus."
        )
    if heating == "individual" and verdict.category != "too_far":
        notes.append(
            "Votre immeuble est chauffé par des équipements individuels : le raccordement demande de "
            "créer une boucle d’eau chaude collective dans l’immeuble, des travaux importants à "
            "étudier avec le gestionnaire."
        )
    return notes
