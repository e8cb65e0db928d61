"""A fixed-window rate limit per client (or per account…), shared between processes through the
cache."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    scope: str
    requests: int
    seconds: int


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the address our own proxies saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(request, limit: Limit) -> int | None:
    """Counts one request; returns None when allowed, else the seconds to wait."""
    return count(client_ip(request), limit)


def _window(limit: Limit) -> tuple[int, int]:
    """(window number, seconds left in it)."""
    now = int(time.time())
    window = now // limit.seconds
    return window, (window + 1) * limit.seconds - now or 1


def _key(limit: Limit, identity: str, window: int) -> str:
    return f"ratelimit:{limit.scope}:{identity}:{window}"


def count(identity: str, limit: Limit) -> int | None:
    """Counts one event of `identity` (a client address, an account…) against `limit`; returns
    None while within it, else the seconds until the window ends."""
    if limit.requests <= 0:
        return None
    window, left = _window(limit)
    key = _key(limit, identity, window)
    try:
        total = cache.incr(key)  # the usual case: not the first event of the window
    except ValueError:  # the first one; unless another process counted it in between
        total = 1 if cache.add(key, 1, timeout=limit.seconds + 1) else cache.incr(key)
    return left if total > limit.requests else None


def exhausted(identity: str, limit: Limit) -> int | None:
    """Without counting anything: the seconds to wait when `identity` has already used up
    `limit` in this window, else None."""
    if limit.requests <= 0:
        return None
    window, left = _window(limit)
    return left if (cache.get(_key(limit, identity, window)) or 0) >= limit.requests else None


def reset(identity: str, limit: Limit) -> None:
    """Forgets the events of `identity` in this window."""
    window, _ = _window(limit)
    cache.delete(_key(limit, identity, window))


def from_setting(scope: str, value: str) -> Limit:
    """`"120/60"` → 120 requests per 60 seconds."""
    requests, _, seconds = value.partition("/")
    return Limit(scope=scope, requests=int(requests), seconds=int(seconds or 60))
