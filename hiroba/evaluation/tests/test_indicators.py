"""The evaluation's indicator library: exact values per group of indicators on fiscal year 2026
(1 April 2026 - 31 March 2027) with data at the hub, its satellite and a foreign hub, on both
edges of the year and just outside them, cancelled rows left out; the registry, formatting,
changes, and a fixed number of queries for a whole sheet."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hiroba.accounts.choices import Role
from hiroba.consultations import services as consultation_services
from hiroba.consultations.choices import Caregiver, Channel, Outcome
from hiroba.consultations.tests.factories import agency, consultation, referral_data
from hiroba.core.choices import VenueKind
from hiroba.core.models import Hub
from hiroba.core.tests.factories import HubFactory, VenueFactory
from hiroba.evaluation import indicators
from hiroba.families.choices import HouseholdStatus
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.kosapo import request_services
from hiroba.kosapo.choices import CouponEntry, MemberKind, MemberStatus, RequestStatus
from hiroba.kosapo.models import CareRequest, CouponLedgerEntry, KosapoMember
from hiroba.kosapo.services import record_training
from hiroba.kosapo.tests.factories import ask, member
from hiroba.programs import services as program_services
from hiroba.programs.choices import AttendanceStatus
from hiroba.programs.tests.factories import caregivers_and_children, program
from hiroba.support import case_services
from hiroba.support import services as support_services
from hiroba.support.choices import BookingSource, CancelledBy, LinkageStatus
from hiroba.support.models import Linkage
from hiroba.support.tests.case_factories import activity, linkage, support_case
from hiroba.support.tests.factories import a_family, book, slots
from hiroba.visits import reports
from hiroba.visits import services as visit_services
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
FY = 2026
FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)
BEFORE, AFTER = date(2026, 3, 31), date(2027, 4, 1)
NOW = datetime(2027, 5, 20, 12, 0, tzinfo=TOKYO)


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _values(hub, *codes: str) -> dict:
    return indicators.values_for(hub, FY, codes or None)


# -- the registry --------------------------------------------------------------------------------
def test_codes_are_unique_and_ordered_by_program_then_registration():
    found = indicators.all_indicators()
    codes = [indicator.code for indicator in found]
    assert len(codes) == len(set(codes))
    assert [i.program for i in found] == sorted(i.program for i in found)
    assert codes[:3] == ["visits.opening_days", "visits.person_visits", "visits.adult_visits"]
    assert {i.program for i in found} == {1, 2, 6, 7}
    assert all(i.decimals == 1 for i in found if i.code.endswith(("_share", "_rate")))
    assert indicators.get("kosapo.matching_rate").program == 6
    with pytest.raises(KeyError):
        indicators.get("visits.no_such_thing")


def test_register_refuses_a_code_twice_and_a_program_outside_1_to_7(monkeypatch):
    monkeypatch.setattr(indicators, "_REGISTRY", dict(indicators._REGISTRY))
    known = indicators.get("visits.person_visits")
    with pytest.raises(ValueError, match="already registered"):
        indicators.register(replace(known))
    with pytest.raises(ValueError, match="1..7"):
        indicators.register(replace(known, code="x.y", program=8))
    added = indicators.register(replace(known, code="network.meetings", program=4))
    assert indicators.get("network.meetings") is added
    assert indicators.all_indicators()[-1].program == 7  # sorted by program, not by addition
    assert [i.code for i in indicators.all_indicators() if i.program == 4] == ["network.meetings"]


def test_sheet_hubs_are_the_main_hub_and_its_satellites(world):
    second = HubFactory(kind="satellite", parent=world.a.hub, ward=world.a.hub.ward)
    assert indicators.sheet_hubs(world.a.hub) == [world.a.hub, world.a.satellite, second]
    assert indicators.sheet_hubs(world.a.satellite) == [world.a.satellite]
    assert indicators.sheet_hubs(world.b.hub) == [world.b.hub, world.b.satellite]


# -- formatting and changes ----------------------------------------------------------------------
def test_format_value():
    count = indicators.get("visits.person_visits")
    share = indicators.get("kosapo.matching_rate")
    assert indicators.format_value(count, 32410) == "32,410"
    assert indicators.format_value(count, 0) == "0"
    assert indicators.format_value(count, 1234567) == "1,234,567"
    assert indicators.format_value(share, Decimal("96.5")) == "96.5"
    assert indicators.format_value(share, Decimal("96.45")) == "96.5"  # half up
    assert indicators.format_value(share, Decimal("1234.5")) == "1,234.5"
    assert indicators.format_value(share, 100) == "100.0"
    assert indicators.format_value(count, None) == "—"
    assert indicators.format_value(share, None) == "—"


def test_change():
    assert indicators.change(32410, 31100) == Decimal("4.2")
    assert indicators.change(90, 100) == Decimal("-10.0")
    assert indicators.change(100, 100) == Decimal("0.0")
    assert indicators.change(Decimal("50.0"), Decimal("40.0")) == Decimal("25.0")
    assert indicators.change(2, 3) == Decimal("-33.3")
    assert indicators.change(1, 6) == Decimal("-83.3")
    assert indicators.change(5, 0) is None
    assert indicators.change(5, None) is None
    assert indicators.change(None, 5) is None
    assert indicators.change(0, 5) == Decimal("-100.0")


# -- program 1: visits ------------------------------------------------------------------------
def _tally(venue, on, key="manual", **counts):
    return visit_services.record_tally(venue, on, Counts(**counts), actor=None, source_key=key)[0]


def _check_in(household, venue, on):
    members = [m.pk for m in household.members.all()]
    return visit_services.check_in(household, venue, members, actor=None, on=on)[0]


@pytest.fixture
def visits(world):
    hub, satellite = world.a.hub, world.a.satellite
    room = VenueFactory(hub=hub, kind=VenueKind.HIROBA_ROOM)
    satellite_room = VenueFactory(hub=satellite, kind=VenueKind.HIROBA_ROOM)
    foreign_room = VenueFactory(hub=world.b.hub, kind=VenueKind.HIROBA_ROOM)
    _tally(room, FIRST, adults=10, fathers=2, grandparents=1, pregnant=1, children_0=4,
           children_1=3, children_2=2, children_3=1, pairs=8, first_visits=2)  # fmt: skip
    _tally(satellite_room, LAST, adults=5, fathers=1, children_0=1, children_1=1, children_3=3,
           pairs=4)  # fmt: skip
    regular = family(hub)  # a mother and a child born 2025-05-01: aged 1 all year
    _check_in(regular, room, date(2026, 5, 12))
    _check_in(regular, satellite_room, date(2026, 6, 1))
    # Not counted: the years before and after, another city, a walk-in cancelled.
    _tally(room, BEFORE, adults=100, children_0=50, pairs=90)
    _tally(room, AFTER, adults=200, children_0=20, pairs=80)
    _tally(foreign_room, date(2026, 6, 1), adults=300, children_3=9, pairs=99)
    other = family(hub, caregiver(given_name="桜"), child(given_name="葵"))
    _check_in(other, room, BEFORE)
    _check_in(other, room, AFTER)
    _check_in(family(world.b.hub), foreign_room, date(2026, 6, 2))
    walk_in = visit_services.record_walk_in(
        room, Counts(adults=7, children_0=7), actor=None, on=date(2026, 10, 1)
    )
    visit_services.cancel_visit(walk_in, actor=None)
    return room, satellite_room


def test_visit_indicators_count_the_hub_group_in_the_year(world, visits):
    values = _values(world.a.hub)
    assert values["visits.adult_visits"] == 10 + 5 + 1 + 1
    assert values["visits.child_visits"] == 17
    assert values["visits.person_visits"] == 34
    assert [values[f"visits.children_{band}"] for band in range(4)] == [5, 6, 2, 4]
    assert values["visits.under_three_share"] == Decimal("76.5")  # 13 / 17
    assert values["visits.groups"] == 8 + 4 + 1 + 1
    assert values["visits.first_visits"] == 3
    assert values["visits.fathers"] == 3
    assert values["visits.grandparents"] == 1
    assert values["visits.pregnant"] == 1
    assert values["visits.families"] == 1


def test_visit_indicators_agree_with_the_yearly_report(world, visits):
    scope = reports.hub_group_scope(world.a.hub, [world.a.hub.pk, world.a.satellite.pk])
    total = reports.yearly_report(scope, FY).total
    values = _values(world.a.hub)
    assert values["visits.person_visits"] == total.people == 34
    assert values["visits.groups"] == total.pairs
    assert values["visits.families"] == total.families == 1


def test_a_satellite_sheet_counts_only_the_satellite(world, visits):
    values = _values(world.a.satellite)
    assert values["visits.person_visits"] == 5 + 5 + 2
    assert values["visits.families"] == 1
    assert values["visits.groups"] == 5
    assert _values(world.b.hub)["visits.person_visits"] == 300 + 9 + 2  # and a family


def test_other_periods_are_counted_from_the_visits(world, visits):
    hubs = indicators.sheet_hubs(world.a.hub)
    person_visits = indicators.get("visits.person_visits").compute
    assert person_visits(hubs, date(2026, 5, 1), date(2026, 5, 31)) == 2  # rollup
    assert person_visits(hubs, date(2026, 5, 1), date(2026, 5, 20)) == 2  # raw visits
    assert person_visits(hubs, date(2026, 5, 13), date(2026, 5, 31)) == 0
    assert person_visits(hubs, date(2026, 4, 2), LAST) == 10 + 2 + 2  # without 1 April


def test_opening_days_are_days_a_drop_in_room_was_open(world):
    room = VenueFactory(hub=world.a.hub, kind=VenueKind.HIROBA_ROOM)
    satellite_room = VenueFactory(hub=world.a.satellite, kind=VenueKind.HIROBA_ROOM)
    outreach = VenueFactory(hub=world.a.hub, kind=VenueKind.COMMUNITY_CENTRE)
    foreign_room = VenueFactory(hub=world.b.hub, kind=VenueKind.HIROBA_ROOM)

    def log(venue, on, opened=time(9, 30)):
        visit_services.save_daily_log(
            venue, on, actor=None, opened_at=opened, closed_at=time(15, 0) if opened else None
        )

    for day in (FIRST, date(2026, 4, 2), LAST, BEFORE, AFTER):
        log(room, day)
    log(room, date(2026, 4, 3), opened=None)  # a log of a closed day
    log(satellite_room, FIRST)  # the same day as the main room: one day
    log(satellite_room, date(2026, 5, 1))
    log(outreach, date(2026, 6, 1))  # not a drop-in room
    log(foreign_room, date(2026, 6, 2))
    assert _values(world.a.hub)["visits.opening_days"] == 4
    assert _values(world.a.satellite)["visits.opening_days"] == 2


def test_new_registrations_leave_out_merged_cards_and_other_years(world):
    def registered(hub, on, status=None):
        household = family(hub, caregiver(given_name=f"{on:%m%d}"))
        changes = {"registered_on": on} | ({"status": status} if status else {})
        Household.objects.filter(pk=household.pk).update(**changes)

    registered(world.a.hub, FIRST)
    registered(world.a.satellite, LAST)  # registers into the main hub's registry
    registered(world.a.hub, date(2026, 9, 1))
    registered(world.a.hub, date(2026, 5, 1), status=HouseholdStatus.MERGED)
    registered(world.a.hub, date(2026, 6, 1), status=HouseholdStatus.ANONYMISED)  # counts
    registered(world.a.hub, BEFORE)
    registered(world.a.hub, AFTER)
    registered(world.b.hub, date(2026, 6, 1))
    assert _values(world.a.hub)["families.new_registrations"] == 4


# -- program 1: programs --------------------------------------------------------------------------
def _apply(prog, household):
    return program_services.apply(prog, household, caregivers_and_children(household))


def _held(prog, day, hub, *, families, attended, walk_ins=(0, 0), capacity=10):
    """A program created a month ahead with one session on ``day``; ``families`` apply, the
    first ``attended`` come, the others are marked absent."""
    with time_machine.travel(_at(day) - timedelta(days=30), tick=False):
        made = program(hub, title=prog, starts_at=_at(day), capacity_families=capacity)
        entries = [
            _apply(made, family(hub, caregiver(given_name=f"{prog}{n}"), child()))
            for n in range(families)
        ]
    session = made.sessions.get()
    for n, entry in enumerate(entries):
        status = AttendanceStatus.ATTENDED if n < attended else AttendanceStatus.ABSENT
        program_services.record_attendance(session, entry, status, actor=None)
    program_services.record_walk_ins(session, *walk_ins, actor=None)
    return made


def test_program_indicators_sum_the_hubs_published_programs(world):
    hub, satellite = world.a.hub, world.a.satellite
    _held("四月", FIRST, hub, families=3, attended=2, walk_ins=(1, 2), capacity=4)
    _held("三月", LAST, satellite, families=1, attended=1, capacity=2)
    # Not counted: the years before and after, another city, a cancelled program.
    _held("前年度", BEFORE, hub, families=2, attended=2, capacity=2)
    _held("翌年度", AFTER, hub, families=2, attended=2, capacity=2)
    _held("他市", date(2026, 6, 1), world.b.hub, families=2, attended=2, capacity=2)
    with time_machine.travel(_at(date(2026, 5, 1)), tick=False):
        cancelled = program(hub, starts_at=_at(date(2026, 6, 5)))
        program_services.cancel_program(cancelled, actor=None)
    values = _values(hub)
    assert values["programs.sessions"] == 2
    assert values["programs.lecture_sessions"] == 2
    assert values["programs.participant_families"] == 2 + 1 + 1
    assert values["programs.participants"] == 4 + 2 + 2  # a mother and a child per family
    assert values["programs.fill_rate"] == Decimal("66.7")  # 4 confirmed of 6 seats
    assert _values(satellite)["programs.fill_rate"] == Decimal("50.0")


# -- program 2: consultations ----------------------------------------------------------------------
def test_consultation_indicators(world):
    author = world.a.person(Role.HUB_STAFF)
    desk = agency(world.a)

    def record(hub, moment, referrals=0, by=author, **values):
        made = consultation(hub, actor=by, happened_at=moment, **values)
        for _n in range(referrals):
            consultation_services.refer(made, referral_data(desk), actor=by)
        return made

    record(world.a.hub, _at(FIRST, 0, 10), referrals=2, child_ages=[5])  # aged 0
    record(world.a.hub, _at(LAST, 23, 50), child_ages=[50, 30])  # the youngest is 2
    record(world.a.satellite, _at(date(2026, 8, 1)), referrals=1, child_ages=[40])  # 3
    record(world.a.satellite, _at(date(2026, 9, 1)), expecting=True)  # pregnancy
    # Not counted: the years before and after (Tokyo time), another city.
    record(world.a.hub, _at(BEFORE, 23, 50), referrals=1, child_ages=[3])
    record(world.a.hub, _at(AFTER, 0, 10), child_ages=[3])
    foreign = world.b.person(Role.HUB_STAFF)
    made = consultation(world.b.hub, actor=foreign, happened_at=_at(date(2026, 6, 1)))
    consultation_services.refer(made, referral_data(agency(world.b)), actor=foreign)

    values = _values(world.a.hub)
    assert values["consultations.recorded"] == 4
    assert values["consultations.under_three_share"] == Decimal("50.0")
    assert values["consultations.referrals"] == 3
    satellite = _values(world.a.satellite)
    assert (satellite["consultations.recorded"], satellite["consultations.referrals"]) == (2, 1)
    assert satellite["consultations.under_three_share"] == Decimal("0.0")


# -- program 6: 子サポ ----------------------------------------------------------------------------
def _member(hub, kind=MemberKind.USER, *, registered_on=None, expires_on=None, status=None):
    made = member(hub, kind)
    changes = {"registered_on": registered_on, "expires_on": expires_on}
    if status is None:
        status = MemberStatus.ACTIVE if registered_on else MemberStatus.PROVISIONAL
    KosapoMember.objects.filter(pk=made.pk).update(status=status, **changes)
    made.refresh_from_db()
    return made


def test_kosapo_members_at_the_years_end_and_new_in_the_year(world):
    hub = world.a.hub
    _member(hub, registered_on=FIRST, expires_on=LAST, status=MemberStatus.RENEWAL_DUE)
    both = _member(hub, registered_on=date(2025, 6, 1), expires_on=date(2028, 3, 31))
    KosapoMember.objects.filter(pk=both.pk).update(kind=MemberKind.BOTH)
    _member(hub, MemberKind.PROVIDER, registered_on=LAST, expires_on=LAST)
    # Not members at the end: did not renew, joined after it, withdrew, suspended, provisional.
    _member(hub, registered_on=BEFORE, expires_on=BEFORE, status=MemberStatus.RENEWAL_DUE)
    _member(hub, registered_on=AFTER, expires_on=date(2028, 3, 31))
    _member(hub, registered_on=date(2026, 5, 1), expires_on=LAST, status=MemberStatus.WITHDRAWN)
    _member(hub, MemberKind.PROVIDER, registered_on=date(2024, 5, 1), expires_on=LAST,
            status=MemberStatus.SUSPENDED)  # fmt: skip
    _member(hub)
    _member(world.b.hub, registered_on=date(2026, 6, 1), expires_on=LAST)
    values = _values(hub)
    assert values["kosapo.user_members"] == 2
    assert values["kosapo.provider_members"] == 2
    assert values["kosapo.new_members"] == 3  # the one who withdrew joined in the year


def _request(user, created_at, first_on, status=None, provider=None):
    made = ask(user, first_on=first_on)
    if provider is not None:
        CareRequest.objects.filter(pk=made.pk).update(
            status=RequestStatus.INTRODUCED, provider=provider, introduced_on=first_on
        )
        made.refresh_from_db()
    if status in (RequestStatus.UNMATCHED, RequestStatus.CANCELLED):
        request_services.end_request(made, status=status, reason="見つからず", actor=None)
    elif status is not None:
        CareRequest.objects.filter(pk=made.pk).update(status=status)
    CareRequest.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


def test_kosapo_requests_and_the_matching_rate(world):
    user = member(world.a.hub, activate=True)
    helper = _member(world.a.hub, MemberKind.PROVIDER, registered_on=FIRST, expires_on=LAST)
    day = iter(date(2027, 6, d) for d in range(1, 29))
    _request(user, _at(FIRST, 0, 30), next(day), provider=helper)
    _request(user, _at(LAST, 23, 30), next(day), RequestStatus.ACTIVE, provider=helper)
    _request(user, _at(date(2026, 7, 1)), next(day), RequestStatus.UNMATCHED)
    _request(user, _at(date(2026, 8, 1)), next(day))  # still being arranged
    # Not counted: cancelled after an introduction, the years before and after, another city.
    _request(user, _at(date(2026, 9, 1)), next(day), RequestStatus.CANCELLED, provider=helper)
    _request(user, _at(BEFORE, 23, 30), next(day), provider=helper)
    _request(user, _at(AFTER, 0, 30), next(day), RequestStatus.UNMATCHED)
    foreign = member(world.b.hub, activate=True)
    _request(foreign, _at(date(2026, 6, 1)), next(day), RequestStatus.UNMATCHED)
    values = _values(world.a.hub)
    assert values["kosapo.requests_received"] == 4
    assert values["kosapo.requests_matched"] == 2
    assert values["kosapo.requests_unmatched"] == 1
    assert values["kosapo.matching_rate"] == Decimal("66.7")
    assert _values(world.b.hub)["kosapo.matching_rate"] == Decimal("0.0")


def test_kosapo_coupons_and_trainings(world):
    user = _member(world.a.hub)
    provider = _member(world.a.hub, MemberKind.PROVIDER)
    foreign = _member(world.b.hub, MemberKind.PROVIDER)

    def ledger(who, entry, coupons, on):
        CouponLedgerEntry.objects.create(
            household=who.household, member=who, entry=entry, coupons=coupons, on=on
        )

    ledger(user, CouponEntry.ISSUED, 4, FIRST)
    ledger(user, CouponEntry.ISSUED, 2, LAST)
    ledger(user, CouponEntry.USED, 1, date(2026, 10, 1))
    ledger(user, CouponEntry.RETURNED, 1, date(2026, 11, 1))
    ledger(user, CouponEntry.ISSUED, 3, BEFORE)
    ledger(user, CouponEntry.USED, 2, AFTER)
    ledger(foreign, CouponEntry.ISSUED, 5, date(2026, 6, 1))
    for who, on in ((provider, FIRST), (provider, LAST), (provider, BEFORE), (provider, AFTER),
                    (foreign, date(2026, 6, 1))):  # fmt: skip
        record_training(who, item="onsite", minutes=60, completed_on=on, actor=None)
    values = _values(world.a.hub)
    assert (values["kosapo.coupons_issued"], values["kosapo.coupons_used"]) == (6, 1)
    assert values["kosapo.trainings_completed"] == 2


# -- program 7: user support --------------------------------------------------------------------
def _booking(tenant, hub, day, household):
    """A slot of ``hub`` at 10:00 on ``day``, booked by staff the day before."""
    specialist = tenant.person(Role.USER_SUPPORT)
    with time_machine.travel(_at(day - timedelta(days=1), 9), tick=False):
        made = slots(hub, day, time(10, 0), specialist=specialist)[0]
        return book(made, household, actor=specialist, source=BookingSource.STAFF)


def _attended(booking, tenant):
    data = consultation_services.ConsultationData(
        happened_at=booking.slot.starts_at,
        channel=Channel.INDIVIDUAL,
        caregiver=Caregiver.MOTHER,
        outcome=Outcome.ADVICE,
    )
    support_services.record_booking_consultation(
        booking, data, actor=tenant.person(Role.USER_SUPPORT)
    )


def test_support_bookings_held(world):
    a, b = world.a, world.b
    families = iter(a_family(a.hub, name=f"家族{n}") for n in range(8))
    held = [
        _booking(a, a.hub, FIRST, next(families)),
        _booking(a, a.satellite, LAST, next(families)),
        _booking(a, a.hub, BEFORE, next(families)),
        _booking(a, a.hub, AFTER, next(families)),
        _booking(b, b.hub, date(2026, 6, 1), a_family(b.hub)),
    ]
    for booking, tenant in zip(held, (a, a, a, a, b), strict=True):
        _attended(booking, tenant)
    no_show = _booking(a, a.hub, date(2026, 7, 1), next(families))
    support_services.mark_no_show(no_show, actor=None)
    cancelled = _booking(a, a.hub, date(2026, 8, 3), next(families))
    with time_machine.travel(_at(date(2026, 8, 2), 12), tick=False):
        staff = a.person(Role.USER_SUPPORT)
        support_services.cancel_booking(cancelled, by=CancelledBy.FAMILY, actor=staff)
    assert _values(a.hub)["support.bookings_held"] == 2
    assert _values(a.satellite)["support.bookings_held"] == 1


def test_support_cases_linkages_and_community_activities(world):
    partner = world.a.person(Role.USER_SUPPORT)
    hub, satellite = world.a.hub, world.a.satellite
    first = support_case(hub, actor=partner, opened_on=FIRST)
    last = support_case(satellite, actor=partner, opened_on=LAST)
    old = support_case(hub, actor=partner, opened_on=BEFORE)
    support_case(world.b.hub, actor=world.b.person(Role.USER_SUPPORT), opened_on=FIRST)

    def linked(case, moment, *moves):
        made = linkage(case, actor=partner)
        for status in moves:
            made = case_services.move_linkage(made, status, actor=partner)
        Linkage.objects.filter(pk=made.pk).update(created_at=moment)

    linked(first, _at(FIRST, 0, 10), LinkageStatus.CONTACTED, LinkageStatus.CONNECTED)
    linked(first, _at(date(2026, 9, 1)), LinkageStatus.NOT_USED)
    linked(last, _at(LAST, 23, 50))
    linked(old, _at(BEFORE, 23, 50), LinkageStatus.CONTACTED, LinkageStatus.CONNECTED)
    linked(last, _at(AFTER, 0, 10))
    for where, on in ((hub, FIRST), (satellite, LAST), (hub, BEFORE), (hub, AFTER)):
        activity(where, actor=partner, happened_on=on)
    activity(world.b.hub, actor=world.b.person(Role.USER_SUPPORT), happened_on=FIRST)

    values = _values(hub)
    assert values["support.cases_opened"] == 2
    assert values["support.linkages"] == 3
    assert values["support.linkages_connected"] == 1
    assert values["support.community_activities"] == 2
    assert _values(satellite)["support.linkages"] == 1


# -- the whole sheet ---------------------------------------------------------------------------
def test_an_empty_hub_has_zeros_and_no_rates(world):
    values = _values(world.a.hub)
    assert set(values) == {indicator.code for indicator in indicators.all_indicators()}
    rates = {code for code, indicator in ((i.code, i) for i in indicators.all_indicators())
             if indicator.decimals}  # fmt: skip
    assert rates == {
        "visits.under_three_share",
        "programs.fill_rate",
        "consultations.under_three_share",
        "kosapo.matching_rate",
    }
    assert all(values[code] is None for code in rates)
    assert all(values[code] == 0 for code in set(values) - rates)


def test_fiscal_year_statistics_are_none_for_another_period(world):
    hubs = indicators.sheet_hubs(world.a.hub)
    for code in ("programs.sessions", "consultations.recorded", "programs.fill_rate"):
        assert indicators.get(code).compute(hubs, FIRST, date(2026, 9, 30)) is None
    assert indicators.get("visits.opening_days").compute(hubs, FIRST, date(2026, 9, 30)) == 0


def test_values_for_chosen_codes_share_their_source(world, visits, django_assert_num_queries):
    # One for the sheet's hubs, one for the visit sums behind both indicators.
    with django_assert_num_queries(2):
        values = _values(world.a.hub, "visits.person_visits", "visits.under_three_share")
    assert values == {"visits.person_visits": 34, "visits.under_three_share": Decimal("76.5")}
    with pytest.raises(KeyError):
        _values(world.a.hub, "visits.nothing")


def test_a_whole_sheet_costs_a_fixed_number_of_queries(
    world, visits, django_assert_max_num_queries
):
    _held("四月", FIRST, world.a.hub, families=2, attended=1, capacity=3)
    consultation(world.a.hub, actor=world.a.person(Role.HUB_STAFF), happened_at=_at(FIRST))
    hub = Hub.objects.get(pk=world.a.hub.pk)  # nothing cached on the instance
    # 1 sheet hubs + 4 visits + 3 per hub programs + 11 consultations + 4 子サポ + 4 support = 30
    # for a main hub with one satellite, whatever the amount of data.
    with django_assert_max_num_queries(30):
        values = indicators.values_for(hub, FY)
    assert values["visits.person_visits"] == 34
    assert values["programs.sessions"] == 1
    assert values["consultations.recorded"] == 1
