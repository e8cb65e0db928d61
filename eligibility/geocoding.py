"""Geocoding: the only module that speaks to the address service.

Two backends, chosen by ``settings.GEOCODER`` at each call:

- ``"ban"``: the national address API (Base Adresse Nationale, served by the Géoplateforme) through
  geopy's ``BANFrance``, with retries with exponential backoff on 429/5xx/timeouts within a total
  deadline per call, a circuit breaker and a cache of the answers (see "Breaker" below);
- ``"local"``: the project's own copy of the BAN (``Address``) in PostGIS, searched with the
  prefix (``text_pattern_ops``) and trigram (``gin_trgm_ops``) indexes of ``search_label``.

Both return ``GeocodedAddress`` objects, best first, with a score between 0 and 1.

Queries longer than ``MAX_QUERY_LENGTH`` characters (after stripping) are refused with
``ValueError`` before any request: never silently truncated, since a truncated address could
geocode to another place. Queries with fewer than ``MIN_QUERY_CHARS`` letters or digits give no
result (``search`` returns ``[]``, ``geocode`` raises ``AddressNotFound`` without suggestions).
"""

import contextlib
import functools
import hashlib
import logging
import math
import re
import threading
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, transaction
from geopy.adapters import AdapterHTTPError, RequestsAdapter
from geopy.exc import (
    GeocoderParseError,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.geocoders import BANFrance

from chauffage.ratelimit import CACHE_ERRORS
from eligibility.models import format_address_label
from eligibility.text import normalize

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MIN_QUERY_CHARS = 3
MAX_LIMIT = 20
SUGGESTIONS = 5

# BAN client. Backoff before retry n (0-based) is BACKOFF_SECONDS * 2**n: 0.2 s, 0.4 s…
# A Retry-After header (429) is honoured up to MAX_RETRY_AFTER_SECONDS.
BACKOFF_SECONDS = 0.2
MAX_RETRY_AFTER_SECONDS = 2.0
MIN_TRY_SECONDS = 0.1  # no try is started with less time than this before the deadline
USER_AGENT = "france-chaleur-urbaine"
CACHE_PREFIX = "geocoding:v1"  # change the version when GeocodedAddress changes

# Local geocoder (see its section below).
LOCAL_CANDIDATES = 300  # rows a stage takes from its index before ranking them
LOCAL_WORD_SIMILARITY_THRESHOLD = 0.5
LOCAL_TRIGRAM_TIMEOUT_MS = 100  # bound of the slowest stage: it finds nothing then
MAX_WORDS = 10  # words of a query that the local search looks up
NUMBER_MISMATCH_FACTOR = 0.6  # the query names a house number, the address has another one
REPETITION_MISMATCH_FACTOR = 0.9  # same number, another repetition index (bis, ter…)


@dataclass(frozen=True)
class GeocodedAddress:
    label: str  # "15 Allée Paul Dukas 95200 Sarcelles"
    lat: float
    lon: float
    citycode: str  # INSEE code
    postcode: str
    city: str
    ban_id: str  # BAN id ("95585_1920_00015"), "" if unknown
    score: float  # 0..1
    kind: str  # "housenumber", "street", "municipality", "locality"


class GeocoderError(Exception):
    """The address service is unavailable (timeout, network error, 5xx/429 after retries,
    unreadable answer, skipped by the breaker)."""


class _Refused(GeocoderError):
    """The address API answered, refusing the request (4xx but 429): it is up."""


class AddressNotFound(Exception):
    """No result reaches settings.GEOCODER_MIN_SCORE; `suggestions` holds the best ones below it."""

    def __init__(self, query: str, suggestions: list[GeocodedAddress]):
        super().__init__("No address matches the query well enough.")
        self.query = query
        self.suggestions = suggestions


def search(query: str, *, limit: int = 10) -> list[GeocodedAddress]:
    """Autocomplete: at most `limit` addresses (capped at MAX_LIMIT), best first; [] for fewer
    than 3 letters or digits.

    Raises ValueError for a query longer than MAX_QUERY_LENGTH, GeocoderError when the address
    service is unavailable.
    """
    text = _clean(query)
    if limit < 1:
        raise ValueError("limit must be at least 1.")
    limit = min(limit, MAX_LIMIT)
    if len(normalize(text).replace(" ", "")) < MIN_QUERY_CHARS:
        return []
    backend = settings.GEOCODER
    if backend == "ban":
        return _cached_ban_search(text, limit)
    if backend == "local":
        return _local_search(text, limit)
    raise ImproperlyConfigured(f"Unknown GEOCODER {backend!r}: 'local' or 'ban'.")


def geocode(query: str) -> GeocodedAddress:
    """The best address with a score of at least settings.GEOCODER_MIN_SCORE.

    A municipality is never accepted (its centre is no building): it becomes a suggestion.
    Raises AddressNotFound (with at most 5 suggestions below the threshold) when there is none,
    GeocoderError when the address service is unavailable, ValueError for a too long query.
    """
    results = search(query, limit=SUGGESTIONS)
    min_score = settings.GEOCODER_MIN_SCORE
    # A town centre is no building: testing it would give a misleading verdict.
    if results and results[0].score >= min_score and results[0].kind != "municipality":
        return results[0]
    raise AddressNotFound(
        query, [r for r in results if r.score < min_score or r.kind == "municipality"][:SUGGESTIONS]
    )


def _clean(query: str) -> str:
    text = (query or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise ValueError(f"An address query has at most {MAX_QUERY_LENGTH} characters.")
    return text


# --- BAN client ---------------------------------------------------------------------------------


class _BANClient(BANFrance):
    """geopy's BANFrance, stricter on the envelope: BANFrance reads an answer without `features`
    as "no result", this project as an unreadable answer."""

    def _parse_json(self, response, exactly_one):
        if not isinstance(response, dict) or not isinstance(response.get("features"), list):
            raise GeocoderParseError("The answer is not a GeoJSON FeatureCollection.")
        return super()._parse_json(response, exactly_one)


def _adapter(*, proxies, ssl_context) -> RequestsAdapter:
    # No retries inside the HTTP library (geopy asks for 2 by default, read timeouts included):
    # _ban_search alone decides, or 3 tries would become 9, and 9 timeouts.
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


@functools.lru_cache(maxsize=8)
def _ban_client(scheme: str, domain: str, timeout: float) -> _BANClient:
    # Cached: each client holds a requests session (connection pool, TLS context).
    return _BANClient(
        domain=domain,
        scheme=scheme,
        timeout=timeout,
        user_agent=USER_AGENT,
        adapter_factory=_adapter,
    )


def _cache_key(backend: str, text: str, limit: int) -> str:
    digest = hashlib.sha256(f"{backend}\x1f{limit}\x1f{normalize(text)}".encode()).hexdigest()
    return f"{CACHE_PREFIX}:{digest}"


def _cached_ban_search(text: str, limit: int) -> list[GeocodedAddress]:
    key = _cache_key("ban", text, limit)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:  # the database cache while PostgreSQL is down: ask the API
        cached = None
    if cached is not None:
        return [GeocodedAddress(**fields) for fields in cached]
    try:
        results = _guarded_ban_search(text, limit)  # errors are never cached
    except GeocoderError:
        if not settings.GEOCODER_FALLBACK_LOCAL:
            raise
        logger.info("Address searched in the local copy: the address API is unavailable.")
        return _local_search(text, limit)
    with contextlib.suppress(*CACHE_ERRORS):
        cache.set(key, [asdict(r) for r in results], settings.GEOCODER_CACHE_SECONDS)
    return results


# --- Breaker ------------------------------------------------------------------------------------
#
# A server that accepts connections and never answers would hold each request for the whole
# deadline. After GEOCODER_BREAKER_FAILURES consecutive failures (timeouts, network errors,
# 5xx/429 after retries, unreadable answers), the process stops asking the API for
# GEOCODER_BREAKER_SECONDS: calls fail at once (or search the local copy, GEOCODER_FALLBACK_LOCAL).
# Then one call at a time tries the API again ("half open"): a success closes the breaker, a
# failure opens it for another period. Shared by the threads of a process; the other processes
# learn through the shared cache that it opened (SHARED_KEY, read before each call to the API)
# and skip the API until the same time, each then trying it again with one call of its own.

SHARED_KEY = f"{CACHE_PREFIX}:breaker-open-until"  # time.time() until which the API is skipped


class CircuitBreaker:
    def __init__(self):
        self._lock = threading.Lock()
        self._failures = 0
        self._open_until: float | None = None
        self._trial = False

    def allow(self) -> bool:
        """Whether a call may go to the API now (the half-open trial is one call at a time)."""
        with self._lock:
            closed = self._open_until is None
            if not closed:
                if time.monotonic() < self._open_until or self._trial:
                    return False
                self._trial = True
                return True
        left = _shared_seconds_left()  # outside the lock: a cache request
        if left <= 0:
            return True
        with self._lock:
            if self._open_until is None:
                logger.warning("The address API is skipped: another process found it down.")
                self._open_until = time.monotonic() + left
        return False

    def succeeded(self) -> None:
        with self._lock:
            was_open = self._open_until is not None
            self._failures, self._open_until, self._trial = 0, None, False
        if was_open:
            logger.warning("The address API answers again: breaker closed.")
            with contextlib.suppress(*CACHE_ERRORS):
                cache.delete(SHARED_KEY)

    def failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= max(settings.GEOCODER_BREAKER_FAILURES, 1):
                if self._open_until is None:
                    logger.warning(
                        "The address API failed %d times in a row: not asked for %s s.",
                        self._failures,
                        settings.GEOCODER_BREAKER_SECONDS,
                    )
                self._open_until = time.monotonic() + settings.GEOCODER_BREAKER_SECONDS
                publish = True
            else:
                publish = False
            self._trial = False
        if publish:
            seconds = settings.GEOCODER_BREAKER_SECONDS
            with contextlib.suppress(*CACHE_ERRORS):
                cache.set(SHARED_KEY, time.time() + seconds, timeout=math.ceil(seconds) or 1)

    def abandoned(self) -> None:
        """A call ended without telling (an unexpected exception): another may try."""
        with self._lock:
            self._trial = False

    def state(self) -> str:
        """The state: "closed" (the API is asked), "open" (skipped), "half_open" (may be tried)."""
        with self._lock:
            if self._open_until is None:
                return "closed"
            return "open" if time.monotonic() < self._open_until else "half_open"

    def reset(self) -> None:
        with self._lock:
            self._failures, self._open_until, self._trial = 0, None, False


breaker = CircuitBreaker()


def _shared_seconds_left() -> float:
    """How long the API is still skipped by another process's breaker (0: it is not)."""
    try:
        until = cache.get(SHARED_KEY)
    except CACHE_ERRORS:
        return 0.0
    return until - time.time() if isinstance(until, (int, float)) else 0.0


def _guarded_ban_search(text: str, limit: int) -> list[GeocodedAddress]:
    if not breaker.allow():
        raise GeocoderError("The address service is not asked for a while after failures.")
    try:
        results = _ban_search(text, limit)
    except _Refused:
        breaker.succeeded()  # it answered
        raise
    except GeocoderError:
        breaker.failed()
        raise
    except BaseException:
        breaker.abandoned()
        raise
    breaker.succeeded()
    return results


_UNREADABLE = (AttributeError, IndexError, KeyError, TypeError, ValueError)


def _ban_search(text: str, limit: int) -> list[GeocodedAddress]:
    """One call, tries included, within GEOCODER_DEADLINE seconds: each try waits at most the
    time left (GEOCODER_TIMEOUT at most) to connect and for each read; no retry or backoff
    beyond the deadline."""
    client = _ban_client(
        settings.GEOCODER_BAN_SCHEME, settings.GEOCODER_BAN_DOMAIN, settings.GEOCODER_TIMEOUT
    )
    # The API wants q to start with a letter or a digit.
    q = re.sub(r"^[\W_]+", "", text)
    retries = max(settings.GEOCODER_RETRIES, 0)
    deadline = time.monotonic() + settings.GEOCODER_DEADLINE
    for attempt in range(retries + 1):
        timeout = min(settings.GEOCODER_TIMEOUT, deadline - time.monotonic())
        try:
            locations = client.geocode(q, exactly_one=False, limit=limit, timeout=timeout)
            break
        # Logs name the failure, never the query: an address is personal data.
        except GeocoderParseError as error:
            logger.warning("Unreadable answer from the address API.")
            raise GeocoderError("The address service gave an unreadable answer.") from error
        except GeocoderServiceError as error:
            if not _is_transient(error):
                logger.error("The address API refused the request (%s).", _describe(error))
                raise _Refused("The address service refused the request.") from error
            delay = _backoff(attempt, error)
            # Another try needs the backoff and some time to wait for the answer.
            if attempt == retries or time.monotonic() + delay + MIN_TRY_SECONDS > deadline:
                logger.warning(
                    "The address API failed %d times (%s).", attempt + 1, _describe(error)
                )
                raise GeocoderError("The address service is unavailable.") from error
            time.sleep(delay)
        except GeopyError as error:
            raise GeocoderError("The address service could not be called.") from error
        except _UNREADABLE as error:  # geopy's parsing of a feature unlike the documented ones
            logger.warning("Unreadable answer from the address API.")
            raise GeocoderError("The address service gave an unreadable answer.") from error
    try:
        results = [_from_feature(location.raw) for location in locations or []]
    except _UNREADABLE as error:
        logger.warning("Unreadable answer from the address API.")
        raise GeocoderError("The address service gave an unreadable answer.") from error
    return sorted(results, key=lambda r: r.score, reverse=True)


def _is_transient(error: GeocoderServiceError) -> bool:
    """Worth retrying: timeouts, network errors, 429 and 5xx answers."""
    if isinstance(error, (GeocoderTimedOut, GeocoderUnavailable, GeocoderRateLimited)):
        return True
    cause = error.__cause__
    return isinstance(cause, AdapterHTTPError) and cause.status_code >= 500


def _describe(error: GeocoderServiceError) -> str:
    cause = error.__cause__
    status = f" {cause.status_code}" if isinstance(cause, AdapterHTTPError) else ""
    return f"{type(error).__name__}{status}"


def _backoff(attempt: int, error: GeocoderServiceError) -> float:
    delay = BACKOFF_SECONDS * 2**attempt
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER_SECONDS))
    return delay


def _string(properties: dict, name: str, *, required: bool = True) -> str:
    value = properties.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value):
        raise ValueError(f"Property {name!r} is not a string.")
    return value


def _number(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError("Not a finite number.")
    return float(value)


def _from_feature(feature: dict) -> GeocodedAddress:
    """A GeocodedAddress from a GeoJSON feature of the BAN API (geopy's Location.raw)."""
    properties = feature["properties"]
    geometry = feature["geometry"]
    if not isinstance(properties, dict) or geometry.get("type") != "Point":
        raise ValueError("Not a point feature.")
    coordinates = geometry["coordinates"]
    if not isinstance(coordinates, list) or len(coordinates) < 2:
        raise ValueError("Not a coordinate pair.")
    lon, lat = _number(coordinates[0]), _number(coordinates[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError("Coordinates out of range.")
    label = _string(properties, "label", required=False)
    if not label:
        # The API always sends a label; rebuild it from its parts rather than fail.
        street = properties.get("street") or properties.get("name") or ""
        parts = [properties.get("housenumber"), street, properties.get("postcode")]
        label = " ".join(str(p) for p in [*parts, properties.get("city")] if p)
        if not label:
            raise ValueError("No label.")
    return GeocodedAddress(
        label=label,
        lat=lat,
        lon=lon,
        citycode=_string(properties, "citycode"),
        postcode=_string(properties, "postcode", required=False),
        city=_string(properties, "city"),
        ban_id=_string(properties, "id", required=False),
        score=min(max(_number(properties["score"]), 0.0), 1.0),
        kind=_string(properties, "type"),
    )


# --- Local geocoder -----------------------------------------------------------------------------
#
# Addresses are found in stages, each one a query that an index answers, until one finds some:
#   1. prefix: the label as typed from its start, "15 allee paul du" (btree text_pattern_ops);
#   2. words: every word of 3+ letters appears in the label, in any order, the last one possibly
#      unfinished: "allee dukas sarcel" (GIN gin_trgm_ops answering LIKE '%word%');
#   3. one wrong word: the same, all words but one (a typo: "alle paul ducas sarcel");
#   4. trigrams: word similarity `<%` of the query without its common words (street types,
#      articles), threshold set for the transaction, under a statement timeout.
# Stage 1 runs always, the others only while nothing is found; stages 2 and 3 need a word that
# is not a common one (street types, articles: their index entries cover most of France). Each
# stage takes at most LOCAL_CANDIDATES rows from its index, then ranks them by score. Whole-label trigram similarity alone (`%`) was measured at 0.2 to 1 s on
# 545,000 addresses for common words ("rue de paris"): its index cannot prune them.

# A leading house number, with a repetition index glued or not: "15", "15 bis", "15bis", "15 b".
_NUMBER = re.compile(r"^(?P<numero>\d{1,4}) ?(?P<rep>bis|ter|quater|quinquies|[a-hqt])?(?= |$)")
_REPETITIONS = {"b": "bis", "t": "ter", "q": "quater"}
# Too common to find an address by: left out of the trigram stage, whose index they slow down.
_COMMON_WORDS = frozenset(
    "rue avenue av allee bd boulevard chemin impasse place route square residence cours quai "  # noqa: SIM905
    "voie sentier sente villa mail passage de du des la le les l d en et a au aux sur sous "
    "saint sainte st ste".split()
)
# Score: trigram similarity of the query and the label, 1.0 for the label itself, lowered when
# the query names another house number (or another repetition index) than the address.
_RANKED_SQL = """
SELECT a.ban_id, a.numero, a.rep, a.nom_voie, a.code_postal, a.code_insee, a.nom_commune,
       ST_X(a.location::geometry), ST_Y(a.location::geometry),
       CASE WHEN a.search_label = %(q)s THEN 1.0::float8
            ELSE similarity(a.search_label, %(q)s)::float8 * CASE
                WHEN %(numero)s::integer IS NULL THEN 1.0::float8
                WHEN a.numero IS DISTINCT FROM %(numero)s::integer THEN %(number_factor)s::float8
                WHEN CASE lower(a.rep) WHEN 'b' THEN 'bis' WHEN 't' THEN 'ter'
                     WHEN 'q' THEN 'quater' ELSE lower(a.rep) END <> %(rep)s
                     THEN %(rep_factor)s::float8
                ELSE 1.0::float8 END
       END AS score
FROM ({candidates}) a
ORDER BY score DESC, a.numero NULLS FIRST, a.search_label
LIMIT %(limit)s
"""
# A stage's candidates, whole rows: ranked as they come from the index, without reading each
# one again by its key (a third less time than `id IN (…)` for the prefix stage).
_CANDIDATES_SQL = "SELECT * FROM eligibility_address WHERE {where} LIMIT %(cap)s"


@dataclass(frozen=True)
class _Query:
    text: str  # normalised, number and repetition index apart: "15 bis allee paul dukas"
    numero: int | None
    rep: str  # "bis", "ter", "a"…, "" when none
    words: tuple[str, ...]  # the words after the number and its index


def _repetition(rep: str) -> str:
    rep = normalize(rep)
    return _REPETITIONS.get(rep, rep)


def _parse(query: str) -> _Query:
    text = normalize(query)
    if match := _NUMBER.match(text):
        rep = _repetition(match["rep"] or "")
        words = tuple(text[match.end() :].split())
        text = " ".join([match["numero"], *([rep] if rep else []), *words])
        return _Query(text=text, numero=int(match["numero"]), rep=rep, words=words)
    return _Query(text=text, numero=None, rep="", words=tuple(text.split()))


def _local_search(query: str, limit: int) -> list[GeocodedAddress]:
    parsed = _parse(query)
    params = {
        "q": parsed.text,
        "numero": parsed.numero,
        "rep": parsed.rep,
        "number_factor": NUMBER_MISMATCH_FACTOR,
        "rep_factor": REPETITION_MISMATCH_FACTOR,
        "limit": limit,
        "cap": LOCAL_CANDIDATES,
    }
    # Words the trigram index can look up (two letters make no trigram).
    words = [w for w in dict.fromkeys(parsed.words) if len(w) >= 3][:MAX_WORDS]
    keys = {word: f"w{i}" for i, word in enumerate(words)}
    params.update({keys[word]: f"%{word}%" for word in words})

    # In label order: the b-tree stops after `cap` entries (a bitmap scan would visit every
    # address of a short prefix such as "2 route" before keeping `cap` of them).
    found = _ranked(
        _CANDIDATES_SQL.format(
            where="search_label LIKE %(prefix)s ORDER BY search_label USING ~<~"
        ),
        params | {"prefix": f"{parsed.text}%"},
    )
    # The other stages look for the words anywhere in the label: for a label typed from its
    # start, as in an autocomplete, the prefix stage has found the right addresses already, and
    # words found elsewhere would come from other streets and towns.
    rare = [w for w in words if w not in _COMMON_WORDS]
    if 0 < len(found) < limit and parsed.numero is not None:
        # The other numbers of the streets found, after the typed one: "17 allee paul dukas"
        # also suggests 15 and 19 (through the commune's index: a street is in one commune).
        same_street = (
            "(code_insee, nom_voie) IN (SELECT code_insee, nom_voie FROM eligibility_address"
            " WHERE ban_id = ANY(%(found)s))"
        )
        found += _ranked(
            _CANDIDATES_SQL.format(where=same_street),
            params | {"found": [address.ban_id for address in found]},
        )
    if not found and rare:
        every_word = _all_words(words, keys)
        candidates = _CANDIDATES_SQL.format(where=every_word)
        if parsed.numero is not None:
            # The typed number first, so that it is among the candidates of a long street.
            with_number = _CANDIDATES_SQL.format(where=f"{every_word} AND numero = %(numero)s")
            candidates = (
                f"SELECT DISTINCT ON (id) * FROM (({with_number}) UNION ALL ({candidates})) u"  # noqa: S608
            )
        found += _ranked(candidates, params)
    if not found and len(words) >= 2:
        # Leave out one word at a time, as long as a word that is not a common one remains.
        combinations = [
            [w for w in words if w != left_out]
            for left_out in words
            if any(w not in _COMMON_WORDS for w in words if w != left_out)
        ]
        if combinations:
            all_but_one = " OR ".join(
                f"({_all_words(combination, keys)})" for combination in combinations
            )
            found += _ranked(_CANDIDATES_SQL.format(where=all_but_one), params)
    if not found:
        found += _trigram_search(parsed, params, [keys[w] for w in words if w in _COMMON_WORDS])

    best = {}
    for address in found:
        if address.ban_id not in best or address.score > best[address.ban_id].score:
            best[address.ban_id] = address
    return sorted(best.values(), key=lambda a: (-a.score, a.label))[:limit]


def _all_words(words: list[str], keys: dict[str, str]) -> str:
    """Every word in the label. Only the uncommon ones go through the trigram index: the posting
    lists of "rue" or "chemin" hold hundreds of thousands of addresses, slower to read than
    checking the few rows the uncommon words leave (`||''` keeps the index away from them)."""
    return " AND ".join(
        f"(search_label || '') LIKE %({keys[w]})s"
        if w in _COMMON_WORDS
        else f"search_label LIKE %({keys[w]})s"
        for w in words
    )


def _trigram_search(parsed: _Query, params: dict, common_keys: list[str]) -> list[GeocodedAddress]:
    """Word similarity of the uncommon words (where typos matter); the common words typed
    ("rue", "place"…) must appear as they are, which narrows what the similarity rechecks."""
    rare = " ".join(w for w in parsed.words if w not in _COMMON_WORDS)
    if len(rare.replace(" ", "")) < MIN_QUERY_CHARS:
        return []
    where = " AND ".join(
        ["search_label %%> %(rare)s", *(f"search_label LIKE %({key})s" for key in common_keys)]
    )
    candidates = _CANDIDATES_SQL.format(where=where)
    try:
        # In a savepoint: a cancelled query leaves the caller's transaction usable, and the
        # settings changed for this query go back to their values with the savepoint.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('pg_trgm.word_similarity_threshold', true),"
                " current_setting('statement_timeout')"
            )
            previous = cursor.fetchone()
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
                " set_config('statement_timeout', %s, true)",
                [str(LOCAL_WORD_SIMILARITY_THRESHOLD), f"{LOCAL_TRIGRAM_TIMEOUT_MS}ms"],
            )
            results = _ranked(candidates, params | {"rare": rare}, cursor=cursor)
            # A released savepoint keeps SET LOCAL values until the end of the transaction.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
                " set_config('statement_timeout', %s, true)",
                [previous[0] or str(LOCAL_WORD_SIMILARITY_THRESHOLD), previous[1]],
            )
            return results
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        logger.warning("Local address search: trigram stage cancelled after its timeout.")
        return []


def _ranked(candidates: str, params: dict, cursor=None) -> list[GeocodedAddress]:
    sql = _RANKED_SQL.format(candidates=candidates)
    if cursor is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_from_row(row) for row in rows]


def _from_row(row) -> GeocodedAddress:
    ban_id, numero, rep, nom_voie, code_postal, code_insee, nom_commune, lon, lat, score = row
    return GeocodedAddress(
        label=format_address_label(numero, rep, nom_voie, code_postal, nom_commune),
        lat=lat,
        lon=lon,
        citycode=code_insee,
        postcode=code_postal,
        city=nom_commune,
        ban_id=ban_id,
        score=round(min(max(score, 0.0), 1.0), 4),
        kind="housenumber" if numero is not None else "locality",
    )


# --- Batch geocoding (bulk eligibility tests) ---------------------------------------------------
#
# `geocode_many(queries)` answers, in the order of the queries, a GeocodedAddress or a
# NotGeocoded with the reason in French. Locally (GEOCODER=local) it runs set-based on the BAN
# copy: one query matches every normalised label exactly (b-tree of search_label), one more looks
# for the rest with their words in order (`LIKE '%w1%w2%'`, trigram index), the typed house
# number first, scored like the search. With GEOCODER=ban it sends the queries to the national
# API's CSV endpoint (`/search/csv/`), in chunks, one request at a time, with retries and backoff.

BATCH_CSV_CHUNK = 5000  # rows per request to the CSV endpoint
BATCH_CSV_MAX_RETRY_AFTER_SECONDS = 60.0
BATCH_CANDIDATES = 300  # addresses a fallback lookup ranks at most
BATCH_FALLBACK_TIMEOUT_MS = 60_000  # bound of one fallback statement (a whole chunk)
# Abbreviations of street types and words, as people type them in files.
_ABBREVIATIONS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "bvd": "boulevard",
    "r": "rue",
    "pl": "place",
    "imp": "impasse",
    "che": "chemin",
    "chem": "chemin",
    "rte": "route",
    "sq": "square",
    "crs": "cours",
    "fg": "faubourg",
    "fbg": "faubourg",
    "pass": "passage",
    "res": "residence",
    "all": "allee",
    "st": "saint",
    "ste": "sainte",
}
NOT_FOUND_REASON = "Adresse introuvable"
EMPTY_REASON = "Adresse vide"
TOO_LONG_REASON = f"Adresse trop longue (plus de {MAX_QUERY_LENGTH} caractères)"
MUNICIPALITY_REASON = "Adresse trop imprécise : seule la commune est reconnue"
TIMEOUT_REASON = "Recherche trop longue : adresse non géocodée"


@dataclass(frozen=True)
class NotGeocoded:
    reason: str  # in French, shown to the user


def geocode_many(queries) -> list:
    """For each query, in order: a GeocodedAddress (score ≥ settings.GEOCODER_MIN_SCORE, never a
    bare municipality) or a NotGeocoded. Raises GeocoderError when the national API is
    unavailable (after its retries)."""
    answers: list = [None] * len(queries)
    todo = []
    for index, query in enumerate(queries):
        text = (query or "").strip()
        if len(normalize(text).replace(" ", "")) < MIN_QUERY_CHARS:
            answers[index] = NotGeocoded(EMPTY_REASON)
        elif len(text) > MAX_QUERY_LENGTH:
            answers[index] = NotGeocoded(TOO_LONG_REASON)
        else:
            todo.append((index, text))
    if not todo:
        return answers
    backend = settings.GEOCODER
    texts = [text for _, text in todo]
    if backend == "local":
        found = [_checked(result) for result in _local_geocode_many(texts)]
    elif backend == "ban":
        # The local copy of the BAN first, where it has the addresses (its exact and street
        # stages: two queries, whatever its size, even empty); the national API for the rest.
        found = [_checked(result) for result in _local_geocode_many(texts, fuzzy=False)]
        rest = [k for k, result in enumerate(found) if not isinstance(result, GeocodedAddress)]
        if rest:
            from_api = _ban_csv_geocode_many([texts[k] for k in rest])
            for k, result in zip(rest, from_api, strict=True):
                found[k] = _checked(result)
    else:
        raise ImproperlyConfigured(f"Unknown GEOCODER {backend!r}: 'local' or 'ban'.")
    for (index, _), result in zip(todo, found, strict=True):
        answers[index] = result
    return answers


def _checked(result):
    """A GeocodedAddress precise and sure enough, else the reason why not."""
    if isinstance(result, GeocodedAddress):
        if result.kind == "municipality":
            return NotGeocoded(MUNICIPALITY_REASON)
        if result.score < settings.GEOCODER_MIN_SCORE:
            return NotGeocoded(
                f"Correspondance trop incertaine (score {result.score:.2f} : "
                f"{result.label})".replace(".", ",", 1)
            )
    return result


def _batch_parse(text: str) -> _Query:
    parsed = _parse(text)
    words = tuple(_ABBREVIATIONS.get(word, word) for word in parsed.words)
    prefix = [str(parsed.numero), *([parsed.rep] if parsed.rep else [])] if parsed.numero else []
    return _Query(
        text=" ".join([*prefix, *words]), numero=parsed.numero, rep=parsed.rep, words=words
    )


_BATCH_EXACT_SQL = """
SELECT DISTINCT ON (q.i) q.i, a.ban_id, a.numero, a.rep, a.nom_voie, a.code_postal, a.code_insee,
       a.nom_commune, ST_X(a.location::geometry), ST_Y(a.location::geometry), 1.0::float8
  FROM unnest(%(labels)s::text[]) WITH ORDINALITY AS q(label, i)
  JOIN eligibility_address a ON a.search_label = q.label
 ORDER BY q.i, a.ban_id
"""
# Stage 2: the labels that start with the typed number and the first two words of the street
# (a range of the b-tree of search_label, read from the index alone) and have every typed word,
# in order: a missing postcode or commune, extra words at the end. The best label by trigram
# similarity is then looked up (equality on the same index).
_BATCH_PREFIX_SQL = """
SELECT DISTINCT ON (q.i) q.i, a.ban_id, a.numero, a.rep, a.nom_voie, a.code_postal, a.code_insee,
       a.nom_commune, ST_X(a.location::geometry), ST_Y(a.location::geometry), best.score
  FROM unnest(%(prefixes)s::text[], %(patterns)s::text[], %(labels)s::text[])
       WITH ORDINALITY AS q(prefix, pattern, label, i)
 CROSS JOIN LATERAL (
   SELECT c.search_label, similarity(c.search_label, q.label)::float8 AS score
     FROM eligibility_address c
    WHERE c.search_label ~>=~ q.prefix AND c.search_label ~<~ (q.prefix || '~')
      -- an expression, so that the planner keeps the b-tree range rather than the trigrams
      AND (c.search_label || '') LIKE q.pattern
    ORDER BY score DESC, c.search_label
    LIMIT 1
 ) best
  JOIN eligibility_address a ON a.search_label = best.search_label
 ORDER BY q.i, a.ban_id
"""
# Stage 3: the labels that have the uncommon words (trigram index), then every typed word in
# order; the typed number first among the candidates of a long street.
_BATCH_WORDS_SQL = """
SELECT q.i, best.*
  FROM unnest(%(rare)s::text[], %(patterns)s::text[], %(labels)s::text[], %(numeros)s::int[],
              %(reps)s::text[]) WITH ORDINALITY AS q(rare, pattern, label, numero, rep, i)
 CROSS JOIN LATERAL (
   SELECT a.ban_id, a.numero, a.rep, a.nom_voie, a.code_postal, a.code_insee,
          a.nom_commune, ST_X(a.location::geometry), ST_Y(a.location::geometry),
          similarity(a.search_label, q.label)::float8 * CASE
              WHEN q.numero IS NULL THEN 1.0::float8
              WHEN a.numero IS DISTINCT FROM q.numero THEN %(number_factor)s::float8
              WHEN CASE lower(a.rep) WHEN 'b' THEN 'bis' WHEN 't' THEN 'ter'
                   WHEN 'q' THEN 'quater' ELSE lower(a.rep) END <> q.rep
                   THEN %(rep_factor)s::float8
              ELSE 1.0::float8 END AS score
     FROM eligibility_address a
    WHERE a.id IN (
          (SELECT c.id FROM eligibility_address c
            WHERE c.search_label LIKE q.rare AND c.numero = q.numero LIMIT 20)
          UNION ALL
          (SELECT c.id FROM eligibility_address c WHERE c.search_label LIKE q.rare LIMIT %(cap)s))
      AND a.search_label LIKE q.pattern
    ORDER BY score DESC, a.search_label
    LIMIT 1
 ) best
"""


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(words) -> str:
    return "%" + "%".join(_like_escape(w) for w in words) + "%"


def _local_geocode_many(texts: list[str], *, fuzzy: bool = True) -> list:
    """`fuzzy`: also the stage that finds misspelt words through the trigram index (about 10 ms
    a row it is asked for)."""
    parsed = [_batch_parse(text) for text in texts]
    results: list = [NotGeocoded(NOT_FOUND_REASON)] * len(texts)
    with connection.cursor() as cursor:
        cursor.execute(_BATCH_EXACT_SQL, {"labels": [p.text for p in parsed]})
        for row in cursor.fetchall():
            results[row[0] - 1] = _from_row(row[1:])
    common = {
        "number_factor": NUMBER_MISMATCH_FACTOR,
        "rep_factor": REPETITION_MISMATCH_FACTOR,
        "cap": BATCH_CANDIDATES,
    }

    def todo(condition):
        return [
            i
            for i, result in enumerate(results)
            if not isinstance(result, GeocodedAddress) and condition(parsed[i])
        ]

    def stage_params(rows):
        return {
            **common,
            "patterns": [_like(parsed[i].words) for i in rows],
            "labels": [parsed[i].text for i in rows],
            "numeros": [parsed[i].numero for i in rows],
            "reps": [parsed[i].rep for i in rows],
        }

    prefixed = todo(lambda p: p.numero is not None and len(p.words) >= 2)
    if prefixed:
        params = stage_params(prefixed)
        params["prefixes"] = [
            " ".join([str(parsed[i].numero), *([parsed[i].rep] if parsed[i].rep else [])])
            + f" {parsed[i].words[0]} {parsed[i].words[1]} "
            for i in prefixed
        ]
        if not _batch_stage(_BATCH_PREFIX_SQL, params, prefixed, results):
            return results
    rest = todo(lambda p: bool(p.words)) if fuzzy else []
    if rest:
        params = stage_params(rest)
        params["rare"] = [_like(_rare_words(parsed[i].words)) for i in rest]
        _batch_stage(_BATCH_WORDS_SQL, params, rest, results)
    return results


def _rare_words(words: tuple[str, ...]) -> list[str]:
    """The words the trigram index narrows best: uncommon, 4 letters or more, without digits
    (postcodes share their trigrams), the last one left out when others remain (usually the
    commune, shared by thousands of addresses); all the words when none is left."""
    rare = [w for w in words if w not in _COMMON_WORDS and len(w) >= 4 and w.isalpha()]
    if len(rare) >= 2:
        rare = rare[:-1]
    return rare or list(words)


def _batch_stage(sql: str, params: dict, rows: list[int], results: list) -> bool:
    """Runs one fallback stage for `rows` (indexes into results); False when it timed out (its
    rows then say so)."""
    try:
        # In a savepoint, under a statement timeout: a cancelled query leaves the caller's
        # transaction usable; the rows it was looking for say why they were not geocoded.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)",
                [f"{BATCH_FALLBACK_TIMEOUT_MS}ms"],
            )
            cursor.execute(sql, params)
            found = cursor.fetchall()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
        logger.warning("Batch geocoding: a fallback stage was cancelled after its timeout.")
        for i in rows:
            if not isinstance(results[i], GeocodedAddress):
                results[i] = NotGeocoded(TIMEOUT_REASON)
        return False
    for row in found:
        results[rows[row[0] - 1]] = _from_row(row[1:])
    return True


def _ban_csv_geocode_many(texts: list[str]) -> list:
    results: list = []
    for start in range(0, len(texts), BATCH_CSV_CHUNK):
        results += _ban_csv_chunk(texts[start : start + BATCH_CSV_CHUNK])
    return results


def _ban_csv_chunk(texts: list[str]) -> list:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["fcu_id", "q"])
    for index, text in enumerate(texts):
        # The API wants q to start with a letter or a digit.
        writer.writerow([index, re.sub(r"^[\W_]+", "", text)])
    body = _ban_csv_post(buffer.getvalue().encode("utf-8"))
    try:
        text = body.decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text))
        missing = {"fcu_id", "latitude", "longitude", "result_score"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"Missing columns: {sorted(missing)}")
        results: list = [NotGeocoded(NOT_FOUND_REASON)] * len(texts)
        seen = 0
        for row in reader:
            index = int(row["fcu_id"])
            if not 0 <= index < len(texts):
                raise ValueError("Unknown row id.")
            seen += 1
            results[index] = _from_csv_row(row)
        if seen != len(texts):
            raise ValueError("Rows missing from the answer.")
    except (UnicodeDecodeError, csv.Error, *_UNREADABLE) as error:
        logger.warning("Unreadable answer from the address API's CSV endpoint.")
        raise GeocoderError("The address service gave an unreadable answer.") from error
    return results


def _from_csv_row(row: dict):
    status = row.get("result_status") or ""
    if (status and status != "ok") or not row.get("latitude") or not row.get("result_score"):
        return NotGeocoded(NOT_FOUND_REASON)
    lat, lon = float(row["latitude"]), float(row["longitude"])
    score = float(row["result_score"])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and math.isfinite(score)):
        raise ValueError("Coordinates or score out of range.")
    label = row.get("result_label") or ""
    if not label:
        raise ValueError("No label.")
    return GeocodedAddress(
        label=label,
        lat=lat,
        lon=lon,
        citycode=row.get("result_citycode") or "",
        postcode=row.get("result_postcode") or "",
        city=row.get("result_city") or "",
        ban_id=row.get("result_id") or "",
        score=min(max(score, 0.0), 1.0),
        kind=row.get("result_type") or "",
    )


def _ban_csv_post(body: bytes) -> bytes:
    """POST one chunk to the CSV endpoint; retries 429/5xx/timeouts with backoff (Retry-After
    honoured up to a minute). Raises GeocoderError."""
    import requests

    url = f"{settings.GEOCODER_BAN_SCHEME}://{settings.GEOCODER_BAN_DOMAIN}/search/csv/"
    retries = max(settings.GEOCODER_RETRIES, 0)
    for attempt in range(retries + 1):
        delay = BACKOFF_SECONDS * 2**attempt
        try:
            response = requests.post(
                url,
                files={"data": ("adresses.csv", body, "text/csv")},
                data={"columns": "q"},
                headers={"User-Agent": USER_AGENT},
                timeout=settings.GEOCODER_CSV_TIMEOUT,
            )
        except (requests.Timeout, requests.ConnectionError) as error:
            if attempt == retries:
                logger.warning("The address API's CSV endpoint failed %d times.", attempt + 1)
                raise GeocoderError("The address service is unavailable.") from error
        except requests.RequestException as error:
            raise GeocoderError("The address service could not be called.") from error
        else:
            status = response.status_code
            if status == 200:
                return response.content
            if status != 429 and status < 500:
                logger.error("The address API's CSV endpoint refused the request (%s).", status)
                raise GeocoderError("The address service refused the request.")
            if attempt == retries:
                logger.warning(
                    "The address API's CSV endpoint failed %d times (%s).", attempt + 1, status
                )
                raise GeocoderError("The address service is unavailable.")
            try:
                retry_after = float(response.headers.get("Retry-After") or 0)
            except ValueError:
                retry_after = 0
            if math.isfinite(retry_after) and retry_after > 0:
                delay = max(delay, min(retry_after, BATCH_CSV_MAX_RETRY_AFTER_SECONDS))
        time.sleep(delay)
    raise GeocoderError("The address service is unavailable.")  # not reached
