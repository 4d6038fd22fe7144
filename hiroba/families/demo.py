"""Demo families for the demo hub's registry (fictional people; Japanese names and furigana,
mobile numbers, addresses in the demo ward's 町丁 so their district resolves).

Scale 1 gives about 300 families; every scale step adds 300 more (``seed_demo --scale``). They
register across the demo's history (``history_years``) and for a while before it, with babies
and toddlers, older and younger siblings, a few pregnancies, a few fathers or grandmothers as
the main carer, and a handful of parents' portal pre-registrations still waiting for their
first visit. Consents are recorded at registration; a few were withdrawn later.

Rows are written in batches with the raw inserts of ``core.demodata``; what the visits step
needs to know about each family (ids, dates, children's birthdays, district) is left in
``ctx.shared["demo_families"]`` as small tuples.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.utils import timezone

from hiroba.core.demo import DISTRICTS
from hiroba.core.demodata import DemoContext, insert_dicts, register
from hiroba.core.models import TownBlock
from hiroba.families.choices import (
    ConsentAction,
    ConsentPurpose,
    HouseholdStatus,
    HowHeard,
    Language,
    MemberKind,
    RegistrationSource,
    Relation,
    Sex,
)
from hiroba.families.models import CardSequence, ConsentEvent, Household, Member
from hiroba.lib.address import town_block_key
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of
from hiroba.lib.kana import kana_search_key

FAMILIES_PER_SCALE = 300
BATCH = 500
EARLIER_DAYS = 900  # families registered up to this long before the history starts
PENDING_SHARE = 0.025


def _names(text: str) -> list[tuple[str, str]]:
    """ "佐藤:サトウ 鈴木:スズキ" → [("佐藤", "サトウ"), ("鈴木", "スズキ")]."""
    return [tuple(word.split(":")) for word in text.split()]


SURNAMES = _names(
    """
    佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ
    山本:ヤマモト 中村:ナカムラ 小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ
    佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ 木村:キムラ 林:ハヤシ
    斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト
    阿部:アベ 石川:イシカワ 山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ
    前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ
    村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 福田:フクダ 太田:オオタ
    西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ
    三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ
    田村:タムラ 中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上野:ウエノ
    """
)
MOTHERS = _names(
    """
    美咲:ミサキ 陽子:ヨウコ 愛:アイ 彩:アヤ 麻衣:マイ 由美:ユミ
    真由美:マユミ 恵:メグミ 沙織:サオリ 香織:カオリ 奈々:ナナ 千尋:チヒロ
    明日香:アスカ 優子:ユウコ 綾香:アヤカ 瞳:ヒトミ 遥:ハルカ 友美:トモミ
    絵里:エリ 智子:トモコ 理恵:リエ 亜美:アミ 加奈:カナ 早紀:サキ
    梓:アズサ 里奈:リナ 舞:マイ 文香:フミカ
    """
)
FATHERS = _names(
    """
    大輔:ダイスケ 健太:ケンタ 翔太:ショウタ 拓也:タクヤ 誠:マコト 亮:リョウ
    直樹:ナオキ 浩二:コウジ 達也:タツヤ 和也:カズヤ 雄一:ユウイチ 慎吾:シンゴ
    剛:ツヨシ 隆:タカシ 悠介:ユウスケ 健一:ケンイチ 聡:サトシ 哲也:テツヤ
    光:ヒカル 学:マナブ
    """
)
GRANDMOTHERS = _names(
    """
    和子:カズコ 幸子:サチコ 恵子:ケイコ 洋子:ヨウコ 節子:セツコ 京子:キョウコ
    """
)
BOYS = _names(
    """
    蓮:レン 湊:ミナト 陽翔:ハルト 蒼:アオイ 樹:イツキ 悠真:ユウマ
    大和:ヤマト 朝陽:アサヒ 律:リツ 颯:ハヤテ 陸:リク 奏太:ソウタ
    結翔:ユイト 新:アラタ 悠人:ユウト 海斗:カイト 颯真:ソウマ 晴:ハル
    """
)
GIRLS = _names(
    """
    陽葵:ヒマリ 凛:リン 芽依:メイ 結菜:ユイナ 葵:アオイ 紬:ツムギ
    澪:ミオ 莉子:リコ 結愛:ユア 咲良:サラ 杏:アン 花:ハナ
    心春:コハル さくら:サクラ 美桜:ミオ 一花:イチカ 楓:カエデ 詩:ウタ
    """
)
# Families who prefer another language (names in katakana, as the registry stores furigana).
FOREIGN = [
    (Language.VIETNAMESE, ("グエン", "グエン"), ("ラン", "ラン"), ("ナム", "ナム")),
    (Language.CHINESE, ("王", "ワン"), ("麗", "リー"), ("偉", "ウェイ")),
    (Language.ENGLISH, ("スミス", "スミス"), ("エミリー", "エミリー"), ("ジェイ", "ジェイ")),
    (Language.TAGALOG, ("サントス", "サントス"), ("マリア", "マリア"), ("ホセ", "ホセ")),
    (Language.NEPALI, ("シュレスタ", "シュレスタ"), ("スニタ", "スニタ"), ("ラム", "ラム")),
    (Language.PORTUGUESE, ("シルバ", "シルバ"), ("アナ", "アナ"), ("パウロ", "パウロ")),
]
BUILDINGS = ["", "", "", "ハイツ", "コーポ", "メゾン", "レジデンス", "パークハウス"]
STAFF_LABELS = ["佐藤 花子", "森本 かおり", "伊藤 さやか", "高橋 直子"]
# Districts near the hub send more families (weights follow core.demo.DISTRICTS' order).
DISTRICT_WEIGHTS = [9, 7, 4, 4, 3, 2, 2, 2, 1, 2]
OUTSIDE_THE_WARD = [
    "神奈川県横浜市港北区日吉本町",
    "神奈川県横浜市都筑区中川",
    "神奈川県川崎市宮前区宮崎",
]


@dataclass(frozen=True)
class _Site:
    """Where the demo families live and register."""

    hub: object
    ward: object
    blocks: list


@dataclass(frozen=True)
class DemoFamily:
    """What the visits step needs about a registered family (ordinals are ``date.toordinal``).

    ``carers`` are (member id, relation); ``children`` are (member id, birth, due) with birth
    None for a pregnancy."""

    household_id: int
    registered: int
    active_until: int
    district_id: int | None
    carers: tuple[tuple[int, str], ...]
    children: tuple[tuple[int, int | None, int | None], ...]


def history_years(scale: int) -> int:
    """Fiscal years of visit history, the current one included: 2 for the everyday demo,
    up to 10 for benchmark scales (see ``hiroba.visits.demo``)."""
    return min(10, 2 * scale)


def history_start(today: date, scale: int) -> date:
    return fiscal_year_bounds(fiscal_year_of(today) - history_years(scale) + 1)[0]


@cache
def _key(kana: str) -> str:
    return kana_search_key(kana)


def _token(rng) -> str:
    return base64.b32encode(rng.getrandbits(120).to_bytes(15, "big")).decode("ascii")


def _phone(rng) -> str:
    return f"0{rng.choice('789')}0{rng.randrange(10**8):08d}"


@register("families.registry", order=30)
def seed_families(ctx: DemoContext) -> None:
    rng = ctx.rng_for("families")
    hub = ctx.shared["hub"]
    site = _Site(hub, hub.ward, _blocks(hub.ward))
    count = FAMILIES_PER_SCALE * ctx.scale
    first = history_start(ctx.today, ctx.scale) - timedelta(days=EARLIER_DAYS)
    span = (ctx.today - first).days
    # Registration days in order, so card numbers follow registration.
    days = sorted(rng.randrange(span) for _ in range(count))
    pending = {count - 1 - i * 3 for i in range(max(1, round(count * PENDING_SHARE)))}
    families: list[DemoFamily] = []
    for start in range(0, count, BATCH):
        chunk = range(start, min(start + BATCH, count))
        plans = [
            _plan(rng, first + timedelta(days=days[i]), ctx.today, i in pending) for i in chunk
        ]
        families += _write(ctx, rng, site, plans, number=start)
    CardSequence.objects.update_or_create(hub=hub, defaults={"next_number": count + 1})
    ctx.shared["demo_families"] = families
    ctx.log(f"  families: {count} ({len(pending)} pre-registered, awaiting a first visit)")


def _blocks(ward) -> list[tuple[str, int, TownBlock]]:
    """(town, chome, block) per 町丁 of the demo ward, weighted towards the hub's districts."""
    by_key = {b.key: b for b in TownBlock.objects.filter(ward=ward).select_related("district")}
    weighted = []
    for weight, (_district, towns) in zip(DISTRICT_WEIGHTS, DISTRICTS, strict=True):
        for town, chome_count in towns:
            for chome in range(1, chome_count + 1):
                block = by_key.get(town_block_key(town, chome))
                if block is not None:
                    weighted += [(town, chome, block)] * weight
    return weighted


@dataclass
class _Plan:
    registered: date
    pending: bool
    births: list[date]
    due: date | None
    father: bool
    mother: bool
    grandmother: bool
    active_until: date


def _plan(rng, registered: date, today: date, pending: bool) -> _Plan:
    """A family's shape: children's birthdays around the registration, who cares for them."""
    births: list[date] = []
    due = None
    if rng.random() < 0.05:  # registered while expecting (プレママ)
        expected = registered + timedelta(days=rng.randint(40, 200))
        if expected <= today:
            births.append(expected + timedelta(days=rng.randint(-14, 10)))
        else:
            due = expected
    else:
        baby = registered - timedelta(days=rng.randint(20, 640))
        births.append(baby)
        if rng.random() < 0.3:
            births.insert(0, baby - timedelta(days=rng.randint(650, 1500)))
        if rng.random() < 0.18:
            younger = baby + timedelta(days=rng.randint(560, 1100))
            if younger <= today:
                births.append(younger)
            elif younger <= today + timedelta(days=250):
                due = younger
    youngest = max([*births, due or date.min])
    # Families come until the youngest is about 3 to 4, or drift away earlier.
    leaves = min(
        registered + timedelta(days=rng.randint(150, 1500)),
        youngest + timedelta(days=rng.randint(1000, 1500)),
    )
    mother = rng.random() < 0.97
    return _Plan(
        registered=registered,
        pending=pending,
        births=births,
        due=due,
        father=(not mother) or rng.random() < 0.45,
        mother=mother,
        grandmother=rng.random() < 0.06,
        active_until=max(leaves, registered + timedelta(days=60)),
    )


def _write(ctx, rng, site: _Site, plans: list[_Plan], *, number: int) -> list[DemoFamily]:
    households = [
        _household(rng, site, plan, offset) for offset, plan in enumerate(plans, start=number + 1)
    ]
    household_ids = insert_dicts(Household, households)
    members, consents, layout = [], [], []
    for pk, household, plan in zip(household_ids, households, plans, strict=True):
        household["id"] = pk
        people = _members(rng, household, plan)
        layout.append((household, plan, people))
        members += people
        consents += _consents(rng, household, plan, ctx.today)
    for pk, member in zip(insert_dicts(Member, members), members, strict=True):
        member["id"] = pk
    insert_dicts(ConsentEvent, consents)
    return [
        DemoFamily(
            household_id=household["id"],
            registered=plan.registered.toordinal(),
            active_until=plan.active_until.toordinal(),
            district_id=household["district_id"],
            carers=tuple(
                (m["id"], m["relation"]) for m in people if m["kind"] == MemberKind.CAREGIVER
            ),
            children=tuple(
                (
                    m["id"],
                    m.get("birth_date") and m["birth_date"].toordinal(),
                    m.get("due_date") and m["due_date"].toordinal(),
                )
                for m in people
                if m["kind"] == MemberKind.CHILD
            ),
        )
        for household, plan, people in layout
        if not plan.pending
    ]


def _address(rng, ward, blocks):
    if rng.random() < 0.05:  # moved in from elsewhere, or lives just outside the ward
        return (
            "2230000",
            rng.choice(OUTSIDE_THE_WARD),
            f"{rng.randint(1, 5)}-{rng.randint(1, 30)}",
            None,
        )
    town, chome, block = rng.choice(blocks)
    building = rng.choice(BUILDINGS)
    rest = f"{chome}-{rng.randint(1, 25)}-{rng.randint(1, 20)}"
    if building:
        rest += f" {town}{building} {rng.randint(1, 5)}0{rng.randint(1, 8)}"
    postal = f"22599{rng.randint(10, 99)}"
    return postal, f"神奈川県横浜市{ward.name}{town}", rest, block


def _household(rng, site: _Site, plan: _Plan, number: int) -> dict:
    """A household row (a dict of field values); ``_names`` is kept for its members."""
    postal, region, rest, block = _address(rng, site.ward, site.blocks)
    source = (
        RegistrationSource.PORTAL
        if plan.pending or rng.random() < 0.2
        else RegistrationSource.PAPER
        if rng.random() < 0.1
        else RegistrationSource.COUNTER
    )
    language = Language.JAPANESE
    if rng.random() < 0.04:
        language, *names = rng.choice(FOREIGN)
    else:
        names = [rng.choice(SURNAMES), rng.choice(MOTHERS), rng.choice(FATHERS)]
    created = datetime.combine(plan.registered, time(10, rng.randint(0, 59)))
    return {
        "hub_id": site.hub.pk,
        "card_number": f"{number:06d}",
        "card_token": _token(rng),
        "status": HouseholdStatus.PENDING if plan.pending else HouseholdStatus.ACTIVE,
        "source": source,
        "registered_on": None if plan.pending else plan.registered,
        "how_heard": rng.choice(HowHeard.values),
        "language": language,
        "postal_code": postal,
        "address_region": region,
        "address_rest": rest,
        "town_block_id": block.pk if block else None,
        "district_id": block.district_id if block else None,
        "created_at": timezone.make_aware(created),
        "_names": names,
    }


def _person(household: dict, kind, relation, names, order, **values) -> dict:
    (family_name, family_kana), (given, given_kana) = names
    return {
        "household_id": household["id"],
        "kind": kind,
        "relation": relation,
        "family_name": family_name,
        "given_name": given,
        "family_name_kana": family_kana,
        "given_name_kana": given_kana,
        "search_key": _key(family_kana) + _key(given_kana),
        "given_search_key": _key(given_kana),
        "sort_order": order,
        **values,
    }


def _members(rng, household: dict, plan: _Plan) -> list[dict]:
    surname, mother_name, father_name = household["_names"]
    carers = []
    if plan.mother:
        carers.append((Relation.MOTHER, mother_name))
    if plan.father:
        carers.append((Relation.FATHER, father_name))
    if plan.grandmother:
        carers.append((Relation.GRANDMOTHER, rng.choice(GRANDMOTHERS)))
    people = []
    for order, (relation, given) in enumerate(carers):
        main = order == 0
        email = f"parent{household['card_number']}@example.com" if rng.random() < 0.4 else ""
        people.append(
            _person(
                household,
                MemberKind.CAREGIVER,
                relation,
                (surname, given),
                order,
                phone=_phone(rng) if main or rng.random() < 0.5 else "",
                email=email if main else "",
                is_primary_contact=main,
            )
        )
    for birth_order, birth in enumerate(plan.births, start=1):
        girl = rng.random() < 0.49
        people.append(
            _person(
                household,
                MemberKind.CHILD,
                "",
                (surname, rng.choice(GIRLS if girl else BOYS)),
                len(people),
                birth_date=birth,
                birth_order=birth_order,
                sex=Sex.FEMALE if girl else Sex.MALE,
            )
        )
    if plan.due is not None:
        people.append(
            _person(
                household,
                MemberKind.CHILD,
                "",
                (surname, ("", "")),
                len(people),
                due_date=plan.due,
                birth_order=len(plan.births) + 1,
            )
        )
    return people


def _consents(rng, household: dict, plan: _Plan, today: date) -> list[dict]:
    portal = household["source"] == RegistrationSource.PORTAL
    label = "portal" if portal else rng.choice(STAFF_LABELS)
    events = []
    for purpose, share in (
        (ConsentPurpose.VISIT_RECORDS, 1.0),
        (ConsentPurpose.SHARE_WITH_WARD, 0.6),
        (ConsentPurpose.PHOTOS, 0.35),
        (ConsentPurpose.SURVEY_CONTACT, 0.45),
    ):
        if rng.random() >= share:
            continue
        events.append(
            {
                "household_id": household["id"],
                "purpose": purpose,
                "action": ConsentAction.GRANTED,
                "given_on": plan.registered,
                "recorded_at": household["created_at"],
                "recorded_by_label": label,
            }
        )
        if purpose == ConsentPurpose.PHOTOS and rng.random() < 0.1:
            withdrawn = min(plan.registered + timedelta(days=rng.randint(30, 400)), today)
            events.append(
                {
                    "household_id": household["id"],
                    "purpose": purpose,
                    "action": ConsentAction.WITHDRAWN,
                    "given_on": withdrawn,
                    "recorded_by_label": rng.choice(STAFF_LABELS),
                    "recorded_at": timezone.make_aware(datetime.combine(withdrawn, time(11))),
                }
            )
    return events
