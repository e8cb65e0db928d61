"""Text normalisation shared by the address index and the address search."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by one space: "Allée Paul-Dukas" → "allee paul dukas"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_ALNUM.sub(" ", ascii_text).strip()
