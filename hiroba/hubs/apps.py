from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    """Hub administration: dashboard, hub profile, venues, districts, audit log browser."""

    name = "hiroba.hubs"
    label = "hubs"
    verbose_name = _("Hub administration")
