"""The lottery from the staff side: when it is drawn, drawing now, and the draw record that
anyone with access can re-run."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services
from hiroba.programs.choices import EntryStatus, SignupMode
from hiroba.programs.models import Entry, LotteryDraw
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TOKYO)
CLOSES = NOW + timedelta(days=1)
AFTER_CLOSING = CLOSES + timedelta(hours=1)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(world, client):
    client.cookies["hiroba_language"] = "en"
    client.force_login(world.a.person(Role.HUB_STAFF))
    return client


@contextmanager
def _after_closing(client, user):
    """Past the closing time, signed in again (sessions end after a quiet day)."""
    with time_machine.travel(AFTER_CLOSING, tick=False):
        client.force_login(user)
        yield


@pytest.fixture
def lottery(world):
    prog = program(
        world.a.hub,
        starts_at=datetime(2026, 12, 4, 10, 0, tzinfo=TOKYO),
        capacity_families=2,
        signup_mode=SignupMode.LOTTERY,
        opens_at=NOW - timedelta(days=2),
        closes_at=CLOSES,
        draw_at=CLOSES + timedelta(days=1),
        priority_groups=["resident"],
    )
    for i in range(3):
        household = family(world.a.hub, caregiver(given_name=f"花子{i}"), child(date(2026, 1, 1)))
        services.apply(prog, household, caregivers_and_children(household))
    return prog


def _roster(client, prog) -> str:
    return client.get(reverse("programs:program-detail", args=[prog.pk])).content.decode()


def test_before_closing_the_roster_says_when_the_lottery_is_drawn(english, staff, lottery):
    page = _roster(staff, lottery)
    assert "The lottery is drawn automatically on 2026-11-22 12:00." in page
    assert reverse("programs:lottery-draw", args=[lottery.pk]) not in page
    assert "Applied for the lottery" in page
    response = staff.post(reverse("programs:lottery-draw", args=[lottery.pk]), follow=True)
    assert "Applications are still open; draw after they close." in response.content.decode()
    assert not LotteryDraw.objects.exists()


def test_staff_draw_now_after_closing_and_see_a_verified_record(english, world, staff, lottery):
    with _after_closing(staff, world.a.person(Role.HUB_STAFF)):
        assert reverse("programs:lottery-draw", args=[lottery.pk]) in _roster(staff, lottery)
        response = staff.post(reverse("programs:lottery-draw", args=[lottery.pk]))
        assert response.url == reverse("programs:lottery-record", args=[lottery.pk])
        page = staff.get(response.url).content.decode()
    draw = LotteryDraw.objects.get(program=lottery)
    assert draw.drawn_by == world.a.person(Role.HUB_STAFF)
    statuses = sorted(Entry.objects.filter(program=lottery).values_list("status", flat=True))
    assert statuses == [EntryStatus.CONFIRMED] * 2 + [EntryStatus.WAITLISTED]
    assert "Verified: drawing again from the recorded seed" in page
    assert draw.seed in page
    assert "Lives in the ward" in page
    first = draw.order[0]
    assert hashlib.sha256(f"{draw.seed}:{first}".encode()).hexdigest() in page
    assert f"{draw.seed}:{first}" in page  # the worked example of the explanation


def test_a_record_that_does_not_re_run_is_flagged(english, world, staff, lottery):
    services.draw_lottery(lottery, actor=world.a.person(Role.HUB_STAFF), now=AFTER_CLOSING)
    draw = LotteryDraw.objects.get()
    LotteryDraw.objects.filter(pk=draw.pk).update(order=list(reversed(draw.order)))
    page = staff.get(reverse("programs:lottery-record", args=[lottery.pk])).content.decode()
    assert "Not verified" in page


def test_the_record_page_before_the_draw_says_so(english, staff, lottery):
    page = staff.get(reverse("programs:lottery-record", args=[lottery.pk])).content.decode()
    assert "The lottery has not been drawn yet." in page


def test_drawing_a_program_without_a_lottery_is_refused(english, world, staff):
    prog = program(world.a.hub)
    response = staff.post(reverse("programs:lottery-draw", args=[prog.pk]), follow=True)
    assert "This program has no lottery waiting to be drawn." in response.content.decode()


def test_volunteers_see_the_record_but_cannot_draw(world, client, lottery):
    with _after_closing(client, world.a.person(Role.VOLUNTEER)):
        assert client.post(reverse("programs:lottery-draw", args=[lottery.pk])).status_code == 403
        assert client.get(reverse("programs:lottery-record", args=[lottery.pk])).status_code == 200
    assert not LotteryDraw.objects.exists()


def test_another_hubs_lottery_is_not_found(world, staff):
    prog = program(world.b.hub, signup_mode=SignupMode.LOTTERY, closes_at=NOW, draw_at=NOW)
    assert staff.get(reverse("programs:lottery-record", args=[prog.pk])).status_code == 404
    assert staff.post(reverse("programs:lottery-draw", args=[prog.pk])).status_code == 404
