"""Numbers of /stats as French readers expect them: « 1 234 567 », « 66,7 »."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def nombre(value, decimals=None):
    """Groups thousands with the French locale's non-breaking space; `decimals` for floats.
    None (a figure that does not exist) reads « — »."""
    if value is None or value == "":
        return "—"
    if decimals is not None:
        return number_format(value, decimal_pos=int(decimals), force_grouping=True)
    return number_format(value, force_grouping=True)
