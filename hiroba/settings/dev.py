"""Local development and the demo: DEBUG on unless the environment says otherwise."""

from hiroba.lib.env import env_bool, env_secret

from .base import *  # noqa: F403

DEBUG = env_bool("HIROBA_DEBUG", True)
# A fixed development key is acceptable only because DEBUG never runs in production
# (the production settings require HIROBA_SECRET_KEY).
SECRET_KEY = env_secret("HIROBA_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-3f9a")
