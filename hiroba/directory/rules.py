"""The directory's municipal rules: its categories and how old a verification may grow.

Categories are configurable per municipality (``rule_overrides["directory"]["categories"]``):
each has a stable ``code`` kept on the resource, the Japanese label, an English label and the
words that name it in other files (``aliases``: the 種別 of an open-data file, older spellings),
which the import matches after normalising width and kana.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from hiroba.core.categories import EditableSection
from hiroba.core.categories import register_section as editable_categories
from hiroba.core.rules import RuleVersion, register_section


def _category(code: str, ja: str, en: str, *aliases: str) -> dict:
    return {"code": code, "ja": ja, "en": en, "aliases": list(aliases)}


CATEGORIES = [
    _category("park", "公園・遊び場", "Parks and playgrounds", "公園", "遊び場", "児童遊園"),
    _category(
        "circle",
        "子育てサロン・サークル",
        "Parenting salons and circles",
        "子育てサロン",
        "サロン",
        "サークル",
        "子育てサークル",
    ),
    _category(
        "tsudoi",
        "親と子のつどいの広場",
        "Parent and child drop-in rooms",
        "つどいの広場",
        "親と子のつどいの広場",
        "子育て支援拠点",
        "地域子育て支援拠点",
    ),
    _category(
        "childcare",
        "保育施設",
        "Nurseries and kindergartens",
        "保育所",
        "保育園",
        "認定こども園",
        "こども園",
        "幼稚園",
        "小規模保育事業",
        "家庭的保育事業",
    ),
    _category(
        "temporary_care",
        "一時預かり",
        "Temporary childcare",
        "一時保育",
        "一時預かり事業",
        "24時間型緊急一時保育",
    ),
    _category(
        "medical",
        "医療機関",
        "Clinics and hospitals",
        "病院",
        "診療所",
        "小児科",
        "医療機関",
        "病児保育",
    ),
    _category(
        "consultation",
        "相談窓口",
        "Where to ask for advice",
        "相談",
        "相談窓口",
        "こども家庭センター",
        "こども家庭支援課",
    ),
    _category(
        "baby_station",
        "授乳室・おむつ替え",
        "Nursing rooms and diaper changing",
        "授乳室",
        "おむつ替え",
        "赤ちゃんの駅",
        "赤ちゃん休憩室",
    ),
    _category(
        "care_plaza",
        "地域ケアプラザ",
        "Community care plazas",
        "ケアプラザ",
        "地域ケアプラザ",
        "地区センター",
        "コミュニティハウス",
    ),
    _category("library", "図書館", "Libraries", "図書館", "図書室"),
    _category(
        "children_centre",
        "児童館・放課後の居場所",
        "Children's centres and after school",
        "児童館",
        "放課後キッズクラブ",
        "放課後児童クラブ",
        "学童",
    ),
    _category("other", "その他", "Other"),
]

DIRECTORY_RULES = {
    "categories": CATEGORIES,
    # An entry verified longer ago than this is flagged for staff (issue 7: 12 months).
    "reverify_after_months": 12,
    # A decided suggestion keeps its sender's name and contact this long (days), for a question
    # back; then they are erased (``directory_tick``).
    "suggestion_contact_keep_days": 90,
    # The licence printed in the open data feeds and exports.
    "licence_name": "CC BY 4.0",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
}

register_section("national", "directory", [RuleVersion(date(2006, 4, 1), DIRECTORY_RULES)])


def _resources_with(municipality, code: str) -> int:
    from hiroba.directory.models import Resource  # noqa: PLC0415 - rules load before models

    return Resource.objects.filter(hub__ward__municipality=municipality, category=code).count()


editable_categories(
    EditableSection(
        "directory",
        _("Resource directory"),
        with_aliases=True,
        count_in_use=_resources_with,
    )
)
