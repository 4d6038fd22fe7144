"""Test settings: fast hashing, in-memory mail, no network, deterministic time zone."""

from hiroba.core.crypto import DEV_FIELD_KEYS

from .base import *  # noqa: F403
from .base import MIDDLEWARE

DEBUG = False
TESTING = True  # lets seed_demo run in tests (it refuses to outside DEBUG or demo mode)
DEMO_MODE = False
SECRET_KEY = "test-only-key-" + "x" * 40
HIROBA_FIELD_KEYS = list(DEV_FIELD_KEYS)  # the public development key "dev1" (decision 0010)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
ACCOUNT_RATE_LIMITS = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
HIROBA_MAP_TILES = ""  # no network in tests: the map shows its markers on a blank map
# Whole-page caching (core.pagecache) is off: tests change data between two requests of the
# same page. Its own tests turn it on.
CACHES = {
    **CACHES,  # noqa: F405
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
