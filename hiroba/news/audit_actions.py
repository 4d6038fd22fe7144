from django.utils.translation import gettext_lazy as _

from hiroba.core.audit import register_actions

register_actions(
    {
        "news.item.created": _("News item written"),
        "news.item.updated": _("News item corrected"),
        "news.item.image_changed": _("News item image replaced or removed"),
        "news.item.withdrawn": _("News item withdrawn"),
    }
)
