"""System checks for settings that would be unsafe together."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from hiroba.core import crypto


@register("security", deploy=False)
def demo_mode_needs_debug(app_configs, **kwargs):
    if getattr(settings, "DEMO_MODE", False) and not settings.DEBUG:
        return [
            Error(
                "HIROBA_DEMO is on while DEBUG is off.",
                hint="Demo mode relaxes two-factor enrolment; it is only for local demos.",
                id="hiroba.E001",
            )
        ]
    return []


@register("security", deploy=True)
def field_key_is_not_the_development_key(app_configs, **kwargs):
    """The development field key is public (it is in the source), so values it encrypts are
    not protected. The production settings refuse it too; this also catches other settings."""
    try:
        development = crypto.current_key_is_development_key()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="hiroba.E003")]
    if development:
        return [
            Error(
                "The current field encryption key is the public development key.",
                hint="Set HIROBA_FIELD_KEYS; manage.py generate_field_key prints a key.",
                id="hiroba.E002",
            )
        ]
    return []
