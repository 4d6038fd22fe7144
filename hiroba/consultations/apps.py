from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """子育て相談 (program 2): confidential consultation records with coded topics, consented
    referrals to agencies, follow-ups, need-to-know access with break-glass, and an audit of
    every read of their content."""

    name = "hiroba.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from hiroba.consultations import (  # noqa: F401 - family hooks, default topics, panels
            dashboard,
            family_hooks,
            signals,
        )
