from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """利用者支援 (program 7, 横浜子育てパートナー): individual consultation slots the user-support
    specialist publishes and parents book from the portal (with reminders), walk-ins, support
    cases with needs, plan items and linkages to services, and the log of 地域連携 work."""

    name = "hiroba.support"
    label = "support"
    verbose_name = _("User support")

    def ready(self) -> None:
        from hiroba.support import (  # noqa: F401 - registries
            case_dashboard,
            dashboard,
            family_hooks,
        )
