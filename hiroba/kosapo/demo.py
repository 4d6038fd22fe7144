"""Demo 子サポ members at the demo hub's branch: user members from the demo families (with
their trial coupons), trained providers, a provider still in training, one whose safety course
has lapsed (so the member page shows why she is not offered), applicants waiting for
registration and a suspended member. Written through the services, so numbers, checks and audit
rows are as in real use."""

from __future__ import annotations

from datetime import date, timedelta

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.families.choices import HouseholdStatus, Relation
from hiroba.families.choices import MemberKind as FamilyMemberKind
from hiroba.families.models import Household
from hiroba.families.services import HouseholdData, MemberData, register_household
from hiroba.kosapo import services
from hiroba.kosapo.choices import IdentityDocument, MemberKind, TrainingItem
from hiroba.kosapo.errors import KosapoError

USERS = 24
PROVIDERS = [
    # (family, given, kana family, kana given, born, state)
    ("佐々木", "和子", "ササキ", "カズコ", date(1958, 5, 12), "trained"),
    ("山口", "恵美", "ヤマグチ", "エミ", date(1966, 9, 3), "trained"),
    ("松本", "直美", "マツモト", "ナオミ", date(1972, 1, 21), "trained"),
    ("井上", "幸子", "イノウエ", "サチコ", date(1955, 11, 30), "trained"),
    ("木村", "洋子", "キムラ", "ヨウコ", date(1963, 7, 8), "trained"),
    ("林", "正樹", "ハヤシ", "マサキ", date(1960, 3, 15), "trained"),
    ("清水", "聡子", "シミズ", "サトコ", date(1969, 12, 2), "lapsed"),
    ("森", "千春", "モリ", "チハル", date(1985, 4, 18), "in_training"),
]


@register("kosapo.members", order=80)
def seed_members(ctx: DemoContext) -> None:
    coordinator = User.objects.filter(email="kosapo@example.jp").first()
    hub = ctx.shared["hub"]
    rng = ctx.rng_for("kosapo.members")
    ids = [family.household_id for family in ctx.shared.get("demo_families", [])][120:260]
    households = Household.objects.filter(pk__in=ids, status=HouseholdStatus.ACTIVE).order_by("pk")
    users = 0
    for household in households:
        if users >= USERS:
            break
        joined = ctx.today - timedelta(days=rng.randrange(20, 200))
        if _user(household, hub, joined, coordinator, state=_state(users)):
            users += 1
    # Providers live among the families: each takes the address of a family whose district is
    # known, so the provider's district resolves too (matching ranks by it).
    neighbours = list(
        Household.objects.filter(hub=hub, district__isnull=False, status=HouseholdStatus.ACTIVE)
        .exclude(address_rest="")
        .order_by("pk")[: len(PROVIDERS)]
    )
    for provider, neighbour in zip(PROVIDERS, neighbours, strict=False):
        _provider(ctx, hub, provider, neighbour, coordinator)
    ctx.log(f"  kosapo: {users} user members, {len(PROVIDERS)} providers")


def _state(n: int) -> str:
    return {0: "provisional", 1: "provisional", 2: "suspended"}.get(n, "active")


def _user(household, hub, joined: date, actor, *, state: str) -> bool:
    person = household.members.caregivers().order_by("sort_order").first()
    if person is None:
        return False
    try:
        member = services.register_member(
            hub=hub,
            household=household,
            person=person,
            kind=MemberKind.USER,
            actor=actor,
            on=joined,
        )
    except KosapoError:
        return False
    _brief(member, joined, actor)
    if state != "provisional":
        services.activate_member(member, on=joined, actor=actor)
    if state == "suspended":
        services.suspend_member(member, reason="育児休業中のため利用予定なし", actor=actor)
    return True


def _brief(member, on: date, actor) -> None:
    services.record_briefing(
        member,
        briefing_on=on,
        identity_checked_on=on,
        identity_document=IdentityDocument.DRIVING_LICENCE,
        photo_received=True,
        actor=actor,
    )


def _provider(ctx, hub, provider, neighbour: Household, actor) -> None:
    family, given, kana_family, kana_given, born, state = provider
    household = register_household(
        hub,
        HouseholdData(
            members=[
                MemberData(
                    kind=FamilyMemberKind.CAREGIVER,
                    family_name=family,
                    given_name=given,
                    family_name_kana=kana_family,
                    given_name_kana=kana_given,
                    birth_date=born,
                    relation=Relation.OTHER,
                )
            ],
            postal_code=neighbour.postal_code,
            address_region=neighbour.address_region,
            address_rest=neighbour.address_rest,
        ),
        actor=actor,
        registered_on=ctx.today - timedelta(days=400),
    )
    person = household.members.get()
    started = ctx.today - timedelta(days=120 if state != "lapsed" else 2000)
    member = services.register_member(
        hub=hub,
        household=household,
        person=person,
        kind=MemberKind.PROVIDER,
        actor=actor,
        on=started,
    )
    _brief(member, started, actor)
    trainings = [
        (TrainingItem.ELEARNING, 790 if state != "in_training" else 400),
        (TrainingItem.ONSITE, 350 if state != "in_training" else 0),
        (TrainingItem.LIFE_SAVING, 180),
        (TrainingItem.ACCIDENT_PREVENTION, 90),
    ]
    for offset, (item, minutes) in enumerate(trainings):
        if minutes:
            services.record_training(
                member,
                item=item,
                minutes=minutes,
                completed_on=started + timedelta(offset * 7),
                actor=actor,
            )
    if state == "in_training":
        return
    registered = started + timedelta(days=30)
    services.activate_member(member, on=registered, actor=actor)
    if registered < ctx.today - timedelta(days=365):
        services.renew_member(member, on=ctx.today, actor=actor)


# The matching step lives in its own module; importing it registers it with the demo steps.
from hiroba.kosapo import demo_requests  # noqa: E402, F401
