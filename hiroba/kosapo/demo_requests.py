"""Demo 子サポ matching: provider profiles with weekly times, and requests at every stage (a
weekday school run nobody has taken yet, a one-off break being arranged with a provider who
will answer later, a weekly request already introduced, one closed as not matched)."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from hiroba.accounts.models import User
from hiroba.core.demodata import DemoContext, register
from hiroba.kosapo import profile_services, request_services
from hiroba.kosapo.choices import (
    CarePlace,
    ContactResponse,
    MemberKind,
    MemberStatus,
    ReceivedVia,
    RequestKind,
    RequestPattern,
    RequestReason,
    RequestStatus,
)
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import KosapoMember

MORNINGS = [(d, time(7, 0), time(12, 0)) for d in range(5)]
DAYTIME = [(d, time(9, 0), time(17, 0)) for d in range(5)]
AFTERNOONS = [(d, time(13, 0), time(19, 0)) for d in range(5)]
WEEKENDS = [(d, time(9, 0), time(18, 0)) for d in (5, 6)]
# (family name, weekly times, profile flags, furthest km)
PROFILES = [
    ("佐々木", MORNINGS, {"escorts_on_foot": True, "cares_at_own_home": True}, "1.5"),
    ("山口", DAYTIME, {"cares_at_own_home": True, "cares_at_hub": True, "has_pets": True}, "2"),
    ("松本", AFTERNOONS, {"escorts_by_bicycle": True, "cares_at_family_home": True}, "3"),
    ("井上", DAYTIME + WEEKENDS, {"cares_at_own_home": True, "accepts_infants": True}, "2"),
    ("木村", AFTERNOONS, {"escorts_on_foot": True, "cares_at_own_home": True}, "2"),
    ("林", MORNINGS + AFTERNOONS, {"escorts_by_car": True, "cares_at_own_home": True}, "4"),
    ("清水", DAYTIME, {"cares_at_own_home": True}, "2"),
]


@register("kosapo.requests", order=81)
def seed_requests(ctx: DemoContext) -> None:
    coordinator = User.objects.filter(email="kosapo@example.jp").first()
    hub = ctx.shared["hub"]
    providers = {
        m.person.family_name: m
        for m in KosapoMember.objects.filter(hub=hub, kind=MemberKind.PROVIDER).select_related(
            "person", "hub__ward"
        )
    }
    for family, weekly, flags, km in PROFILES:
        if family in providers:
            profile_services.update_profile(
                providers[family],
                flags={"accepts_siblings": True, **flags},
                max_distance_km=Decimal(km),
                districts=[],
                weekly=weekly,
                actor=coordinator,
            )
    users = list(
        KosapoMember.objects.filter(hub=hub, kind=MemberKind.USER, status=MemberStatus.ACTIVE)
        .select_related("hub__ward__municipality", "household")
        .order_by("number")[:4]
    )
    made = sum(_request(ctx, n, user, providers, coordinator) for n, user in enumerate(users))
    ctx.log(f"  kosapo: {len(PROFILES)} provider profiles, {made} requests")


def _details(ctx: DemoContext, n: int, user) -> request_services.RequestDetails:
    start = ctx.today + timedelta(days=3 + n)
    end = min(ctx.today + timedelta(days=90), user.expires_on)
    if n == 0:  # the scarce one: before school, three mornings a week
        return request_services.RequestDetails(
            kind=RequestKind.ESCORT,
            pattern=RequestPattern.WEEKLY,
            first_on=start,
            last_on=end,
            weekdays="024",
            starts=time(7, 30),
            ends=time(8, 15),
            reason=RequestReason.SCHOOL_ESCORT,
            escort_from="自宅",
            escort_to="さくら台保育園",
        )
    weekly = n == 2
    return request_services.RequestDetails(
        kind=RequestKind.CARE,
        pattern=RequestPattern.WEEKLY if weekly else RequestPattern.ONCE,
        first_on=start,
        last_on=end if weekly else None,
        weekdays=str(start.weekday()) if weekly else "",
        starts=time(13, 30) if weekly else time(10, 0),
        ends=time(16, 30) if weekly else time(12, 0),
        reason=RequestReason.WORK if weekly else RequestReason.REFRESH,
        care_place=CarePlace.PROVIDER_HOME,
        received_via=ReceivedVia.COUNTER if n == 3 else ReceivedVia.PHONE,
    )


def _request(ctx, n: int, user, providers, coordinator) -> int:
    children = [c for c in user.household.members.children().present() if c.birth_date][:1]
    try:
        made = request_services.create_request(
            user, children=children, details=_details(ctx, n, user), actor=coordinator
        )
        if n == 1 and "山口" in providers:
            request_services.record_contact(
                made,
                providers["山口"],
                response=ContactResponse.PENDING,
                reason="家族の予定を確認してから返事",
                actor=coordinator,
            )
        elif n == 2 and "木村" in providers:
            request_services.introduce_provider(made, providers["木村"], actor=coordinator)
        elif n == 3:
            request_services.end_request(
                made,
                status=RequestStatus.UNMATCHED,
                reason="希望日に活動できる提供会員がいなかったため",
                actor=coordinator,
            )
    except KosapoError as error:  # e.g. a child outside the ages on a late demo date
        ctx.log(f"  kosapo: request {n} skipped ({error.code})")
        return 0
    return 1
