"""A fixed-window rate limit per client, shared between processes through the cache.

When the shared cache does not answer (the database cache while PostgreSQL is down, Redis
unreachable), the limit is counted in the memory of the process instead, with a warning in the
logs (at most one a minute): the service keeps answering, and keeps a limit (per process, so a
client may make up to as many times the limit as there are processes). The shared cache is asked
again SHARED_RETRY_SECONDS after a failure, not at each request: a server that does not answer
would make each one wait for its connection timeout.
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
SHARED_RETRY_SECONDS = 10

_local = LocMemCache("ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_lock = threading.Lock()
_warned_at = None
_shared_down_until = 0.0  # time.monotonic() before which the shared cache is not asked


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
    if time.monotonic() < _shared_down_until:
        count = _count(_local, key, limit)
    else:
        try:
            count = _count(cache, key, limit)
        except CACHE_ERRORS as error:
            _shared_failed(error)
            count = _count(_local, key, limit)
    if count > limit.requests:
        return (window + 1) * limit.seconds - now or 1
    return None


def _count(store, key: str, limit: Limit) -> int:
    try:
        return store.incr(key)  # the usual case: not the first request of the window
    except ValueError:  # the first one; unless another process counted it in between
        return 1 if store.add(key, 1, timeout=limit.seconds + 1) else store.incr(key)


def _shared_failed(error: Exception) -> None:
    global _warned_at, _shared_down_until
    now = time.monotonic()
    with _lock:
        _shared_down_until = now + SHARED_RETRY_SECONDS
        if _warned_at is not None and now - _warned_at < WARNING_INTERVAL_SECONDS:
            return
        _warned_at = now
    logger.warning(
        "Rate limits counted per process: the shared cache does not answer (%s).",
        type(error).__name__,
    )


def reset() -> None:
    """Forgets the per-process counts and that the shared cache failed (for the tests)."""
    global _shared_down_until
    _local.clear()
    with _lock:
        _shared_down_until = 0.0


def from_setting(scope: str, value: str) -> Limit:
    """`"120/60"` → 120 requests per 60 seconds."""
    requests, _, seconds = value.partition("/")
    return Limit(scope=scope, requests=int(requests), seconds=int(seconds or 60))
