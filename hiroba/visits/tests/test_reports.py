"""Visit statistics: exact figures on a known month, fiscal-year edges, opening days and hours,
who may see which area, and a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.choices import VenueKind
from hiroba.core.tests.factories import DistrictFactory, VenueFactory
from hiroba.families.choices import HouseholdStatus, Relation
from hiroba.families.models import Household
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.visits import reports, services
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
NOON = "2026-11-20T12:00:00+09:00"
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


@dataclass
class November:
    """Hub A's group in November 2026, with the figures worked out by hand."""

    room: object
    outreach: object
    satellite_room: object
    d1: object
    d2: object
    f1: object
    f2: object
    f3: object


def _register(hub, *members, district=None, registered_on=None):
    household = family(hub, *members)
    Household.objects.filter(pk=household.pk).update(district=district, registered_on=registered_on)
    household.refresh_from_db()
    return household


def _present(household):
    """Everyone who can come (not a pregnancy)."""
    return [m.pk for m in household.members.all() if not m.is_expected]


@pytest.fixture
def november(world) -> November:
    hub, satellite = world.a.hub, world.a.satellite
    d1 = DistrictFactory(ward=hub.ward, name="さくら台地区", sort_order=1)
    d2 = DistrictFactory(ward=hub.ward, name="みずき野地区", sort_order=2)
    room = VenueFactory(hub=hub, name="ひろば", kind=VenueKind.HIROBA_ROOM, sort_order=1)
    outreach = VenueFactory(
        hub=hub, name="出張ひろば", kind=VenueKind.COMMUNITY_CENTRE, sort_order=2
    )
    satellite_room = VenueFactory(hub=satellite, name="サテライト", kind=VenueKind.HIROBA_ROOM)
    f1 = _register(
        hub,
        caregiver(),
        caregiver("山田", "一郎", "ヤマダ", "イチロウ", relation=Relation.FATHER),
        child("太郎", "タロウ", date(2025, 11, 21)),  # 0 all November
        child("次郎", "ジロウ", date(2023, 11, 3)),  # turns 3 on November 3
        district=d1,
        registered_on=date(2026, 11, 3),
    )
    f2 = _register(
        hub,
        caregiver("佐藤", "花子", "サトウ", "ハナコ"),
        child("一花", "イチカ", date(2024, 6, 1), "佐藤", "サトウ"),  # 2
        registered_on=date(2026, 10, 31),
    )
    f3 = _register(
        hub,
        caregiver("鈴木", "恵", "スズキ", "メグミ"),
        child("結衣", "ユイ", date(2025, 1, 10), "鈴木", "スズキ"),  # 1
        child("", "", None, "鈴木", "スズキ", due_date=date(2027, 2, 1)),  # expecting
        district=d2,
        registered_on=date(2026, 11, 7),
    )
    # A duplicate card merged away and a pre-registration: neither is a new registration.
    merged = _register(
        hub, caregiver("重複", "", "チョウフク", ""), registered_on=date(2026, 11, 1)
    )
    Household.objects.filter(pk=merged.pk).update(status=HouseholdStatus.MERGED)
    family(hub, caregiver("予約", "", "ヨヤク", ""), status=HouseholdStatus.PENDING)

    def visit(household, venue, on, members=None):
        services.check_in(household, venue, members or _present(household), actor=None, on=on)

    visit(f2, room, date(2026, 10, 31))  # F2's first visit is in October
    visit(f1, room, date(2026, 11, 3))  # 文化の日 (public holiday)
    visit(f2, room, date(2026, 11, 4))
    visit(f3, satellite_room, date(2026, 11, 7))  # Saturday
    mother, _father, baby, _older = f1.members.order_by("sort_order")
    visit(f1, outreach, date(2026, 11, 10), [mother.pk, baby.pk])
    services.record_walk_in(
        room,
        Counts(adults=1, children_0=1, children_1=1, first_visits=1),
        actor=None,
        on=date(2026, 11, 10),
    )
    services.record_tally(
        outreach,
        date(2026, 11, 14),
        Counts(
            pairs=5,
            adults=6,
            fathers=2,
            children_0=2,
            children_1=2,
            children_2=1,
            children_3=1,
            first_visits=1,
        ),
        actor=None,
    )
    return November(room, outreach, satellite_room, d1, d2, f1, f2, f3)


def _scope(world):
    return reports.hub_group_scope(world.a.hub, {world.a.hub.pk, world.a.satellite.pk})


def _monthly(world, month=date(2026, 11, 1)):
    rules = world.a.municipality.rules("hub", on=month)
    return reports.monthly_report(_scope(world), month, rules=rules, today=TODAY)


def _numbers(figures):
    return {
        "pairs": figures.pairs,
        "adults": figures.adults,
        "fathers": figures.fathers,
        "pregnant": figures.pregnant,
        "bands": (figures.children_0, figures.children_1, figures.children_2, figures.children_3),
        "first_visits": figures.first_visits,
        "families": figures.families,
    }


def test_monthly_figures_are_exact(world, november):
    report = _monthly(world)
    assert _numbers(report.total) == {
        "pairs": 10,
        "adults": 12,
        "fathers": 3,
        "pregnant": 1,
        "bands": (5, 4, 2, 2),  # the older child of F1 counts as 3 on his third birthday
        "first_visits": 4,
        "families": 3,  # F1 came twice, F2's first visit was in October: still 3 families
    }
    assert report.total.people == 25
    assert report.total.visits == 6
    assert report.total.first_visit_share == 40.0
    assert report.registrations == 2  # F1 and F3; not the merged card nor the pending one


def test_monthly_breakdowns(world, november, english):
    report = _monthly(world)
    by_day_type = {row.key: row.figures.pairs for row in report.day_types}
    assert by_day_type == {"weekday": 3, "holiday": 7}  # the holiday, two Saturdays
    by_category = {row.key: row.figures.pairs for row in report.categories}
    assert by_category == {"main": 3, "satellite": 1, "outreach": 6}
    by_venue = {row.label: row.figures.pairs for row in report.venues}
    assert by_venue == {"ひろば": 3, "出張ひろば": 6, "サテライト": 1}
    districts = [(row.label, row.figures.pairs, row.figures.families) for row in report.districts]
    assert districts == [
        ("さくら台地区", 2, 1),
        ("みずき野地区", 1, 1),
        ("Unknown or outside the ward", 7, 1),
    ]


def test_per_day_table_reads_the_visits(world, november):
    days = {row.day: row for row in _monthly(world).days}
    assert len(days) == 30
    assert days[date(2026, 11, 3)].holiday == "文化の日"
    assert days[date(2026, 11, 3)].is_holiday
    assert days[date(2026, 11, 3)].figures.people == 4
    assert not days[date(2026, 11, 4)].is_holiday
    assert (days[date(2026, 11, 10)].figures.pairs, days[date(2026, 11, 10)].figures.families) == (
        2,
        1,
    )
    assert days[date(2026, 11, 14)].figures.pairs == 5
    assert days[date(2026, 11, 1)].figures.pairs == 0


def test_opening_days_and_hours_against_the_minimum(world, november):
    def log(day, opened, closed):
        services.save_daily_log(november.room, day, actor=None, opened_at=opened, closed_at=closed)

    for day in (date(2026, 11, 3), date(2026, 11, 4), date(2026, 11, 7), date(2026, 11, 10)):
        log(day, time(9, 30), time(16, 0))
    log(date(2026, 11, 11), time(10, 0), time(14, 0))  # 4 hours
    log(date(2026, 11, 12), time(10, 0), None)  # closing time forgotten
    log(date(2026, 11, 17), time(9, 30), time(16, 0))
    room = next(r for r in _monthly(world).opening if r.venue == november.room)
    assert room.open_days == 7
    assert room.open_hours == 36.5  # five days of 6.5 hours and one of 4
    assert room.short_days == [(date(2026, 11, 11), 4.0)]
    assert room.unrecorded_days == [date(2026, 11, 12)]
    below = [(w.start, w.open_days) for w in room.weeks_below]
    # The week from October 26 had no open day; November 9-15 had 3 days (10, 11, 12): fine.
    assert below == [(date(2026, 10, 26), 0)]
    weeks = {w.start: w for w in room.weeks}
    assert weeks[date(2026, 11, 16)].complete is False  # this week is not over yet
    assert weeks[date(2026, 11, 30)].below_minimum is False


def test_fiscal_year_boundary_march_and_april(world):
    room = VenueFactory(hub=world.a.hub, kind=VenueKind.HIROBA_ROOM)
    household = family(world.a.hub)
    for on in (date(2026, 3, 31), date(2026, 4, 1), date(2026, 4, 2)):
        services.check_in(household, room, _present(household), actor=None, on=on)
    scope = _scope(world)
    fy2025 = reports.yearly_report(scope, 2025)
    fy2026 = reports.yearly_report(scope, 2026)
    assert (fy2025.total.pairs, fy2025.total.families) == (1, 1)
    assert (fy2026.total.pairs, fy2026.total.families) == (2, 1)
    assert [row.figures.pairs for row in fy2025.months][-1] == 1  # March is the last month
    assert [row.figures.pairs for row in fy2026.months][0] == 2  # April the first
    assert fy2026.months[0].figures.families == 1
    trend = {year.fiscal_year: year for year in reports.trend_report(scope, 2026)}
    assert len(trend) == 10 and min(trend) == 2017
    assert (trend[2025].figures.pairs, trend[2025].figures.families) == (1, 1)
    assert (trend[2026].figures.pairs, trend[2026].figures.families) == (2, 1)
    assert trend[2024].figures.pairs == 0


def test_yearly_report_sums_the_months(world, november):
    report = reports.yearly_report(_scope(world), 2026)
    by_month = {row.key: row.figures for row in report.months}
    assert by_month[date(2026, 10, 1)].pairs == 1
    assert by_month[date(2026, 11, 1)].pairs == 10
    assert by_month[date(2026, 11, 1)].families == 3
    assert report.total.pairs == 11
    assert report.total.families == 3  # F2 came in October and November: once in the year
    assert report.registrations == 3
    assert report.registrations_by_month[6:8] == [1, 2]  # October, November


def test_a_satellite_only_scope_counts_families_from_the_visits(world, november):
    scope = reports.hub_group_scope(world.a.satellite, {world.a.satellite.pk})
    assert not scope.whole_groups
    rules = world.a.municipality.rules("hub", on=date(2026, 11, 1))
    report = reports.monthly_report(scope, date(2026, 11, 1), rules=rules, today=TODAY)
    assert (report.total.pairs, report.total.families) == (1, 1)
    assert [row.label for row in report.venues] == ["サテライト"]
    assert reports.yearly_report(scope, 2026).total.families == 1
    assert reports.trend_report(scope, 2026)[-1].figures.families == 1


# -- pages ---------------------------------------------------------------------------------------
def _get(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(f"visits:{name}"), params)


@pytest.mark.parametrize("name", ["monthly-report", "yearly-report", "trend-report"])
def test_pages_show_aggregates_and_no_names(client, world, november, name):
    for role in (Role.HUB_STAFF, Role.WARD_OFFICIAL):
        response = _get(client, world.a.person(role), name, month="2026-11")
        assert response.status_code == 200
        text = response.content.decode()
        for secret in ("山田", "花子", "佐藤", "鈴木", "タロウ", "ヤマダ"):
            assert secret not in text
        assert 'role="img"' in text
        assert "<title" in text


def test_the_monthly_page_shows_the_figures(client, world, november):
    response = _get(client, world.a.person(Role.HUB_MANAGER), "monthly-report", month="2026-11")
    assert response.context["report"].total.pairs == 10
    text = response.content.decode()
    assert "文化の日" in text
    assert "40.0" in text


def test_ward_officials_choose_a_ward_others_may_not(client, world, november):
    ward_official = world.a.person(Role.WARD_OFFICIAL)
    own = _get(client, ward_official, "monthly-report", ward=world.a.ward.pk, month="2026-11")
    assert own.status_code == 200
    assert own.context["scope"].whole_ward
    assert own.context["report"].total.pairs == 10
    foreign = _get(client, ward_official, "monthly-report", ward=world.b.ward.pk)
    assert foreign.status_code == 404
    assert _get(client, ward_official, "yearly-report", ward="x").status_code == 404
    staff = world.a.person(Role.HUB_STAFF)
    assert _get(client, staff, "monthly-report", ward=world.a.ward.pk).status_code == 403
    assert _get(client, staff, "trend-report", ward=world.b.ward.pk).status_code == 404
    city = world.a.person(Role.CITY_ADMIN)
    assert _get(client, city, "trend-report", ward=world.a.ward.pk).status_code == 200


def test_roles_without_statistics_are_refused(client, world):
    for role in (Role.VOLUNTEER, Role.KOSAPO_COORDINATOR):
        assert _get(client, world.a.person(role), "monthly-report").status_code == 403


def test_a_bad_month_is_explained_and_the_current_month_shown(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _get(client, world.a.person(Role.HUB_STAFF), "monthly-report", month="2026-13")
    assert response.status_code == 200
    assert "Enter a month like 2026-11." in response.content.decode()
    assert response.context["report"].month == date(2026, 11, 1)
    future = _get(client, world.a.person(Role.HUB_STAFF), "monthly-report", month="2027-01")
    assert "Choose a month up to this month." in future.content.decode()
    wide = _get(client, world.a.person(Role.HUB_STAFF), "monthly-report", month="２０２６年１０月")
    assert wide.context["report"].month == date(2026, 10, 1)
    wareki = _get(client, world.a.person(Role.HUB_STAFF), "yearly-report", fy="R7")
    assert wareki.context["report"].fiscal_year == 2025


def _queries(client, user, name, **params) -> int:
    client.force_login(user)
    url = reverse(f"visits:{name}")
    client.get(url, params)  # warm up: session, sign-in bookkeeping
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["monthly-report", "yearly-report", "trend-report"])
def test_pages_run_a_fixed_number_of_queries(client, world, name):
    manager = world.a.person(Role.HUB_MANAGER)
    room = VenueFactory(hub=world.a.hub, kind=VenueKind.HIROBA_ROOM)
    household = family(world.a.hub)
    services.check_in(household, room, _present(household), actor=None, on=date(2026, 11, 2))
    small = _queries(client, manager, name, month="2026-11", fy="2026")
    for n in range(12):
        venue = VenueFactory(hub=world.a.satellite if n % 2 else world.a.hub)
        DistrictFactory(ward=world.a.ward)
        other = family(world.a.hub)
        for day in (3, 4, 5 + n):
            on = date(2026, 11 - n % 3, day)
            services.check_in(other, venue, _present(other), actor=None, on=on)
        services.save_daily_log(room, date(2026, 11, 5 + n), actor=None, opened_at=time(10))
    large = _queries(client, manager, name, month="2026-11", fy="2026")
    assert large == small
