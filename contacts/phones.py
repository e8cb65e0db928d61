"""A requester's phone number in the back office: shown grouped the French way
(« 01 23 45 67 89 ») and dialled from a `tel:` link in the international E.164 form
(`tel:+33123456789`), which every phone and softphone understands.

The contact form stores numbers normalised (contacts/forms.py, `normalise_phone`): national
ones as « 0X XX XX XX XX », overseas ones typed internationally as « +262 6 92 12 34 56 ». A
national number of an overseas département keeps its own country calling code in E.164: the
prefixes below are those of the ARCEP numbering plan (Réunion and Mayotte +262, Guadeloupe,
Saint-Martin and Saint-Barthélemy +590, French Guiana +594, Martinique +596).
"""

from contacts.forms import INTERNATIONAL_PHONE, NATIONAL_PHONE, PHONE_SEPARATORS, normalise_phone

OVERSEAS_PREFIXES = {
    "0262": "262",
    "0263": "262",
    "0269": "262",
    "0639": "262",
    "0692": "262",
    "0693": "262",
    "0590": "590",
    "0690": "590",
    "0691": "590",
    "0594": "594",
    "0694": "594",
    "0596": "596",
    "0696": "596",
    "0697": "596",
}


def e164(phone: str) -> str:
    """The number in E.164 (+33123456789), or "" when it is not a French number."""
    compact = PHONE_SEPARATORS.sub("", phone or "")
    if NATIONAL_PHONE.match(compact):
        country = OVERSEAS_PREFIXES.get(compact[:4], "33")
        return f"+{country}{compact[1:]}"
    match = INTERNATIONAL_PHONE.match(compact)
    if match:
        country, number = match.groups()
        return f"+{country}{number}"
    return ""


def grouped(phone: str) -> str:
    """The number as people read it (« 01 23 45 67 89 »); as it was typed when not French."""
    return normalise_phone(phone or "") or (phone or "").strip()
