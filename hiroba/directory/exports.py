"""The directory as files: the Digital Agency's 「子育て施設一覧」 columns (自治体標準オープン
データセット) followed by the columns Hiroba keeps beyond the standard, and the same rows as the
JSON feed's records. The importer reads both back (``imports.COLUMNS``)."""

from __future__ import annotations

from collections.abc import Iterable

from hiroba.directory.categories import Category, label_for
from hiroba.directory.choices import AMENITY_FIELDS, Amenity
from hiroba.directory.forms import age_words
from hiroba.directory.models import Resource
from hiroba.lib.csvio import write_csv

# The standard dataset's columns, in its order; the ones Hiroba does not hold stay empty.
STANDARD_COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "名称_英字",
    "種別",
    "所在地_連結表記",
    "所在地_都道府県",
    "所在地_市区町村",
    "所在地_町字",
    "所在地_番地以下",
    "建物名等(方書)",
    "緯度",
    "経度",
    "電話番号",
    "内線番号",
    "FAX番号",
    "法人番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "定員",
    "URL",
    "備考",
]
EXTRA_COLUMNS = [
    "郵便番号",
    "対象年齢",
    "授乳室",
    "おむつ替え",
    "ベビーカー",
    "駐車場",
    "エレベーター",
    "対応言語",
    "料金",
    "最終確認日",
]
AMENITY_HEADERS = {
    Amenity.NURSING_ROOM: "授乳室",
    Amenity.DIAPER_CHANGING: "おむつ替え",
    Amenity.STROLLER: "ベビーカー",
    Amenity.PARKING: "駐車場",
    Amenity.ELEVATOR: "エレベーター",
}


EXPECTING = "妊娠中"


def age_text(resource: Resource, *, with_expecting: bool = False) -> str:
    """「0歳〜3歳」, 「1歳6か月〜」: what ``forms.age_range`` reads back to the same months;
    with ``with_expecting`` 「妊娠中」 is added for entries also for expecting parents."""
    low, high = resource.target_age_min_months, resource.target_age_max_months
    text = ""
    if low is not None or high is not None:
        low_text = age_words(low, upper=False) if low is not None else ""
        high_text = age_words(high, upper=True) if high is not None else ""
        text = f"{low_text}〜{high_text}"
    if with_expecting and resource.for_expecting:
        text = f"{EXPECTING}、{text}" if text else EXPECTING
    return text


OWN_ID_PREFIX = "hiroba-"


def resource_id(resource: Resource) -> str:
    return resource.external_id or f"{OWN_ID_PREFIX}{resource.pk}"


def _row(resource: Resource, categories: list[Category]) -> list[object]:
    municipality = resource.hub.ward.municipality
    coordinate = "{:.6f}".format
    standard = {
        "全国地方公共団体コード": municipality.code,
        "ID": resource_id(resource),
        "地方公共団体名": f"{municipality.prefecture}{municipality.name}",
        "名称": resource.name,
        "名称_カナ": resource.name_kana,
        "名称_英字": (resource.translations.get("en") or {}).get("name", ""),
        "種別": label_for(resource.category, categories, "ja"),
        "所在地_連結表記": resource.address,
        "緯度": coordinate(resource.latitude) if resource.has_location else "",
        "経度": coordinate(resource.longitude) if resource.has_location else "",
        "電話番号": resource.phone,
        "利用可能日時特記事項": resource.hours,
        "URL": resource.url,
        "備考": resource.description,
    }
    extra = {
        "郵便番号": resource.postal_code,
        "対象年齢": age_text(resource, with_expecting=True),
        **{
            header: "有" if getattr(resource, AMENITY_FIELDS[code]) else "無"
            for code, header in AMENITY_HEADERS.items()
        },
        "対応言語": ",".join(resource.languages),
        "料金": resource.cost,
        "最終確認日": resource.verified_on.isoformat() if resource.verified_on else "",
    }
    return [standard.get(c, "") for c in STANDARD_COLUMNS] + [extra[c] for c in EXTRA_COLUMNS]


def open_data_csv(resources: Iterable[Resource], categories: list[Category]) -> bytes:
    rows = [_row(r, categories) for r in resources]
    return write_csv(rows, STANDARD_COLUMNS + EXTRA_COLUMNS)
