"""French formats, with the dates that Django writes by itself (the back office's fields, lists
and date drill-down) in figures: Django's French format writes « 1 janvier 2026 » where French
writes « 1er janvier 2026 », and no date format can say « 1er ». Pages and emails write dates in
words with the `date_fr` filter (chauffage/formatting.py), which does."""

from django.conf.locale.fr.formats import *  # noqa: F403 - the locale's formats, some replaced

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y à H:i"
MONTH_DAY_FORMAT = "d/m"
