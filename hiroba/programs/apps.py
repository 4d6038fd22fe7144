from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Classes and events (講座・イベント): sessions, eligibility, sign-up with capacity in
    families and people, lotteries, family waitlists with time-limited offers, attendance."""

    name = "hiroba.programs"
    label = "programs"
    verbose_name = _("Programs and sign-up")

    def ready(self) -> None:
        from hiroba.programs import (  # noqa: F401 - register the rule section and family hooks
            family_hooks,
            rules,
        )
