"""Settings for the test suite: the same as production's, with what tests need changed."""

import os

os.environ["DJANGO_ENV"] = "test"
# A developer's .env never changes what the tests see (nor what the commands they start see).
os.environ["ENV_FILE"] = ""

from chauffage.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Every test sees the data it has just written, and the tests it recorded.
ELIGIBILITY_INDEX_CHECK_SECONDS = 0
ELIGIBILITY_RECORD_DELAY_SECONDS = 0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# WhiteNoise would list every collected static file at each new test client (about 1 s).
WHITENOISE_AUTOREFRESH = True
