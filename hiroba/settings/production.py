"""Production: DEBUG off, TLS-only cookies, HSTS, SECRET_KEY required.

Run behind a TLS-terminating proxy that sets ``X-Forwarded-Proto`` (see docs/deployment.md).
"""

from django.core.exceptions import ImproperlyConfigured

from hiroba.core.crypto import field_keys_setting
from hiroba.lib.env import env_bool, env_int, env_secret

from .base import *  # noqa: F403
from .base import DEMO_MODE, SECRET_KEY

DEBUG = False
if DEMO_MODE:
    raise ImproperlyConfigured("HIROBA_DEMO must not be set in production.")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "HIROBA_SECRET_KEY (or HIROBA_SECRET_KEY_FILE) must hold at least 50 random characters."
    )
# Field encryption keys (decision 0010): required, and never the public development key.
HIROBA_FIELD_KEYS = field_keys_setting(env_secret("HIROBA_FIELD_KEYS", ""), production=True)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("HIROBA_SSL_REDIRECT", True)
# API clients are refused over plain HTTP (403), never redirected: a client that sent its token
# in clear must notice, not carry on (ASVS 4.1.2; hiroba.api.v1.TokenAuth).
SECURE_REDIRECT_EXEMPT = [r"^api/"]
# Sign-up e-mails go out from `programs_tick` (every minute), not inside the request.
HIROBA_SEND_MESSAGES_AT_ONCE = env_bool("HIROBA_SEND_MESSAGES_AT_ONCE", False)
SECURE_HSTS_SECONDS = env_int("HIROBA_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
