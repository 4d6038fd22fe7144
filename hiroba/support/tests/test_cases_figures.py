"""What the support cases give to others: the dashboard card (case and date, never the text)
and the year's figures, with small cells hidden for the ward."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.support import case_services as services
from hiroba.support.case_statistics import case_figures
from hiroba.support.choices import ActivityKind, ClosureReason, LinkageStatus, ServiceKind
from hiroba.support.models import Linkage
from hiroba.support.tests.case_factories import (
    CANARY,
    PLAN_CANARY,
    activity,
    linkage,
    plan_item,
    support_case,
    warm_linkage_data,
)

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def partner(world):
    return world.a.person(Role.USER_SUPPORT)


# -- the dashboard ------------------------------------------------------------------------------
def _dashboard(client, user) -> str:
    client.cookies["hiroba_language"] = "en"
    client.force_login(user)
    return client.get(reverse("hubs:dashboard")).content.decode()


def test_the_card_lists_what_is_due_this_week_without_the_text(client, world, partner):
    due = support_case(world.a.hub, actor=partner, opened_on=TODAY - timedelta(days=30))
    linkage(due, actor=partner, follow_up_on=TODAY - timedelta(days=2))
    plan_item(due, actor=partner, due_on=TODAY + timedelta(days=7))
    later = support_case(world.a.hub, actor=partner)
    plan_item(later, actor=partner, due_on=TODAY + timedelta(days=8))  # beyond the week
    done = linkage(later, actor=partner, follow_up_on=TODAY)
    services.complete_linkage_follow_up(done, actor=partner)
    closed = support_case(world.a.hub, actor=partner)
    linkage(closed, actor=partner, follow_up_on=TODAY)
    services.close_case(closed, ClosureReason.MOVED, closed_on=TODAY, actor=partner)
    page = _dashboard(client, partner)
    card = page.split("Support cases: due this week")[1].split("</section>")[0]
    assert reverse("support:case-detail", kwargs={"case_id": due.pk}) in card
    assert "11/18" in card and "11/27" in card and "tag--warning" in card
    for absent in (later, closed):
        assert reverse("support:case-detail", kwargs={"case_id": absent.pk}) not in card
    assert CANARY not in page and PLAN_CANARY not in page
    assert "Ward public health nurse" not in card  # the service would say why


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.WARD_OFFICIAL, Role.VOLUNTEER])
def test_only_case_managers_get_the_card(client, world, partner, role):
    case = support_case(world.a.hub, actor=partner)
    linkage(case, actor=partner, follow_up_on=TODAY)
    assert "Support cases: due this week" not in _dashboard(client, world.a.person(role))


def test_the_card_says_when_nothing_is_due(client, world):
    assert "Nothing due on support cases." in _dashboard(client, world.a.person(Role.HUB_MANAGER))


# -- the year's figures -------------------------------------------------------------------------
def _values(rows) -> dict:
    return {row.code: row.value for row in rows}


def _year(world, partner):
    """FY2026 at hub A: 6 cases opened (one in March, FY2025), 5 closed for a service and 1
    moved away; linkages 6 to the nursery concierge (2 warm), 1 kosapo."""
    hub = world.a.hub
    march = support_case(hub, actor=partner, opened_on=date(2026, 3, 10))
    cases = [support_case(hub, actor=partner, opened_on=date(2026, 5, 1)) for _ in range(6)]
    for case in cases[:5]:
        services.close_case(case, ClosureReason.SERVICE, closed_on=date(2026, 9, 1), actor=partner)
    services.close_case(march, ClosureReason.MOVED, closed_on=date(2026, 6, 1), actor=partner)
    links = [linkage(cases[5], actor=partner, follow_up_on=TODAY) for _ in range(4)]
    links += [services.add_linkage(cases[5], warm_linkage_data(), actor=partner)]
    links += [
        services.add_linkage(
            cases[5], warm_linkage_data(service_kind=ServiceKind.NURSERY), actor=partner
        )
    ]
    linkage(cases[5], actor=partner, service_kind=ServiceKind.KOSAPO)
    for link in links[:4]:
        services.complete_linkage_follow_up(link, actor=partner)
    Linkage.objects.filter(pk=links[0].pk).update(
        follow_up_done_at=datetime(2026, 11, 22, 9, 0, tzinfo=TOKYO)  # two days late
    )
    services.move_linkage(links[1], LinkageStatus.CONTACTED, actor=partner)
    for index in range(5):
        activity(hub, actor=partner, participants=10 + index)
    activity(hub, actor=partner, kind=ActivityKind.VISIT, participants=2)
    activity(hub, actor=partner, happened_on=date(2026, 3, 31), participants=50)  # FY2025
    return cases


def test_figures_count_the_fiscal_year_from_coded_columns(world, partner):
    _year(world, partner)
    figures = case_figures([world.a.hub.pk], 2026, suppress_small=False)
    cases, links, activities = figures["cases"], figures["linkages"], figures["activities"]
    assert (cases["opened"], cases["closed"], cases["open_at_year_end"]) == (6, 6, 1)
    assert _values(cases["by_closure_reason"])["service"] == 5
    assert _values(cases["by_closure_reason"])["moved"] == 1
    assert links["total"] == 7
    assert _values(links["by_service_kind"]) == {
        **dict.fromkeys(ServiceKind.values, 0),
        "nursery": 5,
        "ward_health": 1,
        "kosapo": 1,
    }
    assert _values(links["by_status"])["proposed"] == 6
    assert _values(links["by_status"])["contacted"] == 1
    assert (links["warm_handovers"], links["follow_ups_on_time"], links["follow_ups_late"]) == (
        2,
        3,
        1,
    )
    by_kind = {row.code: (row.count, row.participants) for row in activities["by_kind"]}
    assert by_kind["network_meeting"] == (5, 60) and by_kind["visit"] == (1, 2)
    assert (activities["total"], activities["participants"]) == (6, 62)
    last_year = case_figures([world.a.hub.pk], 2025, suppress_small=False)
    assert last_year["cases"]["opened"] == 1 and last_year["cases"]["open_at_year_end"] == 1
    assert last_year["activities"]["participants"] == 50
    assert case_figures([world.b.hub.pk], 2026, suppress_small=False)["cases"]["opened"] == 0


def test_the_ward_gets_small_cells_and_the_totals_they_hide_suppressed(world, partner):
    _year(world, partner)
    figures = case_figures([world.a.hub.pk, world.a.satellite.pk], 2026, suppress_small=True)
    cases, links, activities = figures["cases"], figures["linkages"], figures["activities"]
    assert cases["opened"] == 6
    assert _values(cases["by_closure_reason"])["moved"] is None  # one family: hidden
    # Opened 6 is shown, so 5 beside the one hidden cell would give it away: hidden too.
    assert _values(cases["by_closure_reason"])["service"] is None
    assert _values(cases["by_closure_reason"])["needs_met"] == 0  # zero gives nothing away
    assert cases["closed"] is None  # 6 - 5 would give the hidden cell away
    assert cases["open_at_year_end"] is None
    assert _values(links["by_service_kind"])["kosapo"] is None
    # Two small cells (kosapo, ward health): the sum of both is all that can be worked out.
    assert _values(links["by_service_kind"])["nursery"] == 5
    assert links["total"] is None
    assert (links["warm_handovers"], links["follow_ups_on_time"], links["follow_ups_late"]) == (
        None,
        None,
        None,
    )
    by_kind = {row.code: (row.count, row.participants) for row in activities["by_kind"]}
    assert by_kind["network_meeting"] == (5, 60) and by_kind["visit"] == (None, None)
    assert activities["total"] is None and figures["suppressed"] is True
