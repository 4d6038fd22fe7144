from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hiroba.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from hiroba.accounts import permissions, signals  # noqa: F401

        # Every app declares its permissions (permissions.py) and console entries (navigation.py).
        autodiscover_modules("permissions")
        autodiscover_modules("navigation")
