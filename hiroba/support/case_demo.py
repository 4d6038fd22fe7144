"""Demo support cases and 地域連携 activities: about a dozen cases per demo hub (registered,
expectant and not-yet-registered families) with plan items and linkages at every stage, some
closed, follow-ups due this week, and ten activities of the main hub's log.

Written through the services, so checks, encryption and audit rows are as in real use. The
services stamp "now" on what happens (a plan item done, a follow-up done, a linkage made);
those dates are then moved back to when the story says it happened, so a year of work does
not look as if it was all done today.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hiroba.accounts.models import User
from hiroba.consultations.choices import AgencyKind, ConsentMethod
from hiroba.consultations.models import ConsultationTopic
from hiroba.core.demodata import DemoContext, register
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.support import case_queries, case_services
from hiroba.support.choices import ActivityKind, ClosureReason, LinkageStatus, ServiceKind
from hiroba.support.models import Linkage, PlanItem

# How many days ago each demo case of a hub was opened (12 per hub): the oldest five are
# closed, the two newest have follow-ups and plan items due this week.
OPENED_DAYS_AGO = (300, 270, 240, 210, 180, 150, 120, 90, 60, 30, 10, 4)
CLOSED_SHARE = 5

# (needs, topic codes, registered family?, plan items (text, days after opening),
#  linkages (service kind, agency kind or None, warm hand-over))
STORIES = [
    (
        "来年4月からの復職に向けて保育園の申込みを考えている。手続きと見学先の選び方が不安。",
        ("nursery", "work"),
        True,
        [("保育・教育コンシェルジュの相談日を一緒に予約する", 7), ("園見学の候補を絞る", 21)],
        [(ServiceKind.NURSERY, AgencyKind.CONCIERGE, True)],
    ),
    (
        "産後の疲れが強く、頼れる親族が近くにいない。少しでも休める時間がほしい。",
        ("mother_health", "childcare"),
        True,
        [("産後ケア事業の利用方法を案内する", 3), ("一時預かりの空き状況を一緒に確認する", 10)],
        [
            (ServiceKind.POSTNATAL_CARE, AgencyKind.WARD_HEALTH, True),
            (ServiceKind.TEMPORARY_CARE, AgencyKind.TEMPORARY_CARE, False),
        ],
    ),
    (
        "転入したばかりで地域に知り合いがいない。日本語での手続きにも不安がある。",
        ("foreign", "friends"),
        False,
        [("多言語の子育てガイドを渡す", 0), ("ひろばの行事に一緒に参加する", 14)],
        [
            (ServiceKind.MULTICULTURAL, AgencyKind.MULTICULTURAL, False),
            (ServiceKind.HIROBA, None, False),
        ],
    ),
    (
        "通院のため週1回、数時間子どもを預けたい。",
        ("childcare",),
        True,
        [("子サポの入会説明会の日程を伝える", 7)],
        [(ServiceKind.KOSAPO, AgencyKind.KOSAPO, False)],
    ),
    (
        "妊娠7か月。出産後の生活の見通しが立たず、相談できる場所を知りたい。",
        ("mother_health", "family"),
        False,
        [("両親教室の案内を渡す", 7), ("出産後の訪問があることを伝える", 14)],
        [
            (ServiceKind.WARD_HEALTH, AgencyKind.WARD_HEALTH, True),
            (ServiceKind.PROGRAM, None, False),
        ],
    ),
    (
        "言葉の発達が気になる。健診まで待つべきか迷っている。",
        ("development",),
        True,
        [("区の発達相談の窓口を案内する", 7)],
        [
            (ServiceKind.WARD_HEALTH, AgencyKind.WARD_HEALTH, True),
            (ServiceKind.MEDICAL, AgencyKind.MEDICAL, False),
        ],
    ),
]
CLOSING = [
    ClosureReason.NEEDS_MET,
    ClosureReason.SERVICE,
    ClosureReason.SERVICE,
    ClosureReason.MOVED,
    ClosureReason.WARD,
]

# (kind, title, partners, participants, minutes, summary, agency kinds)
ACTIVITIES = [
    (
        ActivityKind.NETWORK_MEETING,
        "区子育て支援ネットワーク会議",
        "区こども家庭支援課、保育園、民生委員・児童委員",
        18,
        120,
        "今年度の重点（産後の孤立予防）を共有。各団体の取組を紹介。",
        (AgencyKind.WARD_HEALTH,),
    ),
    (
        ActivityKind.WARD_MEETING,
        "区こども家庭支援課との定例連絡会",
        "区こども家庭支援課",
        6,
        90,
        "つないだ件数の傾向と、保育・教育コンシェルジュとの役割分担を確認。",
        (AgencyKind.WARD_HEALTH, AgencyKind.CONCIERGE),
    ),
    (
        ActivityKind.VISIT,
        "地域療育センターの見学と情報交換",
        "",
        3,
        60,
        "相談の流れと初診までの待ち期間を確認。",
        (AgencyKind.MEDICAL,),
    ),
    (
        ActivityKind.RESOURCE,
        "地域の子育てサロン一覧の更新",
        "地区社会福祉協議会",
        None,
        180,
        "開催日と会場を確認し、ひろばの掲示と配布用の一覧を更新。",
        (),
    ),
    (
        ActivityKind.OUTREACH,
        "出張相談（さくら台地区センター）",
        "地区センター",
        9,
        120,
        "出張ひろばに合わせて個別相談の時間を設けた。",
        (),
    ),
    (
        ActivityKind.TRAINING,
        "利用者支援専門員 現任研修",
        "横浜市",
        None,
        300,
        "事例検討とアセスメントの演習。",
        (),
    ),
    (
        ActivityKind.NETWORK_MEETING,
        "地区別子育て連絡会（みずき野地区）",
        "主任児童委員、幼稚園、子育てサークル",
        12,
        90,
        "転入家庭への声かけの工夫を話し合った。",
        (),
    ),
    (
        ActivityKind.VISIT,
        "産後ケア施設の訪問",
        "",
        2,
        60,
        "利用の申込み方法と空き状況の確認方法を聞き取り。",
        (),
    ),
    (
        ActivityKind.RESOURCE,
        "多言語の子育て情報マップ作成の打合せ",
        "国際交流ラウンジ",
        4,
        90,
        "やさしい日本語版と英語版を先に作ることにした。",
        (AgencyKind.MULTICULTURAL,),
    ),
    (
        ActivityKind.OTHER,
        "乳幼児健診会場での横浜子育てパートナーの紹介",
        "区こども家庭支援課",
        35,
        120,
        "健診の待ち時間に利用者支援の案内を配布。",
        (AgencyKind.WARD_HEALTH,),
    ),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 30)))


def _agency_by_kind(hub) -> dict:
    found = {}
    for agency in case_queries.agencies_for(hub):
        found.setdefault(agency.kind, agency)
    return found


def _plan(case, items, *, today: date, rng, actor) -> None:
    for text, offset in items:
        due = min(case.opened_on + timedelta(days=offset), today + timedelta(days=6))
        item = case_services.add_plan_item(case, text, due_on=due, actor=actor)
        if due < today - timedelta(days=2) and rng.random() < 0.8:
            case_services.set_plan_item_done(item, True, actor=actor)
            PlanItem.objects.filter(pk=item.pk).update(done_on=due)


def _linkage(case, spec, agencies, *, today: date, rng, actor) -> None:
    kind, agency_kind, warm = spec
    recent = case.opened_on >= today - timedelta(days=14)
    follow_up = (
        today + timedelta(days=rng.randint(0, 6)) if recent else case.opened_on + timedelta(days=14)
    )
    linkage = case_services.add_linkage(
        case,
        case_services.LinkageData(
            service_kind=kind,
            agency=agencies.get(agency_kind),
            warm_handover=warm,
            consent=case_services.Consent(True, ConsentMethod.VERBAL, _at(case.opened_on, 11))
            if warm
            else None,
            handover_note="ご本人の了承を得て、状況と希望を電話で伝えた。" if warm else "",
            follow_up_on=follow_up,
        ),
        actor=actor,
    )
    Linkage.objects.filter(pk=linkage.pk).update(
        created_at=_at(case.opened_on, 11), status_changed_at=_at(case.opened_on, 11)
    )
    if recent:
        return
    case_services.move_linkage(linkage, LinkageStatus.CONTACTED, actor=actor)
    final = LinkageStatus.NOT_USED if rng.random() < 0.2 else LinkageStatus.CONNECTED
    note = "利用を開始し、落ち着いて過ごせている。" if final == LinkageStatus.CONNECTED else ""
    case_services.move_linkage(linkage, final, result_note=note, actor=actor)
    if final == LinkageStatus.CONNECTED:
        case_services.complete_linkage_follow_up(linkage, actor=actor)
        late = rng.choice([0, 0, 0, 2, 5])
        Linkage.objects.filter(pk=linkage.pk).update(
            follow_up_done_at=_at(follow_up + timedelta(days=late), 15)
        )


def _seed_hub(ctx: DemoContext, hub, *, actors, topics, households, rng) -> int:
    today, agencies = ctx.today, _agency_by_kind(hub)
    for index, days_ago in enumerate(OPENED_DAYS_AGO):
        needs, codes, registered, plan, links = STORIES[index % len(STORIES)]
        opened_on = today - timedelta(days=days_ago)
        actor = actors[index % len(actors)]
        case = case_services.open_case(
            hub,
            case_services.CaseData(
                opened_on=opened_on,
                assigned_to=actors[0],
                needs=needs,
                household=rng.choice(households) if registered and households else None,
                need_topics=[topics[code] for code in codes if code in topics],
            ),
            case_services.Consent(True, ConsentMethod.VERBAL, _at(opened_on)),
            actor=actor,
        )
        _plan(case, plan, today=today, rng=rng, actor=actor)
        for spec in links:
            _linkage(case, spec, agencies, today=today, rng=rng, actor=actor)
        if index < CLOSED_SHARE:
            case_services.close_case(
                case,
                CLOSING[index % len(CLOSING)],
                closed_on=min(opened_on + timedelta(days=rng.randint(60, 120)), today),
                note="支援の目的を達成したため終結。" if index % 2 == 0 else "",
                actor=actor,
            )
    return len(OPENED_DAYS_AGO)


def _seed_activities(ctx: DemoContext, hub, actor) -> None:
    agencies = _agency_by_kind(hub)
    step = 200 // len(ACTIVITIES)
    for index, (kind, title, partners, people, minutes, summary, kinds) in enumerate(ACTIVITIES):
        case_services.record_activity(
            hub,
            case_services.ActivityData(
                happened_on=ctx.today - timedelta(days=200 - index * step),
                kind=kind,
                title=title,
                partners=partners,
                agencies=[agencies[k] for k in kinds if k in agencies],
                participants=people,
                minutes=minutes,
                summary=summary,
            ),
            actor=actor,
        )


@register("support.cases", order=75)
def seed_cases(ctx: DemoContext) -> None:
    rng = ctx.rng_for("support.cases")
    actors = list(
        User.objects.filter(email__in=["partner@example.jp", "manager@example.jp"]).order_by(
            "-email"
        )
    )  # the user-support specialist first: the cases are assigned to her
    if not actors:
        return
    topics = {t.code: t for t in ConsultationTopic.objects.filter(municipality=ctx.shared["city"])}
    ids = [family.household_id for family in ctx.shared.get("demo_families", [])][40:80]
    households = list(
        Household.objects.filter(pk__in=ids, status=HouseholdStatus.ACTIVE).order_by("pk")
    )
    hubs = ctx.shared.get("all_hubs") or [ctx.shared["hub"]]
    made = sum(
        _seed_hub(ctx, hub, actors=actors, topics=topics, households=households, rng=rng)
        for hub in hubs
    )
    _seed_activities(ctx, ctx.shared["hub"], actors[0])
    ctx.log(f"  support cases: {made} cases, {len(ACTIVITIES)} community activities")
