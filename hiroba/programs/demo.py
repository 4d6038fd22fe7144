"""Demo programs at the demo hub and its satellite (runs after the families and visits steps).

The current fiscal year so far: a 離乳食教室 and a 0歳の集い every month except August (the
summer break, which the statistics page flags: no lecture that month), 出張ひろば twice a month
without sign-up, a 父親の会 every other month; families signed up a week or two before,
attendance taken (most came, a few did not or sent apologies), one class full with families
left on its waiting list. Coming up: one of each kind the hub runs — プレパパ・プレママ教室 as
a lottery already drawn and another still taking applications, 父親の会 for fathers, 0歳の集い
for babies under one, 二人目の会, 多胎の会, 出張ひろば, a full 助産師相談日 with a waiting list
and a seat just offered to the first waiting family, 子サポ入会説明会 for adults only and
やさしい日本語の会.

Every entry goes through the sign-up services, so counters, waiting-list numbers and the
lottery record are what real use gives (``programs/tests/test_demo.py`` checks the
invariants). The families are the families step's; each is checked against the program's
rules before applying. No e-mail is sent about demo entries. The same seed gives the same
programs and entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.core.models import Hub, Venue
from hiroba.families.choices import HouseholdStatus, Language, MemberKind, Relation
from hiroba.families.models import Household, Member
from hiroba.lib.ages import age_in_months, gestational_age
from hiroba.lib.errors import InputError
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of
from hiroba.lib.jpcalendar import is_public_holiday
from hiroba.programs import eligibility, notify, services
from hiroba.programs.choices import (
    AttendanceStatus,
    BirthOrderRule,
    EntryChannel,
    EntryStatus,
    PriorityGroup,
    ProgramCategory,
    SignupMode,
)
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Program

TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY = 1, 2, 3, 4, 5
SUMMER_BREAK = 8  # no classes in August


@dataclass(frozen=True)
class Kind:
    """A kind of program the hub runs: what the form would hold."""

    title: str
    category: str
    description: str
    start: time = time(10, 0)
    minutes: int = 90
    values: dict = field(default_factory=dict)


WEANING = Kind(
    "離乳食教室",
    ProgramCategory.CLASS,
    "管理栄養士が離乳食の進め方をお話しします。試食あり。生後5〜8か月の赤ちゃんと保護者の方。",
    values={
        "capacity_families": 10,
        "min_age_months": 5,
        "max_age_months": 8,
        "translations": {
            "ja-easy": {
                "title": "離乳食 の 教室",
                "description": "赤ちゃん の ごはん（離乳食）の 作りかた を 話します。"
                "5か月から 8か月 の 赤ちゃん と 親 が 来られます。",
            },
            "en": {
                "title": "Baby food class",
                "description": "A dietitian explains how to start baby food, with tasting. "
                "For babies aged 5 to 8 months and their parents.",
            },
        },
    },
)
ZERO = Kind(
    "0歳の集い",
    ProgramCategory.ZERO_YEAR,
    "0歳の赤ちゃんと保護者の方の集まりです。ふれあい遊びと子育ての情報交換。",
    values={"capacity_families": 12, "min_age_months": 0, "max_age_months": 11},
)
OUTREACH = Kind(
    "出張ひろば",
    ProgramCategory.OUTREACH,
    "地区センターにおもちゃを持って出張します。申込不要、出入り自由です。",
    start=time(10, 30),
    values={
        "signup_mode": SignupMode.DROP_IN,
        "capacity_families": None,
        "counts_as_lecture": False,
    },
)
FATHERS = Kind(
    "父親の会",
    ProgramCategory.FATHERS,
    "パパと子どもで体を使って遊びます。パパ同士のおしゃべりタイムもあります。",
    minutes=120,
    values={"capacity_families": 10, "requires_father": True},
)
PRENATAL = Kind(
    "プレパパ・プレママ教室",
    ProgramCategory.EXPECTING_PARENTS,
    "沐浴体験と妊婦体験、先輩ママ・パパとの交流。妊娠16〜36週の方とパートナー、3組まで（抽選）。",
    minutes=120,
    values={
        "signup_mode": SignupMode.LOTTERY,
        "capacity_families": 3,
        "capacity_people": 6,
        "min_pregnancy_week": 16,
        "max_pregnancy_week": 36,
        "priority_groups": [PriorityGroup.FIRST_TIME, PriorityGroup.RESIDENT],
    },
)
SECOND = Kind(
    "二人目の会",
    ProgramCategory.SECOND_CHILD,
    "きょうだい育児の工夫を話し合います。下のお子さんが2歳未満のご家族。",
    values={
        "capacity_families": 8,
        "max_age_months": 23,
        "birth_order": BirthOrderRule.SECOND_OR_LATER,
    },
)
MULTIPLES = Kind(
    "多胎の会",
    ProgramCategory.MULTIPLES,
    "ふたご・みつごを育てるご家族の集まりです。妊娠中の方もどうぞ。",
    values={"capacity_families": 6},
)
MIDWIFE = Kind(
    "助産師相談日",
    ProgramCategory.SPECIALIST_DAY,
    "助産師が授乳や体重、産後の体調などの相談に応じます。1組20分程度。",
    start=time(13, 30),
    minutes=120,
    values={"capacity_families": 6, "counts_as_lecture": False},
)
KOSAPO = Kind(
    "子サポ入会説明会",
    ProgramCategory.KOSAPO_BRIEFING,
    "横浜子育てサポートシステムの仕組みと利用・提供会員の登録方法をご説明します。",
    minutes=60,
    values={
        "capacity_families": None,
        "capacity_people": 20,
        "requires_child": False,
        "counts_as_lecture": False,
    },
)
EASY_JAPANESE = Kind(
    "やさしい日本語の会",
    ProgramCategory.FOREIGN_ROOTS,
    "やさしい にほんごで こそだての はなしを します。がいこくに ルーツの ある かぞく。",
    start=time(14, 0),
    values={"capacity_families": 8, "language": Language.EASY_JAPANESE},
)


@dataclass
class _Site:
    """One demo hub: its venues, the families who may sign up and the staff who enter them."""

    hub: Hub
    room: Venue
    outreach: list[Venue]
    households: list[Household]
    staff: User | None
    rng: object
    now: datetime
    counts: dict[str, int] = field(default_factory=lambda: {"programs": 0, "entries": 0})


def _moment(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _weekday_on_or_after(day: date, weekday: int) -> date:
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while is_public_holiday(day):
        day += timedelta(days=7)
    return day


def _nth_weekday(month: date, weekday: int, n: int) -> date:
    first = month.replace(day=1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


# -- who comes -----------------------------------------------------------------------------------
def _present(household: Household) -> list[Member]:
    return [m for m in household.members.all() if m.left_on is None]


def _expecting(program: Program, member: Member, day: date) -> bool:
    if not member.is_expected:
        return False
    try:
        weeks, _days = gestational_age(member.due_date, day)
    except InputError:
        return False
    low, high = program.min_pregnancy_week, program.max_pregnancy_week
    return (low is None or weeks >= low) and (high is None or weeks <= high)


def _children_for(program: Program, members: list[Member], day: date) -> list[Member]:
    if program.min_pregnancy_week is not None:
        return [m for m in members if _expecting(program, m, day)][:1]
    born = [
        m for m in members if m.kind == MemberKind.CHILD and m.birth_date and m.birth_date <= day
    ]
    low, high = program.min_age_months, program.max_age_months
    fitting = [
        m
        for m in born
        if (low is None or age_in_months(m.birth_date, day) >= low)
        and (high is None or age_in_months(m.birth_date, day) <= high)
    ]
    return sorted(fitting, key=lambda m: m.birth_date, reverse=True)[:1]


def _party(program: Program, household: Household, day: date, rng) -> list[Member] | None:
    """Who of the family comes, or None when the family cannot take part."""
    members = _present(household)
    carers = [m for m in members if m.kind == MemberKind.CAREGIVER]
    fathers = [m for m in carers if m.relation == Relation.FATHER]
    if program.requires_father:
        adults = fathers[:1]
    elif program.min_pregnancy_week is not None or rng.random() < 0.15:
        adults = carers[:2]  # both parents come to the prenatal class, sometimes elsewhere
    else:
        adults = carers[:1]
    if not adults:
        return None
    children = _children_for(program, members, day)
    if program.requires_child and not children:
        return None
    if not program.requires_child:
        children = []
    party = [*adults, *children]
    if eligibility.problems(program, household, party, on=day):
        return None
    return party


def _apply(site: _Site, program: Program, families: int, day: date, *, at: datetime) -> list:
    """Up to ``families`` entries, each family checked against the rules first; a few are
    entered by staff after a phone call. ``at`` is when the applications come in."""
    entries = []
    candidates = [
        h
        for h in site.households
        if h.registered_on is not None
        and h.registered_on <= day - timedelta(days=7)
        and (program.language != Language.EASY_JAPANESE or h.language != Language.JAPANESE)
    ]
    site.rng.shuffle(candidates)
    for household in candidates:
        if len(entries) >= families:
            break
        party = _party(program, household, day, site.rng)
        if party is None:
            continue
        by_phone = site.rng.random() < 0.15
        moment = at + timedelta(minutes=len(entries) * site.rng.randint(5, 300))
        try:
            entry = services.apply(
                program,
                household,
                party,
                actor=site.staff if by_phone else None,
                channel=EntryChannel.PHONE if by_phone else EntryChannel.WEB,
                now=min(moment, site.now, program.first_starts_at - timedelta(hours=1)),
            )
        except ProgramError:
            continue
        entries.append(entry)
    site.counts["entries"] += len(entries)
    return entries


# -- programs ------------------------------------------------------------------------------------
def _program(site: _Site, kind: Kind, day: date, *, venue=None, **values) -> Program:
    program = services.create_program(
        site.hub,
        {
            "title": kind.title,
            "category": kind.category,
            "description": kind.description,
            "venue": venue or site.room,
            "accessibility": "エレベーターあり。ベビーカー置き場・授乳室あり。",
            **kind.values,
            **values,
        },
        actor=site.staff,
    )
    start = _moment(day, kind.start)
    services.add_session(program, start, start + timedelta(minutes=kind.minutes), actor=site.staff)
    services.publish_program(program, actor=site.staff)
    site.counts["programs"] += 1
    return program


def _take_attendance(site: _Site, program: Program) -> None:
    session = program.sessions.get()
    for entry in program.entries.filter(status=EntryStatus.CONFIRMED).order_by("pk"):
        roll = site.rng.random()
        status = (
            AttendanceStatus.ATTENDED
            if roll < 0.8
            else AttendanceStatus.EXCUSED
            if roll < 0.92
            else AttendanceStatus.ABSENT
        )
        services.record_attendance(session, entry, status, actor=site.staff)
    if site.rng.random() < 0.4:
        services.record_walk_ins(session, 1, 2, actor=site.staff)


def _past_class(site: _Site, kind: Kind, day: date, *, full: bool = False) -> None:
    """A class held: families signed up two weeks before, one may have cancelled, attendance
    taken. ``full``: a smaller room, more families than seats, some left waiting."""
    program = _program(site, kind, day, **({"capacity_families": 8} if full else {}))
    capacity = program.capacity_families or 10
    wanted = capacity + 3 if full else site.rng.randint(capacity // 2, capacity)
    entries = _apply(site, program, wanted, day, at=_moment(day - timedelta(days=14), time(9)))
    confirmed = [e for e in entries if e.status == EntryStatus.CONFIRMED]
    if not full and len(confirmed) > 3 and site.rng.random() < 0.5:
        services.cancel(confirmed[-1], now=_moment(day - timedelta(days=3), time(20)))
    _take_attendance(site, program)


def _past_drop_in(site: _Site, kind: Kind, day: date, venue: Venue) -> None:
    program = _program(site, kind, day, venue=venue)
    families = site.rng.randint(4, 11)
    people = families * 2 + site.rng.randint(0, families)
    services.record_walk_ins(program.sessions.get(), families, people, actor=site.staff)


def _classes_so_far(today: date) -> list[tuple[Kind, date]]:
    """The fiscal year's classes before today: 離乳食教室 on the 2nd Tuesday, 0歳の集い on the
    3rd Thursday, 父親の会 on the 3rd Saturday of even months; none in August."""
    month = fiscal_year_bounds(fiscal_year_of(today))[0]
    plan = []
    while month <= today:
        if month.month != SUMMER_BREAK:
            plan += [
                (WEANING, _nth_weekday(month, TUESDAY, 2)),
                (ZERO, _nth_weekday(month, THURSDAY, 3)),
            ]
            if month.month % 2 == 0:
                plan.append((FATHERS, _nth_weekday(month, SATURDAY, 3)))
        month = (month + timedelta(days=32)).replace(day=1)
    return sorted(
        ((k, d) for k, d in plan if d < today and not is_public_holiday(d)), key=lambda p: p[1]
    )


def _history(site: _Site, today: date) -> None:
    """The fiscal year so far, up to yesterday; the latest 0歳の集い was full."""
    classes = _classes_so_far(today)
    last_zero = max((d for k, d in classes if k is ZERO), default=None)
    for kind, day in classes:
        _past_class(site, kind, day, full=day == last_zero)
    month = fiscal_year_bounds(fiscal_year_of(today))[0]
    while month <= today:
        for n, venue in zip((1, 3), site.outreach * 2, strict=False):
            day = _nth_weekday(month, WEDNESDAY, n)
            if day < today and not is_public_holiday(day):
                _past_drop_in(site, OUTREACH, day, venue)
        month = (month + timedelta(days=32)).replace(day=1)


def _drawn_lottery(site: _Site, today: date) -> None:
    day = _weekday_on_or_after(today + timedelta(days=12), SATURDAY)
    program = _program(
        site,
        PRENATAL,
        day,
        opens_at=_moment(today - timedelta(days=20), time(9)),
        closes_at=_moment(today - timedelta(days=3), time(17)),
        draw_at=_moment(today - timedelta(days=2), time(9)),
    )
    _apply(site, program, 10, day, at=_moment(today - timedelta(days=15), time(9)))
    seed = f"{site.rng.getrandbits(128):032x}"
    services.draw_lottery(program, seed=seed, now=program.draw_at)


def _open_lottery(site: _Site, today: date) -> None:
    day = _weekday_on_or_after(today + timedelta(days=33), SATURDAY)
    program = _program(
        site,
        PRENATAL,
        day,
        opens_at=_moment(today - timedelta(days=3), time(9)),
        closes_at=_moment(today + timedelta(days=14), time(17)),
        draw_at=_moment(today + timedelta(days=15), time(9)),
    )
    _apply(site, program, 4, day, at=max(program.opens_at, site.now - timedelta(days=2)))


def _full_with_offer(site: _Site, today: date) -> None:
    """Full, with a waiting list; one family has just cancelled, so the first waiting family
    holds an offer that is still open."""
    day = _weekday_on_or_after(today + timedelta(days=3), THURSDAY)
    program = _program(site, MIDWIFE, day)
    entries = _apply(site, program, 9, day, at=site.now - timedelta(days=6))
    confirmed = [e for e in entries if e.status == EntryStatus.CONFIRMED]
    if confirmed:
        services.cancel(confirmed[0], now=site.now - timedelta(minutes=30))


def _upcoming(site: _Site, today: date) -> None:
    early = site.now - timedelta(days=5)
    plan = [
        (ZERO, 5, THURSDAY, 6, {}),
        (WEANING, 9, TUESDAY, 5, {}),
        (SECOND, 8, WEDNESDAY, 3, {}),
        (EASY_JAPANESE, 10, FRIDAY, 3, {}),
        (FATHERS, 16, SATURDAY, 4, {}),
        (KOSAPO, 20, TUESDAY, 4, {}),
        (MULTIPLES, 22, FRIDAY, 0, {}),
        (OUTREACH, 7, WEDNESDAY, 0, {"venue": site.outreach[0]}),
    ]
    for kind, offset, weekday, families, values in plan:
        day = _weekday_on_or_after(today + timedelta(days=offset), weekday)
        program = _program(site, kind, day, **values)
        if families and program.takes_entries:
            _apply(site, program, families, day, at=early)
    _full_with_offer(site, today)
    _drawn_lottery(site, today)
    _open_lottery(site, today)


def _satellite(site: _Site, today: date) -> None:
    past = _weekday_on_or_after(today - timedelta(days=24), THURSDAY)
    if past < today:
        _past_class(site, ZERO, past)
    for kind, offset, weekday, families in ((ZERO, 6, THURSDAY, 5), (WEANING, 13, TUESDAY, 4)):
        day = _weekday_on_or_after(today + timedelta(days=offset), weekday)
        _apply(site, _program(site, kind, day), families, day, at=site.now - timedelta(days=4))


def _site(ctx: DemoContext, hub: Hub, households: list[Household], staff_email: str) -> _Site:
    venues = list(Venue.objects.filter(hub=hub).order_by("sort_order", "pk"))
    return _Site(
        hub=hub,
        room=venues[0],
        outreach=[v for v in venues[1:3]] or venues[:1],
        households=households,
        staff=User.objects.filter(email=staff_email).first(),
        rng=ctx.rng_for(f"programs:{hub.kind}"),
        now=timezone.now(),
    )


def _households(ctx: DemoContext) -> list[Household]:
    ids = [family.household_id for family in ctx.shared.get("demo_families", [])]
    return list(
        Household.objects.filter(pk__in=ids, status=HouseholdStatus.ACTIVE)
        .prefetch_related("members")
        .select_related("district", "town_block")
        .order_by("pk")
    )


@register("programs.schedule", order=50)
def seed_programs(ctx: DemoContext) -> None:
    households = _households(ctx)
    today = ctx.today
    with notify.muted():
        main = _site(ctx, ctx.shared["hub"], households, "staff@example.jp")
        _history(main, today)
        _upcoming(main, today)
        satellite = _site(ctx, ctx.shared["satellite"], households, "satellite@example.jp")
        _satellite(satellite, today)
    programs = main.counts["programs"] + satellite.counts["programs"]
    entries = main.counts["entries"] + satellite.counts["entries"]
    ctx.log(f"  programs: {programs} programs, {entries} entries")
