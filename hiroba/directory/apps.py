from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The local resource directory (社会資源): the places and services a hub points parents to,
    kept verified, suggested by parents and partners, shown on the portal's map and list and
    exchanged as open data (program 3, 情報収集・提供)."""

    name = "hiroba.directory"
    label = "directory"
    verbose_name = _("Resource directory")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hiroba.directory import dashboard, rules  # noqa: F401 - card, categories
