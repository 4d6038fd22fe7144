"""Reading one row of the family-card spreadsheet (see ``hiroba.families.imports``).

Each cell is normalised the way the registry's forms do it (furigana, phone, postal code,
和暦 or 西暦 dates); a bad cell becomes a ``Problem`` naming the row, the column and why, and is
read as empty so that every problem of the file is found in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.core.input_errors import message_for
from hiroba.core.spreadsheets import CellProblem
from hiroba.families.choices import Language, MemberKind, Relation, Sex
from hiroba.families.models import Household, Member
from hiroba.families.services import MemberData
from hiroba.lib import kana, text, wareki
from hiroba.lib.csvio import CsvRow
from hiroba.lib.errors import InputError

FAMILY_COLUMNS = {
    "card_number": ["カード番号", "カードNo", "カードNo.", "会員番号", "登録番号", "card_number"],
    "registered_on": ["登録日", "登録年月日", "registered_on", "registration date"],
    "caregiver_name": ["保護者氏名", "保護者名", "保護者", "caregiver_name", "caregiver"],
    "caregiver_kana": [
        "保護者ふりがな",
        "保護者フリガナ",
        "保護者かな",
        "保護者カナ",
        "caregiver_kana",
        "caregiver furigana",
    ],
    "relation": ["続柄", "続き柄", "relation", "relationship"],
    "phone": ["電話", "電話番号", "携帯電話", "携帯番号", "TEL", "phone"],
    "email": ["メール", "メールアドレス", "Eメール", "email", "e-mail"],
    "postal_code": ["郵便番号", "〒", "postal_code", "postal code", "zip"],
    "address": ["住所", "address"],
    "child_name": ["子ども氏名", "子ども名", "子どもの名前", "子供氏名", "子氏名", "child_name"],
    "child_kana": [
        "子どもふりがな",
        "子どもフリガナ",
        "子供ふりがな",
        "子ふりがな",
        "child_kana",
        "child furigana",
    ],
    "birth_date": ["生年月日", "誕生日", "子ども生年月日", "birth_date", "date of birth"],
    "due_date": ["出産予定日", "予定日", "due_date", "due date"],
    "sex": ["性別", "sex"],
    "language": ["言語", "使用言語", "language"],
    "notes": ["備考", "メモ", "notes"],
}
REQUIRED_COLUMNS = ("card_number", "registered_on", "caregiver_name", "caregiver_kana")
CHILD_COLUMNS = ("child_name", "child_kana", "birth_date", "due_date", "sex")
NAME_MAX = Member._meta.get_field("family_name").max_length
KANA_MAX = Member._meta.get_field("family_name_kana").max_length
CARD_NUMBER_MAX = Household._meta.get_field("card_number").max_length
ADDRESS_MAX = Household._meta.get_field("address_region").max_length
NOTES_MAX = 2000


def _key(value: str) -> str:
    return "".join(kana.nfkc(value).casefold().split())


def _lookup(*pairs: tuple[str, list[str]]) -> dict[str, str]:
    return {_key(word): value for value, words in pairs for word in words}


RELATIONS = _lookup(
    (Relation.MOTHER, ["母", "母親", "ママ", "お母さん", "mother", "mom"]),
    (Relation.FATHER, ["父", "父親", "パパ", "お父さん", "father", "dad"]),
    (Relation.GRANDMOTHER, ["祖母", "おばあちゃん", "grandmother"]),
    (Relation.GRANDFATHER, ["祖父", "おじいちゃん", "grandfather"]),
    (Relation.OTHER, ["その他", "他", "other"]),
)
SEXES = _lookup(
    (Sex.FEMALE, ["女", "女の子", "女児", "F", "female", "girl"]),
    (Sex.MALE, ["男", "男の子", "男児", "M", "male", "boy"]),
)
LANGUAGES = _lookup(
    *[(code, [code]) for code in Language.values],
    (Language.JAPANESE, ["日本語", "Japanese"]),
    (Language.EASY_JAPANESE, ["やさしい日本語", "Easy Japanese"]),
    (Language.ENGLISH, ["英語", "English"]),
    (Language.CHINESE, ["中国語", "Chinese"]),
    (Language.KOREAN, ["韓国語", "朝鮮語", "Korean"]),
    (Language.VIETNAMESE, ["ベトナム語", "Vietnamese"]),
    (Language.TAGALOG, ["タガログ語", "フィリピン語", "Tagalog"]),
    (Language.PORTUGUESE, ["ポルトガル語", "Portuguese"]),
    (Language.SPANISH, ["スペイン語", "Spanish"]),
    (Language.NEPALI, ["ネパール語", "Nepali"]),
    (Language.OTHER, ["その他", "other"]),
)


@dataclass(frozen=True)
class Problem(CellProblem):
    COLUMNS = FAMILY_COLUMNS


@dataclass
class Child:
    line: int
    name: str
    kana: str
    birth_date: date | None
    due_date: date | None
    sex: str


# -- reading one row -----------------------------------------------------------------------------
class Row:
    """Typed values of one row; bad cells are added to ``problems`` and read as empty."""

    def __init__(self, row: CsvRow, problems: list[Problem]) -> None:
        self.line = row.line
        self.values = row.values
        self.problems = problems

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, str(message)))

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def date(self, column: str, *, past_only: bool = True) -> date | None:
        raw = self.get(column)
        if not raw:
            return None
        try:
            parsed = wareki.parse_date(raw)
        except InputError as error:
            self.fail(
                column, _("cannot be read as a date ({reason})").format(reason=message_for(error))
            )
            return None
        if past_only and parsed > timezone.localdate():
            self.fail(column, _("the date is in the future"))
            return None
        return parsed

    def choice(self, column: str, table: dict[str, str], accepted: str) -> str:
        raw = self.get(column)
        if not raw:
            return ""
        value = table.get(_key(raw))
        if value is None:
            self.fail(
                column,
                _("“{value}” is not understood. Use {accepted}.").format(
                    value=raw, accepted=accepted
                ),
            )
            return ""
        return value

    def name(self, column: str, *, kana_reading: bool) -> str:
        raw = self.get(column)
        if not raw or not kana_reading:
            return raw
        try:
            return kana.normalize_furigana(raw)
        except InputError as error:
            self.fail(column, message_for(error))
            return ""

    def card_number(self) -> str:
        raw = self.get("card_number").upper()
        if not raw:
            self.fail("card_number", _("the card number is empty"))
        elif len(raw) > CARD_NUMBER_MAX:
            self.fail("card_number", _("longer than {max} characters").format(max=CARD_NUMBER_MAX))
            return ""
        # Excel drops leading zeros of numbers; the registry writes numbers as 6 digits.
        return raw.zfill(6) if raw.isascii() and raw.isdigit() else raw

    def phone(self) -> str:
        raw = self.get("phone")
        if not raw:
            return ""
        digits = raw.replace("-", "")
        if digits.isascii() and digits.isdigit() and len(digits) in (9, 10) and digits[0] != "0":
            raw = "0" + digits  # a number that Excel stored as a number lost its leading 0
        try:
            return text.normalize_phone(raw)
        except InputError as error:
            self.fail("phone", message_for(error))
            return ""

    def email(self) -> str:
        raw = self.get("email")
        if not raw:
            return ""
        try:
            address = text.normalize_email(raw)
            validate_email(address)
        except (InputError, ValidationError):
            self.fail("email", _("not a valid e-mail address"))
            return ""
        return address

    def postal_code(self) -> str:
        raw = self.get("postal_code")
        if raw.isascii() and raw.isdigit() and 5 <= len(raw) < 7:
            raw = raw.zfill(7)  # Hokkaido codes (0xx-xxxx) stored as numbers
        if not raw:
            return ""
        try:
            return text.normalize_postal_code(raw)
        except InputError as error:
            self.fail("postal_code", message_for(error))
            return ""

    def address(self) -> tuple[str, str]:
        """(town part, block and building): split before the first digit."""
        raw = self.get("address")
        position = next((i for i, char in enumerate(raw) if char.isdigit()), len(raw))
        region, rest = raw[:position].strip(), raw[position:].strip()
        if len(region) > ADDRESS_MAX or len(rest) > ADDRESS_MAX:
            self.fail("address", _("the address is too long"))
            return "", ""
        return region, rest


def split(full: str) -> tuple[str, str]:
    family, _sep, given = full.partition(" ")
    return family, given


def _check_length(row: Row, column: str, parts: tuple[str, str], limit: int) -> bool:
    if any(len(part) > limit for part in parts):
        row.fail(column, _("longer than {max} characters").format(max=limit))
        return False
    return True


def read_caregiver(row: Row) -> tuple[MemberData | None, bool]:
    """The caregiver of the row (None if the row names none) and whether 続柄 was empty."""
    name = row.get("caregiver_name")
    if not name:
        if row.get("caregiver_kana"):
            row.fail("caregiver_name", _("the name is empty but the furigana is filled in"))
        return None, False
    reading = row.name("caregiver_kana", kana_reading=True)
    if not reading and not row.get("caregiver_kana"):
        row.fail("caregiver_kana", _("the furigana is empty"))
    relation = row.choice("relation", RELATIONS, "母, 父, 祖母, 祖父, その他")
    names, readings = split(name), split(reading)
    ok = _check_length(row, "caregiver_name", names, NAME_MAX)
    ok = _check_length(row, "caregiver_kana", readings, KANA_MAX) and ok
    member = MemberData(
        kind=MemberKind.CAREGIVER,
        family_name=names[0],
        given_name=names[1],
        family_name_kana=readings[0],
        given_name_kana=readings[1],
        relation=relation or Relation.OTHER,
        phone=row.phone(),
        email=row.email(),
    )
    return (member if ok and reading else None), not row.get("relation")


def read_child(row: Row) -> Child | None:
    if not any(row.get(column) for column in CHILD_COLUMNS):
        return None
    child = Child(
        line=row.line,
        name=row.get("child_name"),
        kana=row.name("child_kana", kana_reading=True),
        birth_date=row.date("birth_date"),
        due_date=row.date("due_date", past_only=False),
        sex=row.choice("sex", SEXES, "男, 女"),
    )
    if child.name and not child.kana and not row.get("child_kana"):
        row.fail("child_kana", _("the furigana is empty"))
    if child.kana and not child.name:
        row.fail("child_name", _("the name is empty but the furigana is filled in"))
    has_date = row.get("birth_date") or row.get("due_date")
    if not has_date:
        row.fail("birth_date", _("enter the date of birth, or the due date in 出産予定日"))
    elif child.due_date is None and not child.name:
        row.fail("child_name", _("the name is empty"))
    return child


def read_household(row: Row) -> dict[str, object]:
    region, rest = row.address()
    values = {
        "registered_on": row.date("registered_on"),
        "postal_code": row.postal_code(),
        "address_region": region,
        "address_rest": rest,
        "language": row.choice("language", LANGUAGES, "日本語, 英語, 中国語 …"),
    }
    return {name: value for name, value in values.items() if value}
