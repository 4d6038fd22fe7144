from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    """The drop-in space: check-in at reception, the today board, daily logs and statistics."""

    name = "hiroba.visits"
    label = "visits"
    verbose_name = _("Drop-in visits")
