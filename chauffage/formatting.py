"""French formatting of what users read, one place for the pages (chauffage/templatetags/
fr_format.py), the emails and the messages built in Python.

- Numbers: thousands grouped with the French locale's no-break space, as /stats shows them
  (« 85 000 », « 3 200 ») and a decimal comma (« 66,7 »); a unit follows after a no-break space
  (« 1 500 m », « 85 000 € »); a noun after an ordinary space (« 12 demandes »).
- Dates: « 1er janvier 2026 » (the ordinal for the first day of a month, which Django's `date`
  filter does not write), « 2 janvier 2026 à 08:05 » for a moment, in the time zone of Paris.
- Plurals: French puts 0 and 1 in the singular (« 0 demande », « 1 demande », « 2 demandes »),
  which Django's `pluralize` does not (it writes « 0 demandes »).
"""

import datetime

from django.utils import timezone
from django.utils.formats import number_format

NBSP = "\xa0"

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def number(value, decimals: int | None = None) -> str:
    """« 1 234 567 », « 66,7 » (with `decimals`); « — » for a figure that does not exist."""
    if value is None or value == "":
        return "—"
    if decimals is not None:
        # Rounded first: Django's number_format cuts the extra decimals off (66,66 → « 66,6 »).
        value = round(float(value), int(decimals))
        return number_format(value, decimal_pos=int(decimals), force_grouping=True)
    return number_format(value, force_grouping=True)


def with_unit(value, unit: str, decimals: int | None = None) -> str:
    """« 1 500 m », « 85 000 € », « 3 200 m² »: the number, a no-break space, the unit."""
    return f"{number(value, decimals)}{NBSP}{unit}"


def is_plural(count) -> bool:
    """French grammar: 0 and 1 are singular, 2 and more plural (and -2, 1,5…)."""
    try:
        return abs(float(count)) >= 2
    except (TypeError, ValueError):
        return False


def plural(count, singular: str, plural_form: str | None = None) -> str:
    """« 1 demande », « 0 demande », « 12 345 demandes »; `plural_form` when it is not the
    singular with an s (« 2 journaux »)."""
    word = (plural_form or f"{singular}s") if is_plural(count) else singular
    return f"{number(count)} {word}"


def last_months(count: int) -> str:
    """« le dernier mois », « les 12 derniers mois »."""
    if not is_plural(count):
        return "le dernier mois"
    return f"les {number(count)} derniers mois"


def date(value, *, with_time: bool = False) -> str:
    """« 1er janvier 2026 », « 14 juillet 2026 » (a date, or a datetime in Paris time);
    with_time: « 1er janvier 2026 à 08:05 ». "" for no date."""
    if value is None or value == "":
        return ""
    moment = None
    if isinstance(value, datetime.datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        value = moment.date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    if with_time and moment is not None:
        text += f" à {moment:%H:%M}"
    return text
