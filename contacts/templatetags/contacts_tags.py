"""Contacts shown on the pages of eligibility, which never imports this app: the energy agency or
local authority that advises the tested address's territory."""

from django import template

from contacts.models import Organisation
from contacts.routing import territory_organisation

register = template.Library()


@register.inclusion_tag("contacts/_territory_advisor.html")
def territory_advisor(citycode, lead_url=""):
    """The organisation that advises the commune `citycode` (INSEE), named with a link to the
    contact form (`lead_url`, advice preselected); renders nothing when none covers it."""
    organisation = territory_organisation(str(citycode or ""))
    return {
        "organisation": organisation,
        "is_agency": organisation is not None
        and organisation.kind == Organisation.Kind.ENERGY_AGENCY,
        "lead_url": lead_url,
    }
