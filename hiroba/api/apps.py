from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The versioned integration API (``/api/v1/``) for other systems: programs and their
    sessions, sign-up and cancellation, the resource directory and published statistics,
    with tokens a hub manager issues for one hub, to read or to read and write (decision 0019)."""

    name = "hiroba.api"
    label = "api"
    verbose_name = _("Integration API")
    default_auto_field = "django.db.models.BigAutoField"
