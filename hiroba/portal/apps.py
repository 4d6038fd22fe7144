from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Parent-facing pages. No models of its own: it reads other apps' queries."""

    name = "hiroba.portal"
    label = "portal"
    verbose_name = _("Parent portal")
