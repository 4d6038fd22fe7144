from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    """The family registry: households, caregivers and children, consent, family cards."""

    name = "hiroba.families"
    label = "families"
    verbose_name = _("Families")

    def ready(self) -> None:
        from hiroba.families import rules  # noqa: F401  (registers the "families" rule section)
