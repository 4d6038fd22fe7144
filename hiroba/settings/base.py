"""Settings shared by every environment, read from environment variables.

Every variable is documented in ``.env.example``. Values are read with the typed readers of
``hiroba.lib.env`` so that a typo such as ``HIROBA_DEBUG=ture`` fails loudly at start-up.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from hiroba.lib.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("HIROBA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("HIROBA_DEBUG", False)
# Demo mode relaxes MFA enrolment so that the printed demo logins work at once. The system check
# ``hiroba.E001`` refuses to start with demo mode outside DEBUG.
DEMO_MODE = env_bool("HIROBA_DEMO", False)

SECRET_KEY = env_secret("HIROBA_SECRET_KEY", "")
SECRET_KEY_FALLBACKS = env_list("HIROBA_SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("HIROBA_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HIROBA_CSRF_TRUSTED_ORIGINS", [])
# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("HIROBA_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # allauth's rate limits and device list

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "leaflet",  # only for Leaflet's static files (the map); its widgets are not used
    # Hiroba, bottom layer first (see docs/architecture.md).
    "hiroba.core",
    "hiroba.accounts",
    "hiroba.hubs",
    "hiroba.families",
    "hiroba.visits",
    "hiroba.programs",
    "hiroba.consultations",
    "hiroba.support",
    "hiroba.kosapo",
    "hiroba.directory",
    "hiroba.news",
    "hiroba.evaluation",
    "hiroba.portal",
    "hiroba.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hiroba.core.middleware.RequestContextMiddleware",
    "hiroba.core.middleware.DeferredWorkMiddleware",
    "hiroba.core.middleware.EasyJapaneseRubyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "hiroba.accounts.middleware.SessionTimeoutMiddleware",
    "hiroba.accounts.middleware.RequireMFAMiddleware",
    "hiroba.core.middleware.NoStoreForAuthenticatedMiddleware",
    # Axes must come last so that it sees the lockout raised by its authentication backend.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hiroba.urls"
FORM_RENDERER = "hiroba.core.forms.HirobaFormRenderer"
CSRF_FAILURE_VIEW = "hiroba.core.views.csrf_failure"
WSGI_APPLICATION = "hiroba.wsgi.application"

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
                "django.template.context_processors.i18n",
                "hiroba.core.context_processors.hiroba",
                "hiroba.accounts.context_processors.console",
            ],
        },
    },
]


def _database_from_env() -> dict:
    """SQLite by default (clone-and-run); ``DATABASE_URL`` selects PostgreSQL."""
    url = env_str("DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("HIROBA_DB_CONN_MAX_AGE", 60))
        config["CONN_HEALTH_CHECKS"] = True
        # Tests create and drop their own database; two checkouts sharing a server need
        # different names (the Makefile derives one from the checkout's path).
        test_name = env_str("HIROBA_TEST_DATABASE_NAME", "")
        if test_name:
            config["TEST"] = {"NAME": test_name}
        if config["ENGINE"] == "django.db.backends.postgresql":
            # Waiting on a row lock longer than this is a bug, not load: fail and log it.
            options = config.setdefault("OPTIONS", {})
            options["options"] = "-c lock_timeout=5000"
            # Parameters travel apart from the SQL and psycopg prepares a statement once it
            # ran five times on a connection: the sign-up rush repeats the same fifteen, and
            # the server plans them once (bench/rush.py). Off behind a connection pooler in
            # transaction mode (pgbouncer < 1.21), which cannot keep prepared statements.
            options["server_side_binding"] = env_bool("HIROBA_DB_SERVER_SIDE_BINDING", True)
        return config
    config = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("HIROBA_SQLITE_PATH", str(VAR_DIR / "hiroba.sqlite3")),
        "OPTIONS": {
            # Writers queue up for the lock at BEGIN instead of failing half-way with
            # "database is locked" (see docs/concurrency.md).
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("HIROBA_SQLITE_TIMEOUT", 20, minimum=1),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }
    # The browser tests serve pages from threads while the test itself queries: an in-memory
    # test database is one shared-cache connection whose table locks fail at once ("database
    # table is locked"), so the Makefile gives them a file, where WAL and busy_timeout apply.
    test_name = env_str("HIROBA_TEST_DATABASE_NAME", "")
    if test_name:
        config["TEST"] = {"NAME": test_name}
    return config


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits (allauth) live in the cache; with several app servers they must share one, so
# production sets HIROBA_CACHE=database (then run ``manage.py createcachetable``).
# MAX_ENTRIES: the default 300 would cull rate-limit slots during a sign-up rush.
_CACHE_OPTIONS = {"MAX_ENTRIES": 100_000}
_CACHE_BACKENDS = {
    "locmem": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hiroba",
        "OPTIONS": _CACHE_OPTIONS,
    },
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hiroba_cache",
        "OPTIONS": _CACHE_OPTIONS,
    },
}
_cache_choice = env_str("HIROBA_CACHE", "locmem")
if _cache_choice not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(f"HIROBA_CACHE must be one of {sorted(_CACHE_BACKENDS)}")
CACHES = {
    "default": _CACHE_BACKENDS[_cache_choice],
    # Whole public pages for anonymous visitors (core.pagecache): per app server, in memory.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hiroba-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 6.2.1: at least 8 characters, no composition rules; 12 is our floor for staff.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "hubs:dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# Sessions: staff sessions end after 30 idle minutes and 12 hours at most (NIST 800-63B AAL2).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("HIROBA_SESSION_IDLE_MINUTES", 30, minimum=5))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("HIROBA_SESSION_ABSOLUTE_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-allauth: staff log in by e-mail and password; accounts are created by managers.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300  # seconds a sign-in counts as "recent"
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_ADAPTER = "hiroba.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "hiroba.accounts.forms.LoginForm",
    "reset_password": "hiroba.accounts.forms.ResetPasswordForm",
}
# Lockout is django-axes' job (persistent, per account); allauth's own limits stay as a second net.
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,10/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("HIROBA_MFA_ISSUER", "Hiroba")
MFA_ADAPTER = "hiroba.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    "authenticate": "hiroba.accounts.forms.AuthenticateForm",
    "reauthenticate": "hiroba.accounts.forms.ReauthenticateForm",
    "activate_totp": "hiroba.accounts.forms.ActivateTOTPForm",
}
USERSESSIONS_TRACK_ACTIVITY = True

# django-axes: five wrong passwords for an account lock it for 15 minutes. Attempts during the
# lockout do not extend it, so nobody can keep a colleague locked out for long (ASVS 6.1.1).
AXES_FAILURE_LIMIT = env_int("HIROBA_LOCKOUT_FAILURES", 5, minimum=3)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("HIROBA_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per-IP locking would lock a whole hub office behind one NAT address after five typos; per-IP
# throttling is done by allauth's login_failed rate limit instead (docs/decisions/0004).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "hiroba.accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "hiroba.core.request_context.client_ip_for_axes"
AXES_LOCKOUT_CALLABLE = "hiroba.accounts.lockout.lockout_response"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Sign-ins are in our own audit log; axes only needs to count failures.
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code"]

# Internationalisation: Japanese first, then やさしい日本語 (its own catalogue, locale/ja_Easy,
# falling back to Japanese, and furigana on the portal's pages) and English. Messages have
# English ids. ``ja-easy`` is described to Django in ``hiroba.core.apps``.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("ja-easy", "やさしい日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "hiroba_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
# The map search a hub's page links its address to ("how to get there"); {query} is the
# address. Empty: no link.
HIROBA_DIRECTIONS_URL = env_str(
    "HIROBA_DIRECTIONS_URL", "https://www.openstreetmap.org/search?query={query}"
)
# URL namespaces whose pages get furigana in やさしい日本語 (the staff console does not).
HIROBA_RUBY_NAMESPACES = ("portal", "evaluation-public")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("HIROBA_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("HIROBA_MEDIA_ROOT", str(VAR_DIR / "media")))

# manage.py backup (decision 0018): where backups go, and the age recipients (public keys,
# "age1…") they are encrypted to. The matching identity (private key) stays off the server.
HIROBA_BACKUP_DIR = Path(env_str("HIROBA_BACKUP_DIR", str(VAR_DIR / "backups")))
HIROBA_BACKUP_RECIPIENTS = env_list("HIROBA_BACKUP_RECIPIENTS", [])
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("HIROBA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("HIROBA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HIROBA_EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("HIROBA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("HIROBA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HIROBA_EMAIL_USE_TLS", False)
# Seconds before a silent mail server is given up on: a send after the response (sign-in links)
# must not hold a worker until gunicorn kills it. Failures are logged.
EMAIL_TIMEOUT = env_int("HIROBA_EMAIL_TIMEOUT", 10, minimum=1, maximum=120)
# Send sign-up e-mails right after the sign-up commits (True), or leave them to
# `manage.py programs_tick` within the minute (False: production default, keeps the sign-up
# request short during a rush).
HIROBA_SEND_MESSAGES_AT_ONCE = env_bool("HIROBA_SEND_MESSAGES_AT_ONCE", True)
# Where parents reach the portal: links in e-mails sent outside a request (reminders, offers).
HIROBA_PUBLIC_URL = env_str("HIROBA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("HIROBA_DEFAULT_FROM_EMAIL", "Hiroba <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The portal's resource map: a tile server URL template (Leaflet's {z}/{x}/{y}) and its
# attribution. Empty tiles show the markers on a blank map; the list works without either.
HIROBA_MAP_TILES = env_str("HIROBA_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
HIROBA_MAP_ATTRIBUTION = env_str(
    "HIROBA_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)
_MAP_TILE_ORIGIN = "/".join(HIROBA_MAP_TILES.split("/")[:3]) if "://" in HIROBA_MAP_TILES else ""

# Security headers that hold in every environment. Cookie and HSTS settings that need TLS are
# switched on in ``production``.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline scripts or styles anywhere: htmx is configured through a <meta> tag and loaded from
# django-htmx's static files. ``data:`` images carry the MFA QR code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_MAP_TILE_ORIGIN] if _MAP_TILE_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],  # no <base> element anywhere (ASVS 3.4.3)
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("HIROBA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Demo data (``manage.py seed_demo``) uses this password for every printed login.
DEMO_PASSWORD = env_str("HIROBA_DEMO_PASSWORD", "hiroba-demo-2026")
