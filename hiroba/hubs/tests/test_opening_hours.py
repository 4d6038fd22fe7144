"""Staff set the weekly opening times and closed days; the portal shows open now and today's
hours from them."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog, ClosedDay, OpeningPeriod

pytestmark = pytest.mark.django_db

GRID = {
    "action": "hours",
    "d1_0_opens": "９：３０",
    "d1_0_closes": "12時",
    "d1_1_opens": "13:00",
    "d1_1_closes": "16:00",
    "d5_0_opens": "10:00",
    "d5_0_closes": "15:00",
}


def _periods(hub):
    return sorted((p.weekday, p.opens, p.closes) for p in OpeningPeriod.objects.filter(hub=hub))


def test_staff_set_the_week_typed_in_full_width(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("hubs:opening-hours"), GRID)
    assert response.status_code == 302
    assert _periods(world.a.hub) == [
        (1, time(9, 30), time(12, 0)),
        (1, time(13, 0), time(16, 0)),
        (5, time(10, 0), time(15, 0)),
    ]
    assert AuditLog.objects.filter(action="core.opening.updated").count() == 1
    client.post(reverse("hubs:opening-hours"), GRID)  # saved again unchanged: no new entry
    assert AuditLog.objects.filter(action="core.opening.updated").count() == 1
    page = client.get(reverse("hubs:opening-hours")).content.decode()
    assert 'value="09:30"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"d1_0_closes": ""}, "開始と終了の両方"),
        ({"d1_0_closes": "9:00"}, "終了は開始より後"),
        ({"d1_1_opens": "11:00"}, "2つ目の時間"),
        ({"d1_0_opens": "朝"}, "時間を正しく入力"),
    ],
)
def test_a_wrong_grid_saves_nothing_and_says_why(client, world, changes, message):
    OpeningPeriod.objects.create(hub=world.a.hub, weekday=3, opens=time(9), closes=time(12))
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.post(reverse("hubs:opening-hours"), {**GRID, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _periods(world.a.hub) == [(3, time(9), time(12))]


def test_closed_days_are_added_and_removed_within_the_hub(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    data = {"action": "closure", "first_day": "R8.12.1", "reason": "臨時休館（館内点検）"}
    assert client.post(reverse("hubs:opening-hours"), data).status_code == 302
    closure = ClosedDay.objects.get()
    assert (closure.first_day, closure.last_day) == (date(2026, 12, 1), date(2026, 12, 1))
    wrong = {**data, "last_day": "2026-11-30"}
    response = client.post(reverse("hubs:opening-hours"), wrong)
    assert response.status_code == 200 and ClosedDay.objects.count() == 1
    theirs = ClosedDay.objects.create(
        hub=world.b.hub, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)
    )
    assert client.post(reverse("hubs:closure-delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("hubs:closure-delete", args=[closure.pk])).status_code == 302
    assert list(ClosedDay.objects.all()) == [theirs]


def test_a_ward_official_may_not_change_the_hours(client, world):
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    assert client.post(reverse("hubs:opening-hours"), GRID).status_code == 403
    assert not OpeningPeriod.objects.exists()


@time_machine.travel("2026-11-24T10:00:00+09:00", tick=False)  # a Tuesday morning
def test_the_portal_shows_open_now_and_the_week(client, world):
    hub = world.a.hub
    OpeningPeriod.objects.create(hub=hub, weekday=1, opens=time(9, 30), closes=time(12))
    OpeningPeriod.objects.create(hub=hub, weekday=2, opens=time(9, 30), closes=time(16))
    ClosedDay.objects.create(
        hub=hub, first_day=date(2026, 11, 25), last_day=date(2026, 11, 25), reason="館内点検"
    )
    home = client.get(reverse("portal:home")).content.decode()
    assert "開館中（12:00まで）" in home
    page = client.get(reverse("portal:hub", args=[hub.pk])).content.decode()
    assert "開館中（12:00まで）" in page and "9:30〜12:00" in page and "館内点検" in page
    other = client.get(reverse("portal:hub", args=[world.b.hub.pk])).content.decode()
    assert "開館中" not in other  # no times given: nothing claimed
