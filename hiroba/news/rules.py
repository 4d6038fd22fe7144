"""The news's municipal rules: its categories (``rule_overrides["news"]["categories"]``, the
shape of ``hiroba.core.categories``) and the limits of a photo."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from hiroba.core.categories import EditableSection
from hiroba.core.categories import register_section as editable_categories
from hiroba.core.rules import RuleVersion, register_section


def _category(code: str, ja: str, en: str) -> dict:
    return {"code": code, "ja": ja, "en": en, "aliases": []}


NEWS_RULES = {
    "categories": [
        _category("notice", "お知らせ", "Notice"),
        _category("event", "イベント・講座", "Events and classes"),
        _category("closure", "休館・開館時間の変更", "Closures and changed hours"),
        _category("recruitment", "募集（ボランティア・サポーター）", "Volunteers wanted"),
        _category("kosapo", "子育てサポートシステム", "Childcare support system"),
        _category("safety", "防災・安全・感染症", "Safety, disasters and illness"),
    ],
}

register_section("national", "news", [RuleVersion(date(2006, 4, 1), NEWS_RULES)])


def _items_with(municipality, code: str) -> int:
    from hiroba.news.models import NewsItem  # noqa: PLC0415 - rules load before models

    return NewsItem.objects.filter(hub__ward__municipality=municipality, category=code).count()


editable_categories(
    EditableSection("news", _("News"), with_aliases=False, count_in_use=_items_with)
)
