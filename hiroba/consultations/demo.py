"""Demo consultations at the demo hub: the ward's and the city's agencies, half a year of
consultation records (some anonymous, some linked to registered families) with notes,
referrals at different stages, follow-ups due this week, and one break-glass opening for the
manager to acknowledge. Written through the services, so numbers, encryption and audit rows
are as in real use."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from hiroba.accounts.models import User
from hiroba.consultations import services
from hiroba.consultations.choices import (
    AgencyKind,
    Caregiver,
    Channel,
    ConsentMethod,
    Outcome,
    ReferralMethod,
    ReferralStatus,
)
from hiroba.consultations.models import Agency, ConsultationTopic
from hiroba.core.demodata import DemoContext, register
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household

RECORDS = 60
DAYS_BACK = 180

AGENCIES = [
    (AgencyKind.WARD_HEALTH, "区こども家庭支援課（地区担当保健師）", True),
    (AgencyKind.CONCIERGE, "区保育・教育コンシェルジュ", True),
    (AgencyKind.USER_SUPPORT, "横浜子育てパートナー", True),
    (AgencyKind.KOSAPO, "子育てサポートシステム区支部", True),
    (AgencyKind.TEMPORARY_CARE, "一時預かり（区内保育園）", True),
    (AgencyKind.CHILD_GUIDANCE, "中央児童相談所", False),
    (AgencyKind.MULTICULTURAL, "国際交流ラウンジ（多文化共生）", False),
    (AgencyKind.MEDICAL, "地域療育センター", False),
]

# (topic codes, summary, outcome)
STORIES = [
    (
        ("sleep",),
        "夜泣きが続き、母の睡眠不足が心配。生活リズムの工夫を一緒に考えた。",
        Outcome.ADVICE,
    ),
    (("feeding",), "離乳食を嫌がる。量と形状について栄養士相談日を案内。", Outcome.INFORMATION),
    (("nursery", "work"), "来年4月の復職に向けて保育園の申込みを相談。", Outcome.REFERRAL),
    (
        ("development",),
        "言葉がゆっくりで気になる。健診の予定と相談先を伝えた。",
        Outcome.CONTINUING,
    ),
    (
        ("mother_health",),
        "産後の気分の落ち込み。話を聴き、保健師につなぐことに同意。",
        Outcome.REFERRAL,
    ),
    (("childcare",), "通院のため数時間預けたい。子サポと一時預かりを紹介。", Outcome.REFERRAL),
    (("siblings",), "上の子の赤ちゃん返り。関わり方を一緒に考えた。", Outcome.ADVICE),
    (
        ("foreign", "friends"),
        "転入したばかりで知り合いがいない。多言語の案内とひろばの行事を紹介。",
        Outcome.INFORMATION,
    ),
    (("family",), "夫婦で育児の分担について話し合いたい。父親の会を案内。", Outcome.INFORMATION),
    (("play",), "家での遊び方が分からない。手遊びと絵本を紹介。", Outcome.ADVICE),
]
CHANNELS = [Channel.HIROBA] * 6 + [Channel.PHONE, Channel.SPECIALIST_DAY, Channel.OUTREACH]


def _agencies(ctx: DemoContext) -> dict[str, Agency]:
    made = {}
    for kind, name, ward_level in AGENCIES:
        agency, _created = Agency.objects.get_or_create(
            municipality=ctx.shared["city"],
            ward=ctx.shared["ward"] if ward_level else None,
            kind=kind,
            name=name,
        )
        made[kind] = agency
    return made


def _when(ctx: DemoContext, rng, index: int) -> datetime:
    day = ctx.today - timedelta(days=DAYS_BACK - index * DAYS_BACK // RECORDS)
    moment = time(rng.choice([10, 11, 13, 14, 15]), rng.choice([0, 15, 30, 45]))
    return timezone.make_aware(datetime.combine(day, moment))


def _refer(record, agency, *, staff, rng, today) -> None:
    consent = record.happened_at + timedelta(minutes=20)
    referral = services.refer(
        record,
        services.ReferralData(
            agency=agency,
            method=rng.choice(list(ReferralMethod)),
            reason="本人の希望と同意のもと、専門機関での継続的な支援につなぐ。",
            consent_given=True,
            consent_method=ConsentMethod.VERBAL,
            consent_given_at=consent,
            follow_up_on=today + timedelta(days=rng.randint(0, 6)),
        ),
        actor=staff,
    )
    if record.happened_at.date() < today - timedelta(days=30):
        services.move_referral(
            referral, ReferralStatus.ACCEPTED, note="受理の連絡あり", actor=staff
        )
        services.move_referral(
            referral, ReferralStatus.DONE, feedback="訪問・面談を実施済み。", actor=staff
        )


@register("consultations.records", order=60)
def seed_consultations(ctx: DemoContext) -> None:
    rng = ctx.rng_for("consultations")
    hub, today = ctx.shared["hub"], ctx.today
    agencies = _agencies(ctx)
    staff = list(
        User.objects.filter(
            email__in=["staff@example.jp", "partner@example.jp", "manager@example.jp"]
        ).order_by("email")
    )
    if not staff:
        return
    topics = {t.code: t for t in ConsultationTopic.objects.filter(municipality=ctx.shared["city"])}
    ids = [family.household_id for family in ctx.shared.get("demo_families", [])][:40]
    households = list(Household.objects.filter(pk__in=ids, status=HouseholdStatus.ACTIVE))
    referral_kinds = {
        "nursery": AgencyKind.CONCIERGE,
        "mother_health": AgencyKind.WARD_HEALTH,
        "childcare": AgencyKind.KOSAPO,
    }
    for index in range(RECORDS):
        codes, summary, outcome = STORIES[index % len(STORIES)]
        author = staff[index % len(staff)]
        happened_at = _when(ctx, rng, index)
        recent = happened_at.date() >= today - timedelta(days=14)
        record = services.record_consultation(
            hub,
            services.ConsultationData(
                happened_at=happened_at,
                channel=rng.choice(CHANNELS),
                caregiver=rng.choice([Caregiver.MOTHER] * 4 + [Caregiver.FATHER]),
                outcome=outcome,
                topics=[topics[code] for code in codes if code in topics],
                summary=summary,
                duration_minutes=rng.choice([10, 15, 20, 30, 45]),
                household=rng.choice(households) if households and rng.random() < 0.5 else None,
                child_ages=sorted(rng.sample(range(2, 40), rng.choice([1, 1, 2]))),
                needs_care="mother_health" in codes,
                follow_up_on=today + timedelta(days=rng.randint(0, 6)) if recent else None,
                assigned_staff=[staff[(index + 1) % len(staff)]] if index % 5 == 0 else [],
            ),
            actor=author,
        )
        if outcome == Outcome.CONTINUING:
            services.add_note(record, "2週間後に再来。様子は落ち着いてきている。", actor=author)
        for code in codes:
            if code in referral_kinds:
                _refer(record, agencies[referral_kinds[code]], staff=author, rng=rng, today=today)
    colleague = User.objects.filter(email="mfa@example.jp").first()
    if colleague is not None:
        services.open_break_glass(
            record,
            "保健師から至急の問い合わせがあり、担当者不在のため内容を確認した。",
            actor=colleague,
            tell_managers=False,
        )
    ctx.log(f"  consultations: {RECORDS} records, {len(agencies)} agencies")
