"""Demo directory of はなみずき区: about thirty invented places across the ward's districts
(parks, salons, nurseries, clinics, nursing rooms, counters …), a few not verified for over a
year so the flag shows, one hidden, and two suggestions from the portal waiting for review."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.core.models import District
from hiroba.directory import services
from hiroba.directory.choices import ResourceStatus
from hiroba.directory.models import Resource

# (name, category, district index, extra fields)
PLACES = [
    ("さくら台公園", "park", 0, {"hours": "終日", "stroller_friendly": True}),
    (
        "さくら台こどもログハウス",
        "park",
        0,
        {
            "hours": "9:00〜17:00（第3月曜休館）",
            "target_age_max_months": 155,
            "has_diaper_changing": True,
        },
    ),
    (
        "さくら台地区センター 親子サロン「ぽかぽか」",
        "circle",
        0,
        {"hours": "毎月第2水曜 10:00〜11:30", "cost": "無料", "target_age_max_months": 47},
    ),
    (
        "みずき野保育園",
        "childcare",
        1,
        {"hours": "月〜土 7:00〜19:00", "target_age_max_months": 71, "phone": "0459990101"},
    ),
    ("みずき野第二公園", "park", 1, {"hours": "終日"}),
    (
        "みずき野駅 赤ちゃん休憩室",
        "baby_station",
        1,
        {
            "hours": "6:00〜23:00",
            "has_nursing_room": True,
            "has_diaper_changing": True,
            "has_elevator": True,
        },
    ),
    (
        "若葉台図書館",
        "library",
        2,
        {
            "hours": "火〜日 9:30〜19:00",
            "has_nursing_room": True,
            "has_elevator": True,
            "languages": ["en", "zh"],
            "description": "おはなし会（毎週木曜11:00）。絵本の多言語コーナーがあります。",
        },
    ),
    (
        "若葉台地域ケアプラザ",
        "care_plaza",
        2,
        {
            "hours": "9:00〜21:00（日曜は17:00まで）",
            "has_nursing_room": True,
            "has_parking": True,
            "has_elevator": True,
        },
    ),
    (
        "わかば親子のひろば",
        "tsudoi",
        2,
        {
            "hours": "月〜金 10:00〜15:00",
            "cost": "無料",
            "target_age_max_months": 47,
            "for_expecting": True,
            "stroller_friendly": True,
        },
    ),
    (
        "青空こどもクリニック",
        "medical",
        3,
        {
            "hours": "月〜金 9:00〜12:00, 15:00〜18:00",
            "target_age_max_months": 191,
            "phone": "0459990202",
            "languages": ["en"],
        },
    ),
    (
        "青空町公園（じゃぶじゃぶ池）",
        "park",
        3,
        {"hours": "7〜8月 10:00〜16:00", "target_age_max_months": 83},
    ),
    (
        "青空南 一時保育室「にこにこ」",
        "temporary_care",
        3,
        {
            "hours": "月〜金 8:30〜17:00",
            "cost": "1時間 300円〜",
            "target_age_min_months": 6,
            "target_age_max_months": 71,
        },
    ),
    (
        "緑ヶ丘中央公園",
        "park",
        4,
        {"hours": "終日", "has_parking": True, "stroller_friendly": True},
    ),
    ("緑ヶ丘小児歯科", "medical", 4, {"hours": "火〜土 9:30〜18:30", "phone": "0459990303"}),
    (
        "子育てサークル「みどりっこ」",
        "circle",
        4,
        {
            "hours": "毎週金曜 10:00〜12:00",
            "cost": "年会費 500円",
            "target_age_min_months": 12,
            "target_age_max_months": 47,
        },
    ),
    (
        "港見ショッピングモール 授乳室",
        "baby_station",
        5,
        {
            "hours": "10:00〜21:00",
            "has_nursing_room": True,
            "has_diaper_changing": True,
            "stroller_friendly": True,
            "has_parking": True,
            "has_elevator": True,
        },
    ),
    ("港見北保育園", "childcare", 5, {"hours": "月〜土 7:00〜20:00", "target_age_max_months": 71}),
    (
        "港見放課後キッズクラブ",
        "children_centre",
        5,
        {"hours": "放課後〜19:00", "target_age_min_months": 72, "target_age_max_months": 155},
    ),
    (
        "山手台こども家庭支援相談",
        "consultation",
        6,
        {
            "hours": "平日 8:45〜17:00",
            "phone": "0459991234",
            "languages": ["en", "zh", "ko"],
            "description": "妊娠・出産・子育ての相談。通訳の手配ができます。",
            "for_expecting": True,
        },
    ),
    ("山手台公園", "park", 6, {"hours": "終日"}),
    (
        "川辺町 親と子のつどいの広場「かわべ」",
        "tsudoi",
        7,
        {"hours": "火〜土 10:00〜16:00", "target_age_max_months": 47, "for_expecting": True},
    ),
    (
        "新川辺プール（幼児用）",
        "park",
        7,
        {"hours": "7〜8月 9:00〜17:00", "cost": "小学生未満 無料", "has_parking": True},
    ),
    (
        "川辺町病児保育室",
        "temporary_care",
        7,
        {"hours": "月〜金 8:00〜18:00", "target_age_min_months": 6, "target_age_max_months": 107},
    ),
    ("森の里ふれあい広場", "park", 8, {"hours": "9:00〜16:30"}),
    (
        "森の里こども食堂",
        "other",
        8,
        {"hours": "毎月第1・第3土曜 12:00〜", "cost": "こども無料、大人 300円"},
    ),
    ("東はなみずき図書室", "library", 9, {"hours": "火〜日 10:00〜17:00"}),
    (
        "はなみずき区役所 授乳室",
        "baby_station",
        9,
        {
            "hours": "平日 8:45〜17:00",
            "has_nursing_room": True,
            "has_diaper_changing": True,
            "has_elevator": True,
        },
    ),
    (
        "はなみずき区役所 こども家庭支援課",
        "consultation",
        9,
        {"hours": "平日 8:45〜17:00", "phone": "0459991234", "for_expecting": True},
    ),
]
STALE = {"港見北保育園", "森の里ふれあい広場", "新川辺プール（幼児用）"}
HIDDEN = {"東はなみずき図書室"}


def _point(district_index: int, n: int) -> tuple[Decimal, Decimal]:
    """Inside the district's invented strip (see core.demo): a little apart from each other."""
    lat = Decimal("35.44100") + Decimal("0.00310") * (n % 4)
    lon = Decimal("139.59900") + Decimal("0.01650") * district_index + Decimal("0.0021") * (n % 3)
    return lat, lon


@register("directory.resources", order=95)
def seed_directory(ctx: DemoContext) -> None:
    hub = ctx.shared["hub"]
    staff = User.objects.get(email="staff@example.jp")
    districts = list(District.objects.filter(ward=hub.ward).order_by("sort_order"))
    made = {}
    for n, (name, category, d_index, extra) in enumerate(PLACES):
        lat, lon = _point(d_index, n)
        district = districts[d_index]
        values = {"address": f"はなみずき区{district.name.removesuffix('地区')}{n % 5 + 1}-{n + 2}"}
        values.update(extra)
        made[name] = services.create_resource(
            hub,
            actor=staff,
            name=name,
            category=category,
            district=district,
            latitude=lat,
            longitude=lon,
            status=ResourceStatus.HIDDEN if name in HIDDEN else ResourceStatus.PUBLISHED,
            **values,
        )
    # Demo history: these were last checked fourteen months ago, so staff see the flag.
    Resource.objects.filter(name__in=STALE, hub=hub).update(
        verified_on=ctx.today - timedelta(days=425)
    )
    services.suggest_resource(
        hub,
        proposed={
            "name": "みずき野くすのき公園",
            "category": "park",
            "hours": "終日",
            "amenities": ["stroller"],
        },
        message="新しくできた公園です。ベビーカーでも入りやすいです。",
        submitter_kind="parent",
        submitter_name="みずき野の母",
    )
    services.suggest_resource(
        hub,
        resource=made["若葉台図書館"],
        proposed={"hours": "火〜日 9:30〜18:00"},
        message="閉館時間が18時に変わりました。",
        submitter_kind="partner",
        submitter_name="若葉台子育てサークル",
        submitter_contact="wakaba-circle@example.jp",
    )
    ctx.log(f"  directory: {len(made)} places, 2 suggestions waiting")
