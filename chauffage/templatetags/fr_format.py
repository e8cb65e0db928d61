"""French formatting in templates (chauffage/formatting.py): `{% load fr_format %}`, then

- `{{ lead.created_at|date_fr }}` « 1er janvier 2026 », `|date_heure_fr` « 1er janvier 2026 à 08:05 »;
- `{{ value|nombre }}` « 85 000 », `{{ value|nombre:1 }}` « 66,7 »;
- `{{ value|unite:"m" }}` « 1 500 m » (no-break spaces);
- `{{ count|pluriel:"demande" }}` « 1 demande », « 2 demandes », `|pluriel:"journal,journaux"`;
- `raccordée{{ count|accord }}`, `témoigne{{ count|accord:"nt" }}`: French agreement (0 and 1
  singular), the arguments of Django's `pluralize`;
- `{{ months|derniers_mois }}` « le dernier mois », « les 3 derniers mois ».
"""

from django import template

from chauffage import formatting

register = template.Library()


@register.filter
def date_fr(value):
    return formatting.date(value)


@register.filter
def date_heure_fr(value):
    return formatting.date(value, with_time=True)


@register.filter
def nombre(value, decimals=None):
    return formatting.number(value, decimals)


@register.filter
def unite(value, unit):
    return formatting.with_unit(value, unit)


@register.filter
def pluriel(count, forms):
    singular, _, plural_form = str(forms).partition(",")
    return formatting.plural(count, singular, plural_form or None)


@register.filter
def accord(count, suffixes="s"):
    singular, _, plural_form = suffixes.rpartition(",") if "," in suffixes else ("", "", suffixes)
    return plural_form if formatting.is_plural(count) else singular


@register.filter
def derniers_mois(count):
    return formatting.last_months(count)
