"""Settings of France Chaleur Urbaine, read from environment variables.

Every variable is listed with a comment in `.env.example`. Defaults are safe for production:
DEBUG is off, SECRET_KEY is required, cookies are secure and HSTS is on, unless DJANGO_ENV says
the process runs on a developer's machine (`dev`) or under the test suite (`test`).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables of the process win over the file. ENV_FILE empty: no file (the test suite's setting, so
# that a developer's `.env` never changes what the tests see).
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

DJANGO_ENV = env("DJANGO_ENV", default="production")
if DJANGO_ENV not in {"production", "dev", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be one of production, dev, test.")
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
if IS_PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must stay off in production.")

# Required in production (missing or empty: the process refuses to start); elsewhere an empty
# value, as in a plain copy of .env.example, means the development key.
SECRET_KEY = env("SECRET_KEY", default="").strip()
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable (required in production)."
        )
    SECRET_KEY = f"insecure-{DJANGO_ENV}-key-never-use-in-production"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL of the site (links in emails); by default the local port `make run` serves.
_local_port = env.int("PORT", default=8000)
SITE_URL = env("SITE_URL", default=f"http://localhost:{_local_port}").rstrip("/")

INSTALLED_APPS = [
    # The Django admin with the back office's site (two-factor login, scoped to organisations).
    "contacts.admin_apps.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "corsheaders",
    "widget_tweaks",
    "dsfr",
    "leaflet",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "chauffage",
    "eligibility",
    "contacts",
    "ambassadors",
    "library",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chauffage.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # A NUL byte in the path or query string: 400 before any view (PostgreSQL refuses NUL).
    "chauffage.request_checks.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database error in a view: 503 (JSON for the API, the French page elsewhere), not a 500.
    "chauffage.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "chauffage.urls"
WSGI_APPLICATION = "chauffage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chauffage.context_processors.site",
                "chauffage.context_processors.main_menu",
            ],
        },
    },
]

# Database: PostgreSQL with PostGIS. Connections are kept open between requests (CONN_MAX_AGE):
# opening one per request costs about 8 times the requests per second.
DATABASES = {"default": env.db("DATABASE_URL", default="postgis:///chaleur_urbaine")}
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Short transactional queries: compiling them (JIT) costs more than it saves. Big bulk queries
# would start compiling for seconds once their estimated cost passes the threshold.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A server that does not answer fails the connection after so many seconds (libpq waits for
# the system's TCP timeout otherwise, minutes): /healthz and the pages answer 503 quickly.
DATABASES["default"]["OPTIONS"]["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared between processes (rate limits, geocoder answers). The database table works
# everywhere without another service; Redis (redis://…) is the production choice.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://django_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "chauffage.cache.RedisCache"  # keeps its Redis clients

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# The French formats with the dates Django writes by itself in figures (chauffage/formats/fr).
FORMAT_MODULE_PATH = ["chauffage.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if DJANGO_ENV != "test"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Security. Behind a TLS-terminating proxy in production; plain HTTP on a developer's machine.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=IS_PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Map tiles shown under the networks (Leaflet). The attribution is displayed on every map.
MAP_TILES_URL = env(
    "MAP_TILES_URL", default="https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = env(
    "MAP_TILES_ATTRIBUTION",
    default="© les contributeurs d’OpenStreetMap (ODbL), fond OpenStreetMap France",
)
LEAFLET_CONFIG = {
    "TILES": [("Plan", MAP_TILES_URL, {"attribution": MAP_TILES_ATTRIBUTION, "maxZoom": 19})],
    "DEFAULT_CENTER": (48.85, 2.35),
    "DEFAULT_ZOOM": 9,
    "RESET_VIEW": False,
}

# Cross-origin reads of the public API.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# Links shown to the public.
FEEDBACK_URL = env("FEEDBACK_URL", default="https://jedonnemonavis.numerique.gouv.fr/")
CONTACT_EMAIL = env("CONTACT_EMAIL", default="france-chaleur-urbaine@developpement-durable.gouv.fr")

# Optional audience measurement with Matomo, configured without cookies (no consent needed).
MATOMO_URL = env("MATOMO_URL", default="")
MATOMO_SITE_ID = env("MATOMO_SITE_ID", default="")

# Email: anymail's backend of the chosen provider in production, the console elsewhere.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "anymail.backends.brevo.EmailBackend"
        if IS_PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
ANYMAIL = {
    "BREVO_API_KEY": env("BREVO_API_KEY", default=""),
    "IGNORE_UNSUPPORTED_FEATURES": True,
}
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL",
    default="France Chaleur Urbaine <ne-pas-repondre@france-chaleur-urbaine.beta.gouv.fr>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The Date header in Paris time, like every date the service shows.
EMAIL_USE_LOCALTIME = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# GeoDjango finds GDAL/GEOS through ctypes; these variables point at unusual install locations.
GDAL_LIBRARY_PATH = env("GDAL_LIBRARY_PATH", default=None)
GEOS_LIBRARY_PATH = env("GEOS_LIBRARY_PATH", default=None)

# Debian 12 ships GDAL 3.6, which cannot forbid a spatial reference to open files or URLs
# (gis.W001). Only the national team's import commands hand files to GDAL, never visitors.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Eligibility thresholds (metres) applied to a network that has none of its own.
ELIGIBILITY_THRESHOLDS = {
    "very_close": env.int("ELIGIBILITY_VERY_CLOSE_M", default=100),
    "close": env.int("ELIGIBILITY_CLOSE_M", default=200),
    "far": env.int("ELIGIBILITY_FAR_M", default=1000),
}
# National thresholds of particular networks (very close, close), unless an administrator sets
# the network's own: Paris (CPCU) requires a building much closer to its dense network.
NETWORK_THRESHOLDS = {"7501C": (60, 100), "7511C": (60, 100)}
# Beyond the "far" distance ("too far"), the verdict still names the nearest existing network
# within this many metres, so the requester knows where the nearest one is.
ELIGIBILITY_NEAREST_SEARCH_M = env.int("ELIGIBILITY_NEAREST_SEARCH_M", default=10000)
# Each process keeps the networks in memory for the eligibility test (eligibility/index.py) and
# compares the data's version numbers at most every so many seconds: an edit reaches the answers
# within that delay.
ELIGIBILITY_INDEX_CHECK_SECONDS = env.float("ELIGIBILITY_INDEX_CHECK_SECONDS", default=2)
# The tests of the page and the API are written to the statistics in batches, every so many
# seconds (eligibility/recording.py); 0 writes each one in its request.
ELIGIBILITY_RECORD_DELAY_SECONDS = env.float("ELIGIBILITY_RECORD_DELAY_SECONDS", default=1)

# Geocoding. "local" searches the project's own copy of the Base Adresse Nationale in PostGIS
# (offline, and for bulk work); "ban" asks the national address API (Géoplateforme) through
# geopy's BANFrance geocoder.
GEOCODER = env("GEOCODER", default="local")
if GEOCODER not in {"local", "ban"}:
    raise ImproperlyConfigured("GEOCODER must be 'local' or 'ban'.")
GEOCODER_BAN_DOMAIN = env("GEOCODER_BAN_DOMAIN", default="data.geopf.fr/geocodage")
GEOCODER_BAN_SCHEME = env("GEOCODER_BAN_SCHEME", default="https")
GEOCODER_TIMEOUT = env.float("GEOCODER_TIMEOUT", default=3.0)
GEOCODER_RETRIES = env.int("GEOCODER_RETRIES", default=2)
# One call to the national API, tries and backoffs included, never lasts longer than this. After
# GEOCODER_BREAKER_FAILURES consecutive failures a process stops asking it for
# GEOCODER_BREAKER_SECONDS (address searches fail at once: a French message, a JSON 503), then
# tries again with one call. GEOCODER_FALLBACK_LOCAL: meanwhile search the local copy of the BAN
# instead (only where it is imported: `manage.py import_ban_addresses`).
GEOCODER_DEADLINE = env.float("GEOCODER_DEADLINE", default=3.0)
GEOCODER_BREAKER_FAILURES = env.int("GEOCODER_BREAKER_FAILURES", default=2)
GEOCODER_BREAKER_SECONDS = env.float("GEOCODER_BREAKER_SECONDS", default=30.0)
GEOCODER_FALLBACK_LOCAL = env.bool("GEOCODER_FALLBACK_LOCAL", default=False)
GEOCODER_MIN_SCORE = env.float("GEOCODER_MIN_SCORE", default=0.5)
GEOCODER_CACHE_SECONDS = env.int("GEOCODER_CACHE_SECONDS", default=7 * 24 * 3600)
# Seconds before a request of a bulk test to the national API's CSV endpoint (5,000 rows) is abandoned.
GEOCODER_CSV_TIMEOUT = env.float("GEOCODER_CSV_TIMEOUT", default=120.0)
# Minimum subscribed power (kW) some networks require from a building (Paris, CPCU).
NETWORK_MIN_POWER_KW = {"7501C": 100, "7511C": 100}

# Rate limits per client address ("requests/seconds"), and how many proxies of ours sit in front.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if IS_PRODUCTION else 0)
RATELIMIT_API = env("RATELIMIT_API", default="120/60")
RATELIMIT_FORMS = env("RATELIMIT_FORMS", default="10/600")
# Map vector tiles: a visitor panning the map asks for dozens of tiles a second.
RATELIMIT_TILES = env("RATELIMIT_TILES", default="3000/60")

# Background tasks (django-tasks): emails are sent by `manage.py db_worker` from the database
# queue; the test suite runs them at once, in the process that enqueues them.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if DJANGO_ENV == "test"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# Contact requests are anonymised this many days after their last activity (3 years).
LEAD_RETENTION_DAYS = env.int("LEAD_RETENTION_DAYS", default=1095)

# Back office (the Django admin, contacts/admin.py). Staff log in with a password and a TOTP code
# (django-otp). The national team and superusers always need the code, except in the test suite,
# whose admin tests of other apps log in with a password only (tests/backoffice turn it on);
# production refuses to turn it off. Other staff (operators, agencies) need it when
# OTP_REQUIRED_FOR_ALL_STAFF is true: the default in production, not on a developer's machine.
OTP_REQUIRED_FOR_ADMINS = env.bool("OTP_REQUIRED_FOR_ADMINS", default=DJANGO_ENV != "test")
if IS_PRODUCTION and not OTP_REQUIRED_FOR_ADMINS:
    raise ImproperlyConfigured("OTP_REQUIRED_FOR_ADMINS must stay on in production.")
OTP_REQUIRED_FOR_ALL_STAFF = env.bool("OTP_REQUIRED_FOR_ALL_STAFF", default=IS_PRODUCTION)
OTP_TOTP_ISSUER = "France Chaleur Urbaine"
# Nobody reads another account's TOTP secret (its key or QR code) in the admin: each account
# enrols its own device at its first login.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Wrong codes make the next attempt wait 1, 2, 4… seconds (per device).
OTP_TOTP_THROTTLE_FACTOR = 1
# Failed back-office logins ("failures/seconds") per account (the username typed) and per client
# address: beyond them, every login is refused until the period ends (contacts/login_attempts.py).
RATELIMIT_LOGIN_PER_ACCOUNT = env("RATELIMIT_LOGIN_PER_ACCOUNT", default="5/900")
RATELIMIT_LOGIN_PER_IP = env("RATELIMIT_LOGIN_PER_IP", default="20/900")
# Password of the demo accounts (`manage.py create_demo_accounts`, run by `make run`); empty: a
# random one, printed once when the accounts are created.
DEMO_ACCOUNTS_PASSWORD = env("DEMO_ACCOUNTS_PASSWORD", default="")

# Ambassador condominiums (ambassadors/). A sign-up chooses its network among those whose route
# passes within AMBASSADOR_NETWORK_RADIUS_M metres of the building (and those without a route in its
# commune). Messages relayed between askers and ambassadors are anonymised this many days after
# the last message of their conversation; their reply links expire then too. Sign-ups whose email
# was never confirmed are deleted, and refused ones anonymised, AMBASSADOR_PENDING_DAYS days after
# the sign-up (`manage.py purge_ambassadors`, daily).
AMBASSADOR_NETWORK_RADIUS_M = env.int("AMBASSADOR_NETWORK_RADIUS_M", default=1000)
AMBASSADOR_MESSAGE_RETENTION_DAYS = env.int("AMBASSADOR_MESSAGE_RETENTION_DAYS", default=365)
AMBASSADOR_PENDING_DAYS = env.int("AMBASSADOR_PENDING_DAYS", default=30)
# Where the national team is told that an ambassador awaits moderation (empty: nobody).
AMBASSADOR_MODERATION_EMAIL = env("AMBASSADOR_MODERATION_EMAIL", default=CONTACT_EMAIL)
# Messages to ambassadors and replies per client address ("requests/seconds"): volunteers' inboxes
# deserve a stricter limit than the other forms.
RATELIMIT_AMBASSADOR_MESSAGES = env("RATELIMIT_AMBASSADOR_MESSAGES", default="5/3600")

# Document library (/ressources): one client's downloads counted for the statistics,
# "downloads/seconds"; beyond it the file is still served, but not counted again.
RATELIMIT_DOWNLOADS = env("RATELIMIT_DOWNLOADS", default="30/3600")

# DSFR's static files are served from this site, fingerprinted by WhiteNoise, which rewrites the
# URLs inside the CSS: their content no longer matches django-dsfr's integrity hashes.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# Bulk eligibility tests (contacts/bulk*.py): the largest file accepted (bytes and data rows), and
# the bulk API's requests per client address ("requests/seconds"). The web server in front must
# accept request bodies of BULK_MAX_BYTES (nginx: client_max_body_size 50m on these paths).
BULK_MAX_BYTES = env.int("BULK_MAX_BYTES", default=50 * 1024 * 1024)
BULK_MAX_ROWS = env.int("BULK_MAX_ROWS", default=200_000)
RATELIMIT_BULK_API = env("RATELIMIT_BULK_API", default="60/60")
