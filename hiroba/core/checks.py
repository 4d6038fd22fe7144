"""System checks for settings that would be unsafe together."""

from django.conf import settings
from django.core.checks import Error, register


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
