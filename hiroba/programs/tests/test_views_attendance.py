"""Attendance at the door on a tablet: the sheet, one tap per family, walk-ins."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.choices import AttendanceStatus, EntryStatus, SignupMode
from hiroba.programs.models import Attendance
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
MORNING = datetime(2026, 12, 4, 9, 0, tzinfo=TOKYO)
STARTS = datetime(2026, 12, 4, 10, 0, tzinfo=TOKYO)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


@pytest.fixture
def volunteer(world, client):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.VOLUNTEER))
    return client


@pytest.fixture
def prog(world):
    return program(world.a.hub, starts_at=STARTS, capacity_families=2, title="親子ヨガ")


def _enter(prog, hub, n):
    entries = []
    for i in range(n):
        household = family(hub, caregiver(given_name=f"花子{i}"), child(given_name=f"太郎{i}"))
        entries.append(services.apply(prog, household, caregivers_and_children(household)))
    return entries


def _sheet_url(session):
    return reverse("programs:attendance", args=[session.pk])


def _mark(client, session, entry, status, **extra):
    return client.post(_sheet_url(session), {"entry": entry.pk, "status": status}, **extra)


def test_the_sheet_lists_the_confirmed_families_only(world, volunteer, prog):
    confirmed_one, confirmed_two, waiting = _enter(prog, world.a.hub, 3)
    response = volunteer.get(_sheet_url(prog.sessions.get()))
    listed = [row.entry.pk for row, _mark in response.context["rows"]]
    assert sorted(listed) == sorted([confirmed_one.pk, confirmed_two.pk])
    assert waiting.status == EntryStatus.WAITLISTED
    page = response.content.decode()
    assert "nothing happens to a family who could not come" in page
    assert "penalt" not in page.lower()


def test_the_sheet_takes_a_fixed_number_of_queries(world, volunteer, django_assert_num_queries):
    big = program(world.a.hub, starts_at=STARTS, capacity_families=20)
    session = big.sessions.get()
    _enter(big, world.a.hub, 1)
    volunteer.get(reverse("programs:attendance-today"))  # the first request stores the hub
    with CaptureQueriesContext(connection) as few:
        volunteer.get(_sheet_url(session))
    entries = _enter(big, world.a.hub, 6)
    services.record_attendance(session, entries[0], AttendanceStatus.ATTENDED, actor=None)
    with django_assert_num_queries(len(few)):
        response = volunteer.get(_sheet_url(session))
    assert len(response.context["rows"]) == 7


def test_a_tap_marks_the_family_and_another_tap_changes_the_mark(world, volunteer, prog):
    entry = _enter(prog, world.a.hub, 1)[0]
    session = prog.sessions.get()
    response = _mark(volunteer, session, entry, AttendanceStatus.ATTENDED, **HTMX)
    assert response.templates[0].name == "programs/partials/_attendance_row.html"
    page = response.content.decode()
    assert 'aria-pressed="true">Attended' in page
    assert 'hx-swap-oob="true"' in page and "Attended: <strong>1</strong>" in page
    _mark(volunteer, session, entry, AttendanceStatus.EXCUSED, **HTMX)
    attendance = Attendance.objects.get()
    assert (attendance.entry, attendance.session, attendance.status) == (
        entry,
        session,
        AttendanceStatus.EXCUSED,
    )
    assert attendance.recorded_by == world.a.person(Role.VOLUNTEER)


def test_without_javascript_a_tap_reloads_the_sheet_at_the_family(world, volunteer, prog):
    entry = _enter(prog, world.a.hub, 1)[0]
    session = prog.sessions.get()
    response = _mark(volunteer, session, entry, AttendanceStatus.ABSENT)
    assert response.status_code == 302
    assert response.url == _sheet_url(session) + f"#entry-{entry.pk}"
    assert Attendance.objects.get().status == AttendanceStatus.ABSENT


def test_a_family_of_another_program_or_an_unknown_mark_is_not_recorded(
    english, world, volunteer, prog
):
    other = program(world.a.hub, starts_at=STARTS)
    stranger = _enter(other, world.a.hub, 1)[0]
    mine = _enter(prog, world.a.hub, 1)[0]
    session = prog.sessions.get()
    first = _mark(volunteer, session, stranger, AttendanceStatus.ATTENDED, follow=True)
    _mark(volunteer, session, mine, "late")
    assert "That mark could not be saved." in first.content.decode()
    assert not Attendance.objects.exists()


def test_walk_ins_are_counted_and_checked(english, world, volunteer, prog):
    session = prog.sessions.get()
    url = reverse("programs:walk-ins", args=[session.pk])
    assert volunteer.post(url, {"families": "２", "people": "5"}).status_code == 302
    session.refresh_from_db()
    assert (session.walk_in_families, session.walk_in_people) == (2, 5)
    response = volunteer.post(url, {"families": "3", "people": "2"})
    assert (
        "Each family has at least one person: check the count."
        in (response.context["walk_in_form"].errors["people"])
    )
    session.refresh_from_db()
    assert (session.walk_in_families, session.walk_in_people) == (2, 5)


def test_a_drop_in_program_counts_everyone_as_walk_ins(english, world, volunteer):
    drop_in = program(world.a.hub, starts_at=STARTS, signup_mode=SignupMode.DROP_IN)
    session = drop_in.sessions.get()
    page = volunteer.get(_sheet_url(session)).content.decode()
    assert "No family has a confirmed seat." in page
    volunteer.post(
        reverse("programs:walk-ins", args=[session.pk]), {"families": "8", "people": "17"}
    )
    session.refresh_from_db()
    assert session.walk_in_people == 17


def test_today_lists_the_hubs_sessions_of_the_day(world, volunteer, prog):
    program(world.b.hub, starts_at=STARTS, title="他の市の講座")
    program(world.a.hub, title="来月の講座")  # two weeks ahead
    response = volunteer.get(reverse("programs:attendance-today"))
    assert [s.program for s in response.context["sessions"]] == [prog]
    assert _sheet_url(prog.sessions.get()) in response.content.decode()


def test_attendance_follows_the_permission_and_the_hub(world, client, prog):
    session = prog.sessions.get()
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    assert client.get(_sheet_url(session)).status_code == 403
    foreign = program(world.b.hub, starts_at=STARTS).sessions.get()
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(_sheet_url(foreign)).status_code == 404
    assert client.post(reverse("programs:walk-ins", args=[foreign.pk]), {}).status_code == 404
