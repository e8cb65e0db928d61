"""A fixed-window rate limit per client, shared between processes through the cache.

When the shared cache does not answer (the database cache while PostgreSQL is down, Redis
unreachable), the limit is counted in the memory of the process instead, with a warning in the
logs (at most one a minute): the service keeps answering, and keeps a limit (per process, so a
client may make up to as many times the limit as there are processes).
"""

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a cache backend raises when its server does not answer.
CACHE_ERRORS = (DatabaseError, RedisError, OSError)
WARNING_INTERVAL_SECONDS = 60

_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_warning_lock = threading.Lock()
_warned_at = None


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
        count = _count(cache, key, limit)
    except CACHE_ERRORS as error:
        _warn(error)
        count = _count(_local, key, limit)
    if count > limit.requests:
        return (window + 1) * limit.seconds - now or 1
    return None


def _count(store, key: str, limit: Limit) -> int:
    try:
        return store.incr(key)  # the usual case: not the first request of the window
    except ValueError:  # the first one; unless another process counted it in between
        return 1 if store.add(key, 1, timeout=limit.seconds + 1) else store.incr(key)


def _warn(error: Exception) -> None:
    global _warned_at
    now = time.monotonic()
    with _warning_lock:
        if _warned_at is not None and now - _warned_at < WARNING_INTERVAL_SECONDS:
            return
        _warned_at = now
    logger.warning(
        "Rate limits counted per process: the shared cache does not answer (%s).",
        type(error).__name__,
    )


def from_setting(scope: str, value: str) -> Limit:
    """`"120/60"` → 120 requests per 60 seconds."""
    requests, _, seconds = value.partition("/")
    return Limit(scope=scope, requests=int(requests), seconds=int(seconds or 60))
