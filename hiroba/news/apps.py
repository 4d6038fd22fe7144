from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """News and announcements (お知らせ) a hub posts for parents: scheduled publication and
    expiry, categories, an optional photo stripped of its metadata, text per language with
    やさしい日本語 and English beside the Japanese, and the portal's Atom feeds (program 3)."""

    name = "hiroba.news"
    label = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from hiroba.news import rules  # noqa: F401 - categories
