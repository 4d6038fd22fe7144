"""The daily log (日誌): opening today's log per venue, hours and notes, incidents."""

from __future__ import annotations

import html
from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.tests.factories import family
from hiroba.visits import services
from hiroba.visits.models import DailyLog, Incident
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
NOON = "2026-11-20T12:00:00+09:00"
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def room(world):
    return VenueFactory(hub=world.a.hub, name="ひろば室")


def _login(client, user, hub=None):
    client.cookies["hiroba_language"] = "en"
    client.force_login(user)
    if hub is not None:
        session = client.session
        session["hiroba_hub_id"] = hub.pk
        session.save()
    return client


@pytest.fixture
def staff(world, client, room):
    return _login(client, world.a.person(Role.HUB_STAFF))


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _detail(log):
    return reverse("visits:daily-log-detail", args=[log.pk])


def test_the_list_offers_todays_log_per_venue_and_opening_it_twice_reuses_it(world, staff, room):
    outreach = VenueFactory(hub=world.a.hub, name="出張ひろば", kind="outreach")
    page = _text(staff.get(reverse("visits:daily-log-list")))
    assert page.count("Start today's log") == 2
    response = staff.post(reverse("visits:daily-log-open"), {"venue": room.pk})
    log = DailyLog.objects.get()
    assert response.url == _detail(log)
    assert (log.venue, log.hub, log.date) == (room, world.a.hub, TODAY)
    staff.post(reverse("visits:daily-log-open"), {"venue": room.pk})
    assert DailyLog.objects.count() == 1
    page = _text(staff.get(reverse("visits:daily-log-list")))
    assert page.count("Start today's log") == 1  # only the outreach site is left
    assert _detail(log) in page
    assert outreach.name in page


def test_logs_are_listed_newest_first_with_their_incident_counts(world, staff, room):
    older = services.save_daily_log(room, date(2026, 11, 18), actor=None, staff_on_duty="佐藤")
    newer = services.save_daily_log(room, date(2026, 11, 19), actor=None)
    services.add_incident(newer, actor=None, kind="near_miss", description="転びそうになった")
    services.save_daily_log(VenueFactory(hub=world.b.hub), date(2026, 11, 19), actor=None)
    page = staff.get(reverse("visits:daily-log-list")).context["page"]
    assert [log.pk for log in page.object_list] == [newer.pk, older.pk]
    assert [log.incident_count for log in page.object_list] == [1, 0]


def test_opening_a_log_for_a_venue_of_another_hub_is_refused(world, staff):
    response = staff.post(
        reverse("visits:daily-log-open"), {"venue": VenueFactory(hub=world.b.hub).pk}, follow=True
    )
    assert "Choose one of this hub's venues." in _text(response)
    assert DailyLog.objects.count() == 0


def test_editing_the_day_accepts_japanese_times_and_is_audited(staff, room):
    log = services.save_daily_log(room, TODAY, actor=None)
    response = staff.post(
        _detail(log),
        {
            "opened_at": "９：３０",
            "closed_at": "15時半",
            "staff_on_duty": "佐藤、　鈴木",
            "notes": "雨で少なめ。\n\n\n\n午後は工作。",
        },
    )
    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.opened_at, log.closed_at) == (time(9, 30), time(15, 30))
    assert log.staff_on_duty == "佐藤、 鈴木"
    assert log.notes == "雨で少なめ。\n\n午後は工作。"
    assert log.open_minutes == 360
    entry = AuditLog.objects.filter(action="visits.daily_log.saved").latest("pk")
    assert entry.payload["fields"] == ["closed_at", "notes", "opened_at", "staff_on_duty"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"opened_at": "10:00", "closed_at": "9:00"}, "closed_at", "must be after the opening"),
        ({"opened_at": "10:00", "closed_at": "10:00"}, "closed_at", "must be after the opening"),
        ({"closed_at": "16:00"}, "opened_at", "Enter the opening time too."),
        ({"opened_at": "25:00"}, "opened_at", "Enter a time such as 9:30."),
        ({"opened_at": "朝"}, "opened_at", "Enter a time such as 9:30."),
        ({"staff_on_duty": "あ" * 201}, "staff_on_duty", "at most 200 characters"),
    ],
)
def test_the_day_is_validated(staff, room, data, field, message):
    log = services.save_daily_log(room, TODAY, actor=None)
    response = staff.post(_detail(log), data)
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    log.refresh_from_db()
    assert (log.opened_at, log.closed_at, log.staff_on_duty) == (None, None, "")


def test_the_detail_shows_the_days_counts_and_incidents(world, staff, room):
    household = family(world.a.hub)
    services.check_in(household, room, [m.pk for m in household.members.all()], actor=None)
    services.record_walk_in(room, Counts(adults=2, children_0=1, children_3=1), actor=None)
    log = services.save_daily_log(room, TODAY, actor=None)
    services.add_incident(
        log,
        actor=None,
        kind="incident",
        occurred_at=time(10, 15),
        place="すべり台",
        description="頭をぶつけた",
        action_taken="冷やした",
    )
    response = staff.get(_detail(log))
    counts = response.context["counts"]
    assert (counts.visits, counts.pairs, counts.adults, counts.walk_ins) == (2, 2, 3, 1)
    assert (counts.children_0, counts.children_1, counts.children_3) == (1, 1, 1)
    page = response.content.decode()
    assert "頭をぶつけた" in page and "すべり台" in page and "10:15" in page


def test_adding_an_incident_or_near_miss(staff, room):
    log = services.save_daily_log(room, TODAY, actor=None)
    url = reverse("visits:incident-add", args=[log.pk])
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        {
            "kind": "near_miss",
            "occurred_at": "１１時",
            "place": "絵本コーナー",
            "description": "棚が揺れた",
            "prevention": "棚を固定する",
        },
    )
    assert response.url == _detail(log)
    incident = Incident.objects.get()
    assert (incident.kind, incident.occurred_at, incident.prevention) == (
        "near_miss",
        time(11, 0),
        "棚を固定する",
    )
    assert AuditLog.objects.filter(action="visits.incident.recorded").count() == 1


def test_an_incident_needs_a_kind_and_what_happened(staff, room):
    log = services.save_daily_log(room, TODAY, actor=None)
    response = staff.post(
        reverse("visits:incident-add", args=[log.pk]),
        {"kind": "fire", "occurred_at": "99:99", "description": "  "},
    )
    assert set(response.context["form"].errors) == {"kind", "occurred_at", "description"}
    assert Incident.objects.count() == 0


def test_a_satellites_log_belongs_to_the_satellite(world, client):
    satellite_room = VenueFactory(hub=world.a.satellite)
    manager = _login(client, world.a.person(Role.HUB_MANAGER), hub=world.a.satellite)
    manager.post(reverse("visits:daily-log-open"), {"venue": satellite_room.pk})
    log = DailyLog.objects.get()
    assert log.hub == world.a.satellite
    assert manager.get(_detail(log)).status_code == 200
    # Back at the main hub the list is the main hub's own, but the log stays reachable.
    session = manager.session
    session["hiroba_hub_id"] = world.a.hub.pk
    session.save()
    assert list(manager.get(reverse("visits:daily-log-list")).context["page"].object_list) == []
    assert manager.get(_detail(log)).status_code == 200


def test_logs_of_another_city_answer_404_and_volunteers_get_403(world, client, room):
    foreign = services.save_daily_log(VenueFactory(hub=world.b.hub), TODAY, actor=None)
    own = services.save_daily_log(room, TODAY, actor=None)
    staff = _login(client, world.a.person(Role.HUB_STAFF))
    assert staff.get(_detail(foreign)).status_code == 404
    assert staff.get(reverse("visits:incident-add", args=[foreign.pk])).status_code == 404
    volunteer = _login(client, world.a.person(Role.VOLUNTEER))
    assert volunteer.get(_detail(own)).status_code == 403
    assert volunteer.get(reverse("visits:daily-log-list")).status_code == 403
