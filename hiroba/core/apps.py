from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "hiroba.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from hiroba.core import append_only, audit, checks  # noqa: F401  (registers actions and checks)

        # Each app may contribute demo data (demo.py) and audit action labels (audit_actions.py).
        autodiscover_modules("audit_actions")
        autodiscover_modules("demo")  # steps register with core.demodata
        _describe_easy_japanese()


def _describe_easy_japanese() -> None:
    """Tell Django's language table about やさしい日本語 (``ja-easy``), which it does not know:
    the language switcher and ``get_language_info`` read its names from there."""
    from django.conf.locale import LANG_INFO  # noqa: PLC0415 - only once the app is ready

    LANG_INFO.setdefault(
        "ja-easy",
        {"bidi": False, "code": "ja-easy", "name": "Easy Japanese", "name_local": "やさしい日本語"},
    )
