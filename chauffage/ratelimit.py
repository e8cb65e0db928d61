"""A fixed-window rate limit per client, shared between processes through the cache."""

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
    if limit.requests <= 0:
        return None
    now = int(time.time())
    window = now // limit.seconds
    key = f"ratelimit:{limit.scope}:{client_ip(request)}:{window}"
    try:
        count = cache.incr(key)  # the usual case: not the first request of the window
    except ValueError:  # the first one; unless another process counted it in between
        count = 1 if cache.add(key, 1, timeout=limit.seconds + 1) else cache.incr(key)
    if count > limit.requests:
        return (window + 1) * limit.seconds - now or 1
    return None


def from_setting(scope: str, value: str) -> Limit:
    """`"120/60"` → 120 requests per 60 seconds."""
    requests, _, seconds = value.partition("/")
    return Limit(scope=scope, requests=int(requests), seconds=int(seconds or 60))
