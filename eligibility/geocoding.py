"""Geocoding: the only module that speaks to the address service.

Two backends, chosen by ``settings.GEOCODER`` at each call:

- ``"ban"``: the national address API (Base Adresse Nationale, served by the Géoplateforme) through
  geopy's ``BANFrance``, with a timeout, retries with exponential backoff on 429/5xx/timeouts and a
  cache of the answers;
- ``"local"``: the project's own copy of the BAN (``Address``) in PostGIS, searched with the
  prefix (``text_pattern_ops``) and trigram (``gin_trgm_ops``) indexes of ``search_label``.

Both return ``GeocodedAddress`` objects, best first, with a score between 0 and 1.

Queries longer than ``MAX_QUERY_LENGTH`` characters (after stripping) are refused with
``ValueError`` before any request: never silently truncated, since a truncated address could
geocode to another place. Queries with fewer than ``MIN_QUERY_CHARS`` letters or digits give no
result (``search`` returns ``[]``, ``geocode`` raises ``AddressNotFound`` without suggestions).
"""

import functools
import hashlib
import logging
import math
import re
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

from eligibility.models import Address
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
    unreadable answer)."""


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
    cached = cache.get(key)
    if cached is not None:
        return [GeocodedAddress(**fields) for fields in cached]
    results = _ban_search(text, limit)  # raises on errors: they are never cached
    cache.set(key, [asdict(r) for r in results], settings.GEOCODER_CACHE_SECONDS)
    return results


_UNREADABLE = (AttributeError, IndexError, KeyError, TypeError, ValueError)


def _ban_search(text: str, limit: int) -> list[GeocodedAddress]:
    client = _ban_client(
        settings.GEOCODER_BAN_SCHEME, settings.GEOCODER_BAN_DOMAIN, settings.GEOCODER_TIMEOUT
    )
    # The API wants q to start with a letter or a digit.
    q = re.sub(r"^[\W_]+", "", text)
    retries = max(settings.GEOCODER_RETRIES, 0)
    for attempt in range(retries + 1):
        try:
            locations = client.geocode(q, exactly_one=False, limit=limit)
            break
        # Logs name the failure, never the query: an address is personal data.
        except GeocoderParseError as error:
            logger.warning("Unreadable answer from the address API.")
            raise GeocoderError("The address service gave an unreadable answer.") from error
        except GeocoderServiceError as error:
            if not _is_transient(error):
                logger.error("The address API refused the request (%s).", _describe(error))
                raise GeocoderError("The address service refused the request.") from error
            if attempt == retries:
                logger.warning(
                    "The address API failed %d times (%s).", attempt + 1, _describe(error)
                )
                raise GeocoderError("The address service is unavailable.") from error
            time.sleep(_backoff(attempt, error))
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
# Stage 1 runs always, stage 2 when stage 1 found fewer than `limit`, stages 3 and 4 only when
# nothing was found. Each stage takes at most LOCAL_CANDIDATES rows from its index, then ranks
# them by score. Whole-label trigram similarity alone (`%`) was measured at 0.2 to 1 s on
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
FROM eligibility_address a
WHERE a.id IN ({candidates})
ORDER BY score DESC, a.numero NULLS FIRST, a.search_label
LIMIT %(limit)s
"""
_CANDIDATES_SQL = "SELECT id FROM eligibility_address WHERE {where} LIMIT %(cap)s"


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

    found = _ranked(
        _CANDIDATES_SQL.format(where="search_label LIKE %(prefix)s"),
        params | {"prefix": f"{parsed.text}%"},
    )
    if len(found) < limit and words:
        every_word = " AND ".join(f"search_label LIKE %({keys[w]})s" for w in words)
        candidates = _CANDIDATES_SQL.format(where=every_word)
        if parsed.numero is not None:
            # The typed number first, so that it is among the candidates of a long street.
            with_number = _CANDIDATES_SQL.format(where=f"{every_word} AND numero = %(numero)s")
            candidates = f"({with_number}) UNION ALL ({candidates})"
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
                "(" + " AND ".join(f"search_label LIKE %({keys[w]})s" for w in combination) + ")"
                for combination in combinations
            )
            found += _ranked(_CANDIDATES_SQL.format(where=all_but_one), params)
    if not found:
        found += _trigram_search(parsed, params, [keys[w] for w in words if w in _COMMON_WORDS])

    best = {}
    for address in found:
        if address.ban_id not in best or address.score > best[address.ban_id].score:
            best[address.ban_id] = address
    return sorted(best.values(), key=lambda a: (-a.score, a.label))[:limit]


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
    address = Address(
        numero=numero, rep=rep, nom_voie=nom_voie, code_postal=code_postal, nom_commune=nom_commune
    )
    return GeocodedAddress(
        label=address.label,
        lat=lat,
        lon=lon,
        citycode=code_insee,
        postcode=code_postal,
        city=nom_commune,
        ban_id=ban_id,
        score=round(min(max(score, 0.0), 1.0), 4),
        kind="housenumber" if numero is not None else "locality",
    )
