"""Importing resources from a spreadsheet: the Digital Agency's 自治体標準オープンデータセット
「子育て施設一覧」 as the city publishes it, or a plain CSV or workbook a hub keeps.

The whole file is checked before anything is written; the preview lists every bad row with its
row number, column and reason, and nothing is imported until the file is clean (the same
dry run as the family and tally imports). Shift_JIS or UTF-8, a title row above the header,
full-width digits and blank rows are all normal. A row whose ID is already in the directory
updates that entry, as does a row with the same name and address, so importing the city's
next file again updates rather than duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.spreadsheets import (
    CellProblem,
    SpreadsheetError,
    read_data_rows,
    shown_problems,
)
from hiroba.directory import services
from hiroba.directory.categories import Category, categories_for, match_category
from hiroba.directory.choices import AMENITY_FIELDS, Amenity, ResourceSource
from hiroba.directory.exports import resource_id
from hiroba.directory.forms import SPOKEN_LANGUAGES, age_range, parse_coordinate
from hiroba.directory.models import Resource, location_errors
from hiroba.families.services import registry_hub
from hiroba.lib.csvio import CsvRow
from hiroba.lib.errors import InputError
from hiroba.lib.text import normalize_phone, normalize_postal_code

MAX_ROWS = 3000
PREVIEW_LIMIT = 100

COLUMNS: dict[str, list[str]] = {
    "external_id": ["ID", "NO", "番号"],
    "name": ["名称", "施設名", "施設名称", "name"],
    "name_kana": ["名称_カナ", "名称カナ", "フリガナ", "ふりがな", "施設名カナ", "kana"],
    "name_en": ["名称_英字", "英語名", "name_en"],
    "category": ["種別", "カテゴリ", "カテゴリー", "分類", "施設種別", "category"],
    "address": ["所在地_連結表記", "住所", "所在地", "address"],
    "postal_code": ["郵便番号", "〒", "postal_code"],
    "latitude": ["緯度", "lat", "latitude"],
    "longitude": ["経度", "lng", "lon", "longitude"],
    "phone": ["電話番号", "電話", "TEL", "phone"],
    "url": ["URL", "ホームページ", "ウェブサイト", "web"],
    "days": ["利用可能曜日", "開館日", "曜日"],
    "opens": ["開始時間", "開館時間"],
    "closes": ["終了時間", "閉館時間"],
    "hours_note": ["利用可能日時特記事項", "利用時間", "時間", "hours"],
    "target_age": ["対象年齢", "対象", "target_age"],
    "cost": ["料金", "利用料", "費用", "cost"],
    "description": ["備考", "説明", "紹介", "description"],
    "languages": ["対応言語", "言語", "languages"],
    Amenity.NURSING_ROOM: ["授乳室", "授乳スペース"],
    Amenity.DIAPER_CHANGING: ["おむつ替え", "おむつ交換", "おむつ替えスペース"],
    Amenity.STROLLER: ["ベビーカー", "ベビーカー可", "ベビーカー入館"],
    Amenity.PARKING: ["駐車場"],
    Amenity.ELEVATOR: ["エレベーター", "エレベータ"],
}
REQUIRED = ["name"]
YES = {"有", "あり", "有り", "○", "〇", "◯", "1", "yes", "y", "true", "可"}
NO = {"", "無", "なし", "無し", "×", "✕", "-", "0", "no", "n", "false", "不可"}
LANGUAGE_NAMES = {
    "英語": "en",
    "中国語": "zh",
    "韓国語": "ko",
    "朝鮮語": "ko",
    "ベトナム語": "vi",
    "タガログ語": "tl",
    "フィリピノ語": "tl",
    "ポルトガル語": "pt",
    "スペイン語": "es",
    "ネパール語": "ne",
}


# The file's columns each value is read from; a value whose columns are all absent is not set.
VALUE_SOURCES: dict[str, tuple[str, ...]] = {
    "name_kana": ("name_kana",),
    "address": ("address",),
    "url": ("url",),
    "hours": ("days", "opens", "closes", "hours_note"),
    "cost": ("cost",),
    "description": ("description",),
    "category": ("category",),
    "translations": ("name_en",),
    "postal_code": ("postal_code",),
    "phone": ("phone",),
    "latitude": ("latitude",),
    "longitude": ("longitude",),
    "target_age_min_months": ("target_age",),
    "target_age_max_months": ("target_age",),
    "for_expecting": ("target_age",),
    "languages": ("languages",),
    **{field_name: (code,) for code, field_name in AMENITY_FIELDS.items()},
}


def _absent_values(present: frozenset[str]) -> list[str]:
    return [name for name, sources in VALUE_SOURCES.items() if not set(sources) & present]


EXPECTING_WORDS = re.compile(r"(妊娠中の方|妊娠中|妊産婦|妊婦|プレママ|プレパパ)(の方)?")
# Column → (value, longest text the entry holds).
LIMITS = {
    "name": 100,
    "name_kana": 200,
    "address": 200,
    "hours": 200,
    "cost": 100,
    "description": 1000,
    "url": 200,
    "external_id": 64,
}


class Problem(CellProblem):
    COLUMNS = COLUMNS


@dataclass
class Draft:
    """One row of the file, read into the service's keyword arguments."""

    line: int
    values: dict
    external_id: str = ""
    existing: Resource | None = None

    @property
    def name(self) -> str:
        return self.values["name"]


@dataclass
class ResourceImportPlan:
    rows: int = 0
    drafts: list[Draft] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def new(self) -> list[Draft]:
        return [d for d in self.drafts if d.existing is None]

    @property
    def updated(self) -> list[Draft]:
        return [d for d in self.drafts if d.existing is not None]

    @property
    def preview(self) -> list[Draft]:
        return self.drafts[:PREVIEW_LIMIT]

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.drafts)


class ImportRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def plan_resource_import(hub: Hub, data: bytes) -> ResourceImportPlan:
    """Read and check the whole file; write nothing."""
    owner = registry_hub(hub)
    plan = ResourceImportPlan()
    try:
        table = read_data_rows(data, columns=COLUMNS, required=REQUIRED, max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        plan.errors.append(error.message)
        return plan
    plan.rows = len(table.rows)
    categories = categories_for(owner.ward.municipality)
    problems: list[Problem] = []
    absent = _absent_values(table.fields)
    for row in table.rows:
        draft = _read_row(row, categories, problems)
        if draft is not None:
            plan.drafts.append(draft)
    _check_duplicates(plan.drafts, problems)
    _match_existing(owner, plan.drafts)
    for draft in plan.updated:  # a column the file lacks leaves what staff wrote alone
        for name in absent:
            draft.values.pop(name, None)
    plan.errors = shown_problems([str(p) for p in problems])
    return plan


def apply_resource_import(hub: Hub, data: bytes, *, actor) -> ResourceImportPlan:
    """Import exactly what the preview showed, in one transaction, or nothing."""
    with transaction.atomic():
        plan = plan_resource_import(hub, data)
        if not plan.can_apply:
            raise ImportRefused(plan.errors or [_("The file has no rows.")])
        for draft in plan.drafts:
            _save(hub, draft, actor)
        audit.record(
            "directory.resource.imported",
            actor=actor,
            hub=registry_hub(hub),
            payload={"new": len(plan.new), "updated": len(plan.updated)},
        )
    return plan


def _save(hub: Hub, draft: Draft, actor) -> None:
    try:
        if draft.existing is None:
            services.create_resource(
                hub, actor=actor, source=ResourceSource.IMPORT, verified=False, **draft.values
            )
        else:
            if "translations" in draft.values:  # the file's English name; the rest is kept
                merged = {**draft.existing.translations}
                merged["en"] = {
                    **merged.get("en", {}),
                    **draft.values["translations"].get("en", {}),
                }
                draft.values["translations"] = merged
            services.update_resource(
                draft.existing,
                actor=actor,
                revision=draft.existing.revision,
                verified=False,
                **draft.values,
            )
    except (ValidationError, services.DirectoryError) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        raise ImportRefused(
            [_("Row {row}: {message}").format(row=draft.line, message=" ".join(messages))]
        ) from error


# -- reading one row -------------------------------------------------------------------------------
def _read_row(row: CsvRow, categories, problems: list[Problem]) -> Draft | None:
    v = row.values
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(Problem(row.line, column, message))

    if not v["name"]:
        problem("name", _("the name is empty."))
    values: dict = {
        "name": v["name"],
        "name_kana": v["name_kana"],
        "address": v["address"],
        "url": v["url"],
        "hours": _hours(v),
        "cost": v["cost"],
        "description": v["description"],
        "category": _category(v["category"], categories, problem),
        "translations": {"en": {"name": v["name_en"]}} if v["name_en"] else {},
    }
    values["postal_code"] = _postal_code(v["postal_code"], problem)
    values["phone"] = _phone(v["phone"], problem)
    values.update(_location(v, problem))
    values.update(_ages(v["target_age"], problem))
    values.update(_amenities(v, problem))
    values["languages"] = _languages(v["languages"], problem)
    _check_text(v, values, problem)
    if len(problems) > before:
        return None
    if v["external_id"]:
        values["external_id"] = v["external_id"]
    return Draft(row.line, values, external_id=v["external_id"])


def _check_text(v: dict, values: dict, problem) -> None:
    for column, limit in LIMITS.items():
        text = values.get(column, v.get(column, ""))
        if len(text) > limit:
            source = column if column in COLUMNS else "hours_note"
            problem(source, _("longer than {max} characters.").format(max=limit))
    if v["url"]:
        try:
            URLValidator(schemes=["http", "https"])(v["url"])
        except ValidationError:
            problem("url", _("the web page must be an address starting with http:// or https://."))


def _category(text: str, categories: list[Category], problem) -> str:
    if not text:
        return "other"
    found = match_category(text, categories)
    if found is None:
        known = "、".join(c.ja for c in categories)
        problem(
            "category",
            _("「{text}」 is not a category. Use one of: {known}.").format(text=text, known=known),
        )
        return ""
    return found.code


def _postal_code(text: str, problem) -> str:
    if not text:
        return ""
    try:
        return normalize_postal_code(text)
    except InputError:
        problem("postal_code", _("the postal code must have 7 digits."))
        return ""


def _phone(text: str, problem) -> str:
    if not text:
        return ""
    try:
        return normalize_phone(text)
    except InputError:
        problem("phone", _("「{text}」 is not a Japanese phone number.").format(text=text))
        return ""


def _location(v: dict, problem) -> dict:
    try:
        latitude = parse_coordinate(v["latitude"])
        longitude = parse_coordinate(v["longitude"])
    except ValueError:
        problem("latitude", _("the latitude and longitude must be decimal degrees."))
        return {}
    if (latitude is None) != (longitude is None):
        problem("longitude", _("give both the latitude and the longitude, or neither."))
        return {}
    if latitude is not None:
        for column, message in location_errors(float(latitude), float(longitude)).items():
            problem(column, message)
    return {"latitude": latitude, "longitude": longitude}


def _ages(text: str, problem) -> dict:
    expecting = bool(EXPECTING_WORDS.search(text))
    text = EXPECTING_WORDS.sub("", text).strip(" 、,・")
    try:
        low, high = age_range(text)
    except InputError:
        problem(
            "target_age", _("「{text}」 is not an age range (write e.g. 0〜3歳).").format(text=text)
        )
        return {}
    if low is not None and high is not None and low > high:
        problem("target_age", _("the upper age is below the lower age."))
    return {
        "target_age_min_months": low,
        "target_age_max_months": high,
        "for_expecting": expecting,
    }


def _amenities(v: dict, problem) -> dict:
    values = {}
    for code, field_name in AMENITY_FIELDS.items():
        text = v[code].casefold()
        if text in YES:
            values[field_name] = True
        elif text in NO:
            values[field_name] = False
        else:
            problem(code, _("write 有 or 無 (or leave it empty)."))
    return values


def _languages(text: str, problem) -> list[str]:
    codes = {code for code, _label in SPOKEN_LANGUAGES}
    found: list[str] = []
    for part in filter(None, (p.strip() for p in text.replace("、", ",").split(","))):
        code = LANGUAGE_NAMES.get(part, part.lower())
        if code in {"ja", "日本語"}:
            continue
        if code not in codes:
            problem("languages", _("「{text}」 is not a language we know.").format(text=part))
            continue
        if code not in found:
            found.append(code)
    return found


def _hours(v: dict) -> str:
    times = f"{v['opens']}〜{v['closes']}" if v["opens"] or v["closes"] else ""
    parts = [p for p in (v["days"], times, v["hours_note"]) if p]
    # Shift_JIS's wave dash comes out of NFKC as "~"; hours read better with 〜 again.
    return " ".join(parts).replace("~", "〜")


# -- the file as a whole ---------------------------------------------------------------------------
def _check_duplicates(drafts: list[Draft], problems: list[Problem]) -> None:
    seen_ids: dict[str, int] = {}
    for draft in drafts:
        if not draft.external_id:
            continue
        if draft.external_id in seen_ids:
            problems.append(
                Problem(
                    draft.line,
                    "external_id",
                    _("the ID {id} is also on row {row}.").format(
                        id=draft.external_id, row=seen_ids[draft.external_id]
                    ),
                )
            )
        seen_ids.setdefault(draft.external_id, draft.line)


def _match_existing(owner: Hub, drafts: list[Draft]) -> None:
    """By ID first, then by name and address: importing a file again updates its rows."""
    rows = list(Resource.objects.filter(hub=owner))
    by_id = {r.external_id: r for r in rows if r.external_id}
    by_id.update({resource_id(r): r for r in rows if not r.external_id})  # our own export
    by_place = {(r.name, r.address): r for r in rows}
    for draft in drafts:
        draft.existing = by_id.get(draft.external_id) or by_place.get(
            (draft.values["name"], draft.values["address"])
        )
