"""The 地域連携 log: recorded and edited by the hub's case managers, listed by fiscal year
(April to March), agencies of the ward or the city only."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.factories import agency
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import WardFactory
from hiroba.support import case_services as services
from hiroba.support.errors import SupportError
from hiroba.support.models import CommunityActivity
from hiroba.support.tests.case_factories import activity

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def partner(world):
    return world.a.person(Role.USER_SUPPORT)


@pytest.fixture
def staff(client, partner):
    client.cookies["hiroba_language"] = "en"
    client.force_login(partner)
    return client


def _form(**changes) -> dict:
    data = {
        "happened_on": "令和8年11月18日",
        "kind": "ward_meeting",
        "title": "区こども家庭支援課との定例連絡会",
        "partners": "区こども家庭支援課",
        "participants": "６",
        "minutes": "９０",
        "summary": "つないだ件数の傾向を共有",
    }
    data.update(changes)
    return data


def test_an_activity_is_recorded_as_typed(staff, world, partner):
    ward_agency = agency(world.a)
    response = staff.post(reverse("support:activity-create"), _form(agencies=[ward_agency.pk]))
    made = CommunityActivity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("support:activity-list") + "?fiscal_year=2026"
    assert (made.hub, made.happened_on, made.participants, made.minutes) == (
        world.a.hub,
        date(2026, 11, 18),
        6,
        90,
    )
    assert list(made.agencies.all()) == [ward_agency] and made.recorded_by == partner
    row = AuditLog.objects.get(action="support.community_activity.recorded")
    assert row.payload == {"activity": made.pk, "kind": "ward_meeting"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"happened_on": "2026-11-21"}, "Record an activity once it has happened."),
        ({"participants": "-3"}, "greater than or equal to 0"),
        ({"kind": "party"}, "Select a valid choice."),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(staff, changes, message):
    response = staff.post(reverse("support:activity-create"), _form(**changes))
    assert response.status_code == 200 and message in response.content.decode()
    assert not CommunityActivity.objects.exists()


def test_agencies_of_another_ward_are_refused(world, partner):
    other = agency(world.a.hub, ward=WardFactory(municipality=world.a.municipality))
    data = services.ActivityData(
        happened_on=date(2026, 11, 1), kind="visit", title="見学", agencies=[other]
    )
    with pytest.raises(SupportError) as refused:
        services.record_activity(world.a.hub, data, actor=partner)
    assert refused.value.code == "agency_elsewhere"
    assert not CommunityActivity.objects.exists()


def test_the_log_is_listed_by_fiscal_year(staff, world, partner):
    activity(world.a.hub, actor=partner, title="四月一日の会議", happened_on=date(2026, 4, 1))
    activity(world.a.hub, actor=partner, title="三月末の会議", happened_on=date(2026, 3, 31))
    activity(world.b.hub, actor=world.b.person(Role.USER_SUPPORT), title="よその拠点の会議")
    url = reverse("support:activity-list")
    this_year = staff.get(url).content.decode()
    assert "四月一日の会議" in this_year and "三月末の会議" not in this_year
    assert "よその拠点の会議" not in this_year
    last_year = staff.get(url, {"fiscal_year": "R7"}).content.decode()
    assert "三月末の会議" in last_year and "四月一日の会議" not in last_year


def test_an_activity_is_edited_and_keeps_an_agency_taken_out_of_use(staff, world, partner):
    old = agency(world.a, name="旧センター")
    made = activity(world.a.hub, actor=partner, agencies=[old])
    old.is_active = False
    old.save()
    url = reverse("support:activity-edit", kwargs={"activity_id": made.pk})
    page = staff.get(url).content.decode()
    assert "旧センター" in page
    response = staff.post(url, _form(agencies=[old.pk], title="定例連絡会（第3回）"))
    assert response.status_code == 302
    made.refresh_from_db()
    assert (
        made.title == "定例連絡会(第3回)"
    )  # NFKC, as every CleanCharField and list(made.agencies.all()) == [old]
    row = AuditLog.objects.get(action="support.community_activity.updated")
    assert "title" in row.payload["fields"] and "agencies" not in row.payload["fields"]


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.WARD_OFFICIAL])
def test_the_log_is_for_case_managers(client, world, partner, role):
    made = activity(world.a.hub, actor=partner)
    client.force_login(world.a.person(role))
    url = reverse("support:activity-edit", kwargs={"activity_id": made.pk})
    assert client.get(url).status_code == 403
    client.force_login(world.b.person(Role.USER_SUPPORT))
    assert client.get(url).status_code == 404
