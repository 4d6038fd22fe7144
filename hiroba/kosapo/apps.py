from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KosapoConfig(AppConfig):
    """子育てサポートシステム (子サポ, program 6): the ward branch's members (users and providers),
    their training, the fee engine with effective-dated fee tables, trial coupons and the city's
    benefit to providers; provider profiles, requests and matching (decision 0012). Pre-meetings,
    activities and the monthly money follow in later slices."""

    name = "hiroba.kosapo"
    label = "kosapo"
    verbose_name = _("Kosapo family support")

    def ready(self) -> None:
        from hiroba.kosapo import rules  # noqa: F401 - registers the rule sections
