"""Local development and the demo: DEBUG on unless the environment says otherwise."""

from django.core.exceptions import ImproperlyConfigured

from hiroba.core.crypto import field_keys_setting
from hiroba.lib.env import env_bool, env_secret

from .base import *  # noqa: F403

DEBUG = env_bool("HIROBA_DEBUG", True)
if DEMO_MODE and not DEBUG:  # noqa: F405
    raise ImproperlyConfigured("HIROBA_DEMO needs HIROBA_DEBUG: demo mode relaxes two-factor.")
SECRET_KEY = env_secret("HIROBA_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set HIROBA_SECRET_KEY (or HIROBA_SECRET_KEY_FILE) when HIROBA_DEBUG is off."
        )
    # A fixed key is acceptable only with DEBUG on, which never happens in production.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-3f9a"  # noqa: S105
# Field encryption keys (decision 0010); unset, the public development key "dev1".
HIROBA_FIELD_KEYS = field_keys_setting(env_secret("HIROBA_FIELD_KEYS", ""), production=False)
