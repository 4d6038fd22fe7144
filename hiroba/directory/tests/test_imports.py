from datetime import date
from decimal import Decimal

import pytest

from hiroba.directory import imports
from hiroba.directory.categories import categories_for
from hiroba.directory.exports import STANDARD_COLUMNS, open_data_csv
from hiroba.directory.forms import age_range
from hiroba.directory.models import Resource
from hiroba.directory.tests.factories import resource

pytestmark = pytest.mark.django_db

OPEN_DATA = (
    "港北区 子育て施設一覧（令和8年10月1日現在）\r\n"
    "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,種別,所在地_連結表記,緯度,経度,"
    "電話番号,利用可能曜日,開始時間,終了時間,URL,授乳室,対象年齢\r\n"
    "141003,K-001,神奈川県横浜市,大倉山公園,オオクラヤマコウエン,公園,横浜市港北区大倉山2-10-1,"
    "３５．５２２１,１３９．６２９９,045-540-2323,毎日,,,https://example.jp/p,無,\r\n"
    "\r\n"
    "141003,K-002,神奈川県横浜市,ひよこ保育園,ヒヨコホイクエン,保育所,横浜市港北区菊名1-1,"
    "35.5063,139.6303,０４５－４０１－００００,月〜土,7:00,19:00,,有,0〜5歳\r\n"
)


def _plan(hub, text, encoding="cp932"):
    return imports.plan_resource_import(hub, text.encode(encoding))


def test_the_citys_open_data_file_in_shift_jis_reads_cleanly(world):
    plan = _plan(world.a.hub, OPEN_DATA)
    assert plan.errors == []
    assert [d.name for d in plan.new] == ["大倉山公園", "ひよこ保育園"]
    park, nursery = (d.values for d in plan.drafts)
    assert park["category"] == "park" and park["latitude"] == Decimal("35.522100")
    assert park["phone"] == "0455402323" and park["external_id"] == "K-001"
    assert nursery["category"] == "childcare" and nursery["has_nursing_room"] is True
    assert nursery["hours"] == "月〜土 7:00〜19:00"
    assert (nursery["target_age_min_months"], nursery["target_age_max_months"]) == (0, 71)
    assert not Resource.objects.exists()  # a plan writes nothing


def test_bad_rows_are_all_reported_and_nothing_is_imported(world):
    bad = (
        "名称,種別,緯度,経度,授乳室,ID\n"
        ",公園,35.5,139.6,,A\n"
        "どこか,映画館,35.5,139.6,,B\n"
        "逆さま,公園,139.6,35.5,,C\n"
        "片方,公園,35.5,,,D\n"
        "授乳,授乳室,35.5,139.6,たぶん,E\n"
        "良い行,公園,35.5,139.6,有,F\n"
        "二重,公園,35.5,139.6,,F\n"
    )
    plan = _plan(world.a.hub, bad, encoding="utf-8")
    assert not plan.can_apply
    rows = [error.split(",")[0] for error in plan.errors]
    assert len(plan.errors) == 6
    assert [int(row.split("行目")[0]) for row in rows] == [2, 3, 4, 5, 6, 8]
    with pytest.raises(imports.ImportRefused):
        imports.apply_resource_import(world.a.hub, bad.encode(), actor=None)
    assert not Resource.objects.exists()


def test_importing_the_next_file_updates_by_id_and_keeps_what_the_file_lacks(world):
    imports.apply_resource_import(world.a.hub, OPEN_DATA.encode("cp932"), actor=None)
    park = Resource.objects.get(external_id="K-001")
    Resource.objects.filter(pk=park.pk).update(description="staff note", has_parking=True)
    renamed = "ID,名称,種別,所在地\nK-001,大倉山公園（梅林）,公園,横浜市港北区大倉山2-10-1\n"
    plan = imports.apply_resource_import(world.a.hub, renamed.encode(), actor=None)
    assert len(plan.updated) == 1 and not plan.new
    park.refresh_from_db()
    assert park.name == "大倉山公園(梅林)"  # NFKC, as every typed name
    assert park.description == "staff note" and park.has_parking  # columns absent: kept
    assert park.latitude == Decimal("35.522100")
    assert Resource.objects.count() == 2


def test_an_imported_entry_is_not_counted_as_verified(world):
    imports.apply_resource_import(world.a.hub, OPEN_DATA.encode("cp932"), actor=None)
    assert set(Resource.objects.values_list("verified_on", flat=True)) == {None}


def test_an_export_reads_back_as_the_same_entries(world):
    resource(
        world.a.hub,
        name="港北図書館",
        category="library",
        has_nursing_room=True,
        target_age_min_months=0,
        target_age_max_months=47,
        languages=["en", "zh"],
        hours="火〜日 9:30〜19:00",
        verified_on=date(2026, 4, 1),
    )
    data = open_data_csv(Resource.objects.all(), categories_for(world.a.municipality))
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[: len(STANDARD_COLUMNS)] == STANDARD_COLUMNS
    Resource.objects.all().delete()
    plan = imports.apply_resource_import(world.a.hub, data, actor=None)
    assert plan.errors == [] and len(plan.new) == 1
    again = Resource.objects.get()
    assert (again.name, again.category, again.hours) == (
        "港北図書館",
        "library",
        "火〜日 9:30〜19:00",
    )
    assert (again.target_age_min_months, again.target_age_max_months) == (0, 47)
    assert again.has_nursing_room and again.languages == ["en", "zh"]
    assert again.latitude == Decimal("35.509000")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("0〜3歳", (0, 47)),
        ("０～３歳", (0, 47)),
        ("6か月〜2歳", (6, 35)),
        ("1歳6か月～", (18, None)),
        ("3歳以上", (36, None)),
        ("2歳まで", (None, 35)),
        ("1歳", (12, 23)),
        ("0〜36か月", (0, 36)),
        ("未就学児", (0, 83)),
    ],
)
def test_age_ranges_as_people_write_them(text, expected):
    assert age_range(text) == expected


@pytest.mark.parametrize("text", ["1e30", "1000", "NaN", "35,5", "北緯35度"])
def test_a_coordinate_that_is_no_degree_is_a_row_error_not_a_crash(world, text):
    data = f"名称,緯度,経度\n公園,{text},139.6\n".encode()
    plan = imports.plan_resource_import(world.a.hub, data)
    assert len(plan.errors) == 1 and plan.errors[0].startswith(("Row 2", "2行目"))


def test_pregnancy_words_set_the_flag_and_survive_a_round_trip(world):
    data = "名称,対象年齢\nプレママ教室,妊娠中、0〜1歳\n".encode()
    imports.apply_resource_import(world.a.hub, data, actor=None)
    entry = Resource.objects.get()
    assert entry.for_expecting and (entry.target_age_min_months, entry.target_age_max_months) == (
        0,
        23,
    )
    exported = open_data_csv(Resource.objects.all(), categories_for(world.a.municipality))
    assert "妊娠中、0歳〜1歳" in exported.decode("utf-8-sig")


def test_long_texts_and_bad_web_pages_are_row_errors(world):
    data = f"名称,URL\n{'長' * 101},\n公園,htp//example\n".encode()
    plan = imports.plan_resource_import(world.a.hub, data)
    assert [e.split("「")[0] for e in plan.errors] == ["2行目", "3行目"]


def test_our_own_export_edited_and_imported_again_updates(world):
    entry = resource(world.a.hub, name="大倉山公園")
    exported = open_data_csv([entry], categories_for(world.a.municipality)).decode("utf-8-sig")
    renamed = exported.replace("大倉山公園", "大倉山記念公園").encode()
    plan = imports.apply_resource_import(world.a.hub, renamed, actor=None)
    assert len(plan.updated) == 1 and not plan.new
    assert Resource.objects.get().name == "大倉山記念公園"


def test_reimporting_keeps_the_english_text_staff_wrote(world):
    entry = resource(
        world.a.hub, name="大倉山公園", translations={"en": {"description": "A big lawn"}}
    )
    data = f"ID,名称,名称_英字\nhiroba-{entry.pk},大倉山公園,Okurayama Park\n".encode()
    imports.apply_resource_import(world.a.hub, data, actor=None)
    entry.refresh_from_db()
    assert entry.translations == {"en": {"description": "A big lawn", "name": "Okurayama Park"}}
