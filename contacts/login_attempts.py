"""Failed logins to the back office, counted per account and per client address.

Beyond RATELIMIT_LOGIN_PER_ACCOUNT failures for one username, or RATELIMIT_LOGIN_PER_IP from one
address ("failures/seconds", fixed windows shared by every process through the cache), every
login is refused until the window ends, even with the right password and code. The account is
the username as typed (whether it exists or not, so that the answer tells nothing), normalised
and hashed. A successful login clears its account's count, not its address's. Every refusal is
written to the audit log (`contacts.audit`), with its reason, which the page never shows.
"""

import hashlib
import logging
import math
import unicodedata

from django.conf import settings

from chauffage import ratelimit

audit = logging.getLogger("contacts.audit")

BAD_CREDENTIALS = "bad_credentials"  # wrong password; unknown, inactive or non-staff account
WRONG_CODE = "wrong_code"  # right password, missing or wrong TOTP code
THROTTLED = "throttled"


def _limits() -> tuple[ratelimit.Limit, ratelimit.Limit]:
    return (
        ratelimit.from_setting("login_account", settings.RATELIMIT_LOGIN_PER_ACCOUNT),
        ratelimit.from_setting("login_ip", settings.RATELIMIT_LOGIN_PER_IP),
    )


def _account(username: str) -> str:
    normalised = unicodedata.normalize("NFKC", username).strip().casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()[:32]


def wait_seconds(request, username: str) -> int | None:
    """The seconds before this account or this address may try again, or None."""
    per_account, per_ip = _limits()
    waits = [
        ratelimit.exhausted(_account(username), per_account),
        ratelimit.exhausted(ratelimit.client_ip(request), per_ip),
    ]
    return max((wait for wait in waits if wait), default=None)


def record_failure(request, username: str, *, reason: str, user=None) -> None:
    per_account, per_ip = _limits()
    ratelimit.count(_account(username), per_account)
    ratelimit.count(ratelimit.client_ip(request), per_ip)
    _log(request, username, reason, user)


def record_refusal(request, username: str) -> None:
    """A login refused because of too many failures (not counted again)."""
    _log(request, username, THROTTLED, None)


def record_success(request, username: str) -> None:
    per_account, _ = _limits()
    ratelimit.reset(_account(username), per_account)


def _log(request, username: str, reason: str, user) -> None:
    audit.warning(
        "Back-office login refused (%s): username %r, user %s, address %s",
        reason,
        username[:150],
        user.pk if user is not None else "-",
        ratelimit.client_ip(request) or "-",
    )


def retry_message(seconds: int) -> str:
    """« Trop de tentatives… réessayez dans 12 minutes. »"""
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        delay = f"{minutes} minute{'s' if minutes > 1 else ''}"
    else:
        delay = f"{seconds} seconde{'s' if seconds > 1 else ''}"
    return (
        "Trop de tentatives de connexion échouées pour ce compte ou depuis cette adresse : "
        f"réessayez dans {delay}."
    )
