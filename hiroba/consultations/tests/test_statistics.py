"""Consultation statistics for a hub or a whole ward, and their downloads: counts only, small
cells hidden from everyone outside the hub's consultation team, every download audited."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from hiroba.accounts.choices import Role
from hiroba.consultations import services, statistics
from hiroba.consultations.tests.factories import (
    CANARY,
    agency,
    consultation,
    referral_data,
    topics,
)
from hiroba.core.models import AuditLog

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
STATISTICS = reverse("consultations:statistics")
EXPORT = reverse("consultations:statistics-export")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def _sleep_at(hub, author, count, **values):
    for _index in range(count):
        consultation(hub, actor=author, topics=topics(hub, "sleep"), **values)


def _login(client, person):
    client.cookies["hiroba_language"] = "en"
    client.force_login(person)
    return client


def _csv(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


def test_the_ward_view_counts_every_hub_of_the_ward_and_hides_small_cells(client, world):
    author = world.a.person(Role.HUB_STAFF)
    _sleep_at(world.a.hub, author, 6)
    _sleep_at(world.a.satellite, author, 5)
    _sleep_at(world.b.hub, world.b.person(Role.HUB_STAFF), 9)  # another city: never counted
    _login(client, world.a.person(Role.WARD_OFFICIAL))
    response = client.get(STATISTICS, {"ward": world.a.ward.pk})
    stats = response.context["stats"]
    assert stats["area"].whole_ward and stats["suppressed"]
    assert dict(stats["by_topic"])["睡眠"] == 11  # 6 + 5 across the ward
    assert CANARY not in response.content.decode()


def test_a_cell_one_hub_hides_is_hidden_in_the_ward_view_too(client, world):
    """Otherwise the ward's 13 minus the hub's 10 would give the satellite's hidden 3 away."""
    author = world.a.person(Role.HUB_STAFF)
    _sleep_at(world.a.hub, author, 10)
    _sleep_at(world.a.satellite, author, 3)
    _login(client, world.a.person(Role.WARD_OFFICIAL))
    assert dict(client.get(STATISTICS).context["stats"]["by_topic"])["睡眠"] == 10
    ward = client.get(STATISTICS, {"ward": world.a.ward.pk}).context["stats"]
    assert dict(ward["by_topic"])["睡眠"] is None
    assert ward["total"] is None
    text = _csv(client.get(EXPORT, {"ward": world.a.ward.pk, "format": "csv"}))
    assert "睡眠,<5" in text.splitlines() and "13" not in text


def test_one_hidden_cell_in_a_breakdown_hides_a_second():
    assert statistics.hide_breakdown([6, 1, 0, 7], suppress=True) == [None, None, 0, 7]
    assert statistics.hide_breakdown([6, 2, 3, 7], suppress=True) == [6, None, None, 7]
    assert statistics.hide_breakdown([6, 1, 0, 7], suppress=False) == [6, 1, 0, 7]


def test_the_hubs_own_team_gets_exact_counts_but_not_the_ward_view(client, world):
    author = world.a.person(Role.HUB_STAFF)
    _sleep_at(world.a.hub, author, 2)
    _login(client, author)
    assert dict(client.get(STATISTICS).context["stats"]["by_topic"])["睡眠"] == 2
    assert client.get(STATISTICS).context["wards"] == []  # a hub role: no ward tab
    assert client.get(STATISTICS, {"ward": world.a.ward.pk}).status_code == 403
    assert client.get(STATISTICS, {"ward": world.b.ward.pk}).status_code == 404
    assert client.get(STATISTICS, {"ward": "中央区"}).status_code == 404
    assert client.get(STATISTICS, {"ward": "²"}).status_code == 404
    assert client.get(EXPORT, {"ward": "x", "format": "csv"}).status_code == 404


def test_a_ward_official_cannot_see_another_cities_ward(client, world):
    _login(client, world.a.person(Role.WARD_OFFICIAL))
    assert client.get(STATISTICS, {"ward": world.b.ward.pk}).status_code == 404
    assert client.get(EXPORT, {"ward": world.b.ward.pk, "format": "csv"}).status_code == 404


def test_the_ward_download_holds_counts_only_with_small_cells_as_under_five(client, world):
    author = world.a.person(Role.HUB_STAFF)
    household_topics = topics(world.a.hub, "money")
    _sleep_at(world.a.hub, author, 6)
    consultation(world.a.hub, actor=author, topics=household_topics, child_ages=[30])
    official = world.a.person(Role.WARD_OFFICIAL)
    _login(client, official)
    response = client.get(
        EXPORT, {"ward": world.a.ward.pk, "fiscal_year": "令和８年度", "format": "csv"}
    )
    text = _csv(response)
    assert "hiroba-consultations-2026.csv" in response["Content-Disposition"]
    lines = text.splitlines()
    assert lines[0] == "Consultation statistics" and lines[1] == world.a.ward.name
    assert "睡眠,6" in lines  # 6 sleep consultations: shown
    assert "経済,<5" in lines  # 1 about money: hidden
    assert "Counts under 5 are shown as <5." in text
    for personal in (CANARY, author.full_name, author.email):
        assert personal not in text
    entry = AuditLog.objects.get(action="consultations.statistics.exported")
    assert entry.actor_id == official.pk and entry.hub_id is None
    assert entry.ward_id == world.a.ward.pk
    assert entry.payload == {
        "fiscal_year": 2026,
        "format": "csv",
        "ward": world.a.ward.pk,
        "small_cells_hidden": True,
    }


def test_the_team_download_is_an_exact_workbook(client, world):
    author = world.a.person(Role.HUB_STAFF)
    _sleep_at(world.a.hub, author, 2)
    _login(client, author)
    response = client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    topics_sheet = next(s for s in book.worksheets if s.title == "By topic")
    rows = {row[0]: row[1] for row in topics_sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["睡眠"] == 2
    entry = AuditLog.objects.get(action="consultations.statistics.exported")
    assert entry.hub_id == world.a.hub.pk and entry.payload["small_cells_hidden"] is False


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"format": "csv", "fiscal_year": "来年"}])
def test_a_download_the_page_would_not_offer_is_a_bad_request(client, world, query):
    _login(client, world.a.person(Role.HUB_STAFF))
    assert client.get(EXPORT, query).status_code == 400
    assert not AuditLog.objects.filter(action="consultations.statistics.exported").exists()


def test_follow_ups_referrals_by_status_and_the_share_about_children_under_three(world, english):
    hub, author = world.a.hub, world.a.person(Role.HUB_STAFF)
    week = NOW.date() + timedelta(days=7)
    on_time = consultation(hub, actor=author, follow_up_on=week, child_ages=[5])
    late = consultation(hub, actor=author, follow_up_on=NOW.date(), child_ages=[14])
    consultation(hub, actor=author, follow_up_on=week, child_ages=[40])  # open
    consultation(hub, actor=author, expecting=True)
    services.complete_follow_up(on_time, actor=author)
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        services.complete_follow_up(late, actor=author)
    services.refer(on_time, referral_data(agency(world.a)), actor=author)
    area = statistics.Area.of_hub(hub)
    before = statistics.consultation_statistics(area, 2026, suppress=False, today=NOW.date())
    after = statistics.consultation_statistics(area, 2026, suppress=False, today=date(2026, 12, 1))
    assert [n for _label, n in before["follow_ups"]] == [1, 1, 0, 1]  # on time, late, open
    assert [n for _label, n in after["follow_ups"]] == [1, 1, 1, 0]  # the open one overdue
    assert dict(before["referral_status"])["Requested"] == 1
    assert before["under_three_share"] == 50.0  # 2 of 4 about a child aged 0–2
    hidden = statistics.consultation_statistics(area, 2026, suppress=True, today=NOW.date())
    assert hidden["under_three_share"] is None  # its parts are small cells
