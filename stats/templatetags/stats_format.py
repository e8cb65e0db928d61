"""Numbers of /stats as French readers expect them: « 1 234 567 », « 66,7 ». The filter is the
project's (chauffage/templatetags/fr_format.py), kept under this name for the /stats templates."""

from django import template

from chauffage.templatetags.fr_format import nombre

register = template.Library()
register.filter("nombre", nombre)
