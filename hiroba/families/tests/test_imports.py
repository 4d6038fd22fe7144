"""Importing old family cards: encodings, Excel, normalisation, previews, all-or-nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.families import imports
from hiroba.families.choices import MemberKind, RegistrationSource, Relation, Sex
from hiroba.families.models import Household, Member
from hiroba.families.tests.factories import family

pytestmark = pytest.mark.django_db

HEADER = (
    "カード番号,登録日,保護者氏名,保護者ふりがな,続柄,電話,メール,郵便番号,住所,"
    "子ども氏名,子どもふりがな,生年月日,出産予定日"
)
ROWS = [
    "123,R5.4.1,髙橋 花子,たかはし はなこ,母,090-1234-5678,hana@example.jp,225-0002,"
    "横浜市青葉区美しが丘1-2-3,太郎,たろう,2022/10/5,",
    "123,,,,,,,,,次郎,ｼﾞﾛｳ,令和6年1月20日,",
    "123,,髙橋 一郎,タカハシ イチロウ,父,08011112222,,,,,,,",
    "７,２０２３年５月８日,山﨑 桃子,ヤマサキ モモコ,母,０４５－１２３－４５６７,,,,,,,2026/12/24",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return client


@pytest.fixture
def english(client):
    """Pages in English, so messages can be compared with their English ids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _csv(*rows, header=HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def _upload(client, content, name="cards.csv"):
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("families:family-import"), {"file": upload})


def _confirm(client, response):
    return client.post(
        reverse("families:family-import-confirm"), {"token": response.context["token"]}
    )


def _errors(client, content, name="cards.csv"):
    response = _upload(client, content, name)
    assert response.status_code == 200
    assert not response.context["token"] if "token" in response.context else True
    return response.context["plan"].errors


def _check_imported(world):
    cards = {h.card_number: h for h in Household.objects.filter(hub=world.a.hub)}
    assert set(cards) == {"000123", "000007"}
    takahashi = cards["000123"]
    assert takahashi.source == RegistrationSource.IMPORT
    assert takahashi.registered_on == date(2023, 4, 1)
    assert (takahashi.postal_code, takahashi.address) == ("2250002", "横浜市青葉区美しが丘1-2-3")
    members = list(takahashi.members.order_by("kind", "sort_order"))
    caregivers = [m for m in members if m.kind == MemberKind.CAREGIVER]
    children = [m for m in members if m.kind == MemberKind.CHILD]
    assert [(m.family_name, m.given_name, m.relation, m.phone) for m in caregivers] == [
        ("髙橋", "花子", Relation.MOTHER, "09012345678"),
        ("髙橋", "一郎", Relation.FATHER, "08011112222"),
    ]
    assert caregivers[0].is_primary_contact and not caregivers[1].is_primary_contact
    assert caregivers[0].family_name_kana == "タカハシ"
    assert [(c.family_name, c.given_name, c.given_name_kana, c.birth_date) for c in children] == [
        ("髙橋", "太郎", "タロウ", date(2022, 10, 5)),
        ("髙橋", "次郎", "ジロウ", date(2024, 1, 20)),
    ]
    yamasaki = cards["000007"]
    assert yamasaki.registered_on == date(2023, 5, 8)
    mother, baby = yamasaki.members.order_by("kind")
    assert (mother.family_name, mother.phone) == ("山﨑", "0451234567")
    assert (baby.is_expected, baby.due_date, baby.family_name_kana) == (
        True,
        date(2026, 12, 24),
        "ヤマサキ",
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_each_encoding_imports_the_same_families(world, manager, encoding):
    response = _upload(manager, _csv(*ROWS).encode(encoding))
    plan = response.context["plan"]
    assert plan.errors == []
    assert (len(plan.new), plan.members, plan.rows) == (2, 6, 4)
    assert not Household.objects.exists()  # the preview writes nothing
    assert _confirm(manager, response).status_code == 302
    _check_imported(world)
    log = AuditLog.objects.get(action="families.import.applied")
    assert log.hub == world.a.hub
    assert log.payload == {"rows": 4, "created": 2, "already_imported": 0, "members": 6}


def test_an_excel_workbook_imports_with_real_dates_and_numbers(world, manager):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["令和8年度 利用者カード"])  # a title row above the header
    sheet.append(HEADER.split(","))
    for line in ROWS:
        sheet.append(line.split(","))
    # Excel keeps dates as dates and numbers as numbers: leading zeros are gone.
    sheet["A3"], sheet["L3"], sheet["F3"] = 123, datetime(2022, 10, 5), 9012345678
    sheet["A6"], sheet["B6"] = 7, datetime(2023, 5, 8)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(manager, buffer.getvalue(), name="cards.xlsx")
    assert response.context["plan"].errors == []
    _confirm(manager, response)
    _check_imported(world)


def test_a_workbook_saved_with_a_csv_name_is_still_read(world, manager):
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(ROWS[3].split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(manager, buffer.getvalue(), name="cards.csv")
    assert len(response.context["plan"].new) == 1


@pytest.mark.parametrize(
    "written", ["R5.4.1", "令和5年4月1日", "2023/4/1", "２０２３／４／１", "r05.04.01"]
)
def test_dates_in_wareki_and_seireki(world, manager, written):
    row = f"1,{written},山田 花子,やまだ はなこ,母,,,,,,,,"
    plan = _upload(manager, _csv(row).encode()).context["plan"]
    assert plan.errors == []
    assert plan.new[0].registered_on == date(2023, 4, 1)


def test_the_same_file_twice_creates_nothing_twice(world, manager):
    content = _csv(*ROWS).encode()
    _confirm(manager, _upload(manager, content))
    again = _upload(manager, content)
    plan = again.context["plan"]
    assert (len(plan.new), len(plan.existing), plan.can_apply) == (0, 2, False)
    assert "already been imported" in again.content.decode() or plan.existing
    # Even a replayed confirmation of the first preview adds nothing.
    assert Household.objects.count() == 2
    with_one_more = _csv(*ROWS, "8,R6.1.1,佐藤 優子,サトウ ユウコ,母,,,,,,,,")
    response = _upload(manager, with_one_more.encode())
    assert (len(response.context["plan"].new), len(response.context["plan"].existing)) == (1, 2)
    _confirm(manager, response)
    assert Household.objects.count() == 3 and Member.objects.count() == 7


def test_a_replayed_confirmation_creates_nothing_twice(world, manager):
    response = _upload(manager, _csv(*ROWS).encode())
    _confirm(manager, response)
    _confirm(manager, response)
    assert Household.objects.count() == 2
    assert AuditLog.objects.filter(action="families.import.applied").count() == 2


BAD_ROWS = [
    ("1,R5.4.31,山田 花子,ヤマダ ハナコ,母,,,,,,,,", "Row 2, 登録日:", "date"),
    ("1,2027/1/1,山田 花子,ヤマダ ハナコ,母,,,,,,,,", "Row 2, 登録日:", "future"),
    ("1,R5.4.1,山田 花子,Yamada,母,,,,,,,,", "Row 2, 保護者ふりがな:", "kana"),
    ("1,R5.4.1,山田 花子,,母,,,,,,,,", "Row 2, 保護者ふりがな:", "empty"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,おば,,,,,,,,", "Row 2, 続柄:", "おば"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,12-34,,,,,,,", "Row 2, 電話:", "phone"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,hana@,,,,,,", "Row 2, メール:", "e-mail"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,12,,,,,", "Row 2, 郵便番号:", "postal"),
    (",R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,,,,", "Row 2, カード番号:", "empty"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,太郎,タロウ,,", "Row 2, 生年月日:", "due date"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,太郎,タロウ,2030/1/1,", "Row 2, 生年月日:", "future"),
    ("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,太郎,,2024/1/1,", "Row 2, 子どもふりがな:", "empty"),
    ("1,,山田 花子,ヤマダ ハナコ,母,,,,,,,,", "Row 2, 登録日:", "empty"),
    (",,,,,,,,,太郎,タロウ,2024/1/1,", "Row 2, カード番号:", "empty"),
]


@pytest.mark.parametrize("case", BAD_ROWS, ids=lambda case: case[1] + case[2])
def test_each_bad_cell_is_reported_with_row_and_column(world, manager, english, case):
    row, where, why = case
    errors = _errors(manager, _csv(row).encode())
    assert len(errors) >= 1
    assert errors[0].startswith(where), errors
    assert why in errors[0].lower() or why in errors[0], errors
    assert not Household.objects.exists()


def test_contradicting_rows_of_one_card_and_a_card_without_caregiver(world, manager, english):
    rows = [
        "5,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,225-0002,,太郎,タロウ,2024/1/1,",
        "5,R5.4.2,,,,,,,,次郎,ジロウ,2024/1/1,",
        "6,R5.4.2,,,,,,,,三郎,サブロウ,2024/1/1,",
    ]
    errors = _errors(manager, _csv(*rows).encode())
    assert errors == [
        "Row 3, 登録日: differs from row 2 of the same card",
        "Row 4, 保護者氏名: this card has no caregiver",
    ]


def test_a_card_number_used_at_the_counter_is_an_error(world, manager, english):
    family(world.a.hub)  # card 000001, registered at the counter
    errors = _errors(manager, _csv("1,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,,,,").encode())
    assert errors == [
        "Row 2, カード番号: card number 000001 is already used by another family here"
    ]


def test_a_file_with_one_bad_row_imports_nothing(world, manager, english):
    content = _csv(*ROWS, "9,R5.4.1,山田 花子,ヤマダ ハナコ,母,,,,,太郎,タロウ,2024/2/30,").encode()
    response = _upload(manager, content)
    assert response.context["plan"].errors == [
        "Row 6, 生年月日: cannot be read as a date (That date does not exist.)"
    ]
    assert response.context["token"] == ""
    assert 'name="token"' not in response.content.decode()
    assert not Household.objects.exists()


def test_a_card_taken_between_preview_and_confirm_rolls_everything_back(world, manager, english):
    response = _upload(manager, _csv(*ROWS).encode())
    assert response.context["plan"].can_apply
    family(world.a.hub)  # the counter registers a family meanwhile …
    Household.objects.filter(hub=world.a.hub).update(card_number="000007")  # … and it is 7
    page = _confirm(manager, response)
    assert page.status_code == 200
    assert "already used by another family" in page.content.decode()
    assert list(Household.objects.values_list("card_number", flat=True)) == ["000007"]
    assert not AuditLog.objects.filter(action="families.import.applied").exists()


def test_a_failure_while_registering_rolls_back_every_card(world, manager, monkeypatch, english):
    response = _upload(manager, _csv(*ROWS).encode())
    real = imports.services.register_household
    calls = []

    def fail_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise imports.RegistryError("family_needs_caregiver")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports.services, "register_household", fail_on_second)
    page = _confirm(manager, response)
    assert "Card 000007 (row 5): A family needs at least one caregiver." in page.content.decode()
    assert not Household.objects.exists() and not Member.objects.exists()


FILE_PROBLEMS = [
    (b"", "cards.csv", "The submitted file is empty"),
    (b"\r\n\r\n", "cards.csv", "The file is empty."),
    (HEADER.encode() + b"\r\n", "cards.csv", "no data rows"),
    ("名前,電話\r\n山田,090\r\n".encode(), "cards.csv", "missing these columns: カード番号"),
    ("カード番号,登録日\r\n".encode("utf-16"), "cards.csv", "could not be read"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cards.xls", "old Excel file"),
    (b"PK\x03\x04not really a zip", "cards.xlsx", "not an Excel workbook"),
]


@pytest.mark.parametrize("case", FILE_PROBLEMS, ids=lambda case: case[2])
def test_unreadable_files_get_a_clear_message(world, manager, english, case):
    content, name, message = case
    response = _upload(manager, content, name)
    page = response.content.decode()
    assert message in page, page
    assert not Household.objects.exists()


def test_size_and_row_limits(world, manager, english, monkeypatch):
    big = HEADER.encode() + b"\r\n" + b"x" * (2 * 1024 * 1024)
    assert "larger than 2 MB" in _upload(manager, big).content.decode()
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    errors = _errors(manager, _csv(*ROWS).encode())
    assert errors == ["The file has more than 2 rows."]


def test_a_satellite_imports_into_its_main_hubs_registry(world, client):
    manager = world.a.person(Role.HUB_MANAGER)
    client.force_login(manager)
    session = client.session
    session["hiroba_hub_id"] = world.a.satellite.pk
    session.save()
    _confirm(client, _upload(client, _csv(ROWS[3]).encode()))
    assert Household.objects.get().hub == world.a.hub


def test_only_managers_may_import_and_previews_stay_with_their_hub(world, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("families:family-import")).status_code == 403
    client.force_login(world.b.person(Role.HUB_MANAGER))
    response = _upload(client, _csv(*ROWS).encode())
    client.force_login(world.a.person(Role.HUB_MANAGER))
    page = _confirm(client, response)
    assert page.status_code == 302 and page.url == reverse("families:family-import")
    assert not Household.objects.exists()


def test_a_tampered_token_imports_nothing(world, manager):
    response = _upload(manager, _csv(*ROWS).encode())
    token = response.context["token"]
    manager.post(reverse("families:family-import-confirm"), {"token": token[:-4] + "abcd"})
    assert not Household.objects.exists()


def test_sex_language_and_notes_columns(world, manager):
    header = (
        "カード番号,登録日,保護者氏名,保護者ふりがな,続柄,言語,備考,"
        "子ども氏名,子どもふりがな,生年月日,性別"
    )
    rows = [
        "3,R5.4.1,Silva Ana,シルバ アナ,,ポルトガル語,アレルギー: 卵,Ken,ケン,2024/1/1,男",
        "3,R5.4.1,,,,,ポルトガル語で,Mia,ミア,2024/1/1,女の子",
    ]
    response = _upload(manager, _csv(*rows, header=header).encode())
    plan = response.context["plan"]
    assert plan.errors == [] and plan.defaulted_relations == 1
    _confirm(manager, response)
    household = Household.objects.get()
    assert household.language == "pt"
    assert household.notes == "アレルギー: 卵\nポルトガル語で"
    assert household.members.get(kind=MemberKind.CAREGIVER).relation == Relation.OTHER
    sexes = list(household.members.filter(kind=MemberKind.CHILD).values_list("sex", flat=True))
    assert sexes == [Sex.MALE, Sex.FEMALE]
