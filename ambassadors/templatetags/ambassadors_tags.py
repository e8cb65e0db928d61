"""Ambassadors shown on the pages of other apps, which never import this one: the eligibility
result ("N copropriétés déjà raccordées à ce réseau témoignent") and the network's page."""

import math
from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ambassadors import queries

register = template.Library()

NETWORK_PAGE_LIMIT = 3


@register.inclusion_tag("ambassadors/_teaser.html", takes_context=True)
def ambassadors_teaser(context, network_id, address=""):
    """The count of published ambassadors of a network (its national id), with a link to them,
    nearest to the tested address first. Renders nothing when there is none."""
    network_id = str(network_id or "")
    count = queries.published_count_for_network(network_id) if network_id else 0
    params = {"reseau": network_id}
    request = context.get("request")
    query = request.GET if request is not None else {}
    lat, lon = _coordinate(query.get("lat"), 90), _coordinate(query.get("lon"), 180)
    if address and lat is not None and lon is not None and query.get("label") == address:
        params.update(adresse=address, label=address, lat=lat, lon=lon)
    elif address:
        params["adresse"] = address
    return {"count": count, "url": f"{reverse('ambassadors:list')}?{urlencode(params)}"}


@register.inclusion_tag("ambassadors/_network_section.html")
def network_ambassadors(network_id):
    """The network page's section: a few published ambassadors and a link to all of them."""
    network_id = str(network_id or "")
    count = queries.published_count_for_network(network_id) if network_id else 0
    return {
        "count": count,
        "ambassadors": queries.published_for_network(network_id, limit=NETWORK_PAGE_LIMIT)
        if count
        else [],
        "list_url": f"{reverse('ambassadors:list')}?{urlencode({'reseau': network_id})}",
        "sign_up_url": reverse("ambassadors:sign_up"),
    }


def _coordinate(value, bound: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None
