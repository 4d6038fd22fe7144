"""The coordinator's pages: take a request by phone, see the ranked candidates, log an answer,
introduce a provider; edit a provider's weekly times as typed (full-width digits included)."""

from __future__ import annotations

from datetime import time

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.families.tests.factories import AT_NOON
from hiroba.kosapo.choices import MemberKind, RequestStatus
from hiroba.kosapo.models import CareRequest, WeeklyAvailability
from hiroba.kosapo.request_forms import parse_ranges
from hiroba.kosapo.tests.factories import ask, member, provider

pytestmark = [pytest.mark.django_db, AT_NOON]


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.a.person(Role.KOSAPO_COORDINATOR))
    return client


@pytest.fixture
def user_member(world):
    return member(world.a.hub, MemberKind.USER, activate=True)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("7:00-12:00", [(time(7), time(12))]),
        ("７：００－１２：００、１５－１８", [(time(7), time(12)), (time(15), time(18))]),
        ("9時30分〜12時", [(time(9, 30), time(12))]),
        ("9:00 - 12:00、 15:00 ~ 18:00", [(time(9), time(12)), (time(15), time(18))]),
        ("", []),
    ],
)
def test_weekly_times_are_read_as_people_type_them(text, ranges):
    assert parse_ranges(text) == ranges


@pytest.mark.parametrize("text", ["12:00-9:00", "25-26", "午前", "9:00"])
def test_weekly_times_that_make_no_sense_are_refused(text):
    with pytest.raises(ValueError):
        parse_ranges(text)


def test_the_coordinator_takes_a_request_by_phone_and_sees_candidates(
    coordinator, world, user_member
):
    helper = provider(world.a.hub)
    child = user_member.household.members.children().get()
    url = reverse("kosapo:request-create", kwargs={"kosapo_member_id": user_member.pk})
    response = coordinator.post(
        url,
        {
            "children": [child.pk],
            "kind": "care",
            "reason": "hospital",
            "pattern": "once",
            "first_on": "2027-01-12",
            "starts": "９：３０",
            "ends": "12:00",
            "care_place": "provider_home",
            "received_via": "phone",
            "notes": "午後は予防接種",
        },
        follow=True,
    )
    made = CareRequest.objects.get()
    assert (made.starts, made.ends, made.notes) == (time(9, 30), time(12), "午後は予防接種")
    assert response.redirect_chain[-1][0] == reverse(
        "kosapo:request-detail", kwargs={"kosapo_request_id": made.pk}
    )
    page = response.content.decode()
    assert f'id="candidate-{helper.pk}"' in page
    assert "依頼を受け付けました" in page


def test_a_request_form_with_wrong_times_says_so_and_saves_nothing(coordinator, world, user_member):
    child = user_member.household.members.children().get()
    url = reverse("kosapo:request-create", kwargs={"kosapo_member_id": user_member.pk})
    response = coordinator.post(
        url,
        {
            "children": [child.pk],
            "kind": "escort",
            "reason": "school_escort",
            "pattern": "once",
            "first_on": "2027-01-12",
            "starts": "8:15",
            "ends": "7:30",
            "received_via": "phone",
        },
    )
    assert response.status_code == 200
    assert "終了時刻は開始時刻より後にしてください。" in response.content.decode()
    assert not CareRequest.objects.exists()


def test_answer_then_introduce_and_a_stale_page_is_refused(coordinator, world, user_member):
    request = ask(user_member)
    first, second = provider(world.a.hub), provider(world.a.hub)
    detail = reverse("kosapo:request-detail", kwargs={"kosapo_request_id": request.pk})
    contact = reverse("kosapo:request-contact", kwargs={"kosapo_request_id": request.pk})
    introduce = reverse("kosapo:request-introduce", kwargs={"kosapo_request_id": request.pk})
    coordinator.post(contact, {"provider": second.pk, "response": "no", "reason": "旅行"})
    page = coordinator.get(detail).content.decode()
    assert f'id="not-offered-{second.pk}"' in page
    assert "旅行" in page
    coordinator.post(introduce, {"provider": first.pk, "revision": request.revision})
    request.refresh_from_db()
    assert (request.status, request.provider_id) == (RequestStatus.INTRODUCED, first.pk)
    response = coordinator.post(
        introduce, {"provider": second.pk, "revision": request.revision - 1}, follow=True
    )
    assert any("他の人が変更しました" in m for m in _messages(response))
    request.refresh_from_db()
    assert request.provider_id == first.pk


def test_a_provider_of_another_branch_cannot_be_introduced(coordinator, world, user_member):
    request = ask(user_member)
    stranger = provider(world.b.hub)
    introduce = reverse("kosapo:request-introduce", kwargs={"kosapo_request_id": request.pk})
    coordinator.post(introduce, {"provider": stranger.pk, "revision": request.revision})
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED


def test_the_profile_page_saves_the_weekly_times(coordinator, world):
    helper = provider(world.a.hub)
    url = reverse("kosapo:provider-profile", kwargs={"kosapo_member_id": helper.pk})
    page = coordinator.get(url).content.decode()
    assert 'value="7:00-19:00"' in page
    data = {
        "day_0": "７：００－１２：００",
        "day_2": "7:00-12:00, 15:00-18:00",
        "escorts_by_bicycle": "on",
        "cares_at_own_home": "on",
        "max_distance_km": "1.5",
        "revision": helper.revision,
    }
    coordinator.post(url, data)
    assert list(
        WeeklyAvailability.objects.filter(member=helper).values_list("weekday", "starts", "ends")
    ) == [(0, time(7), time(12)), (2, time(7), time(12)), (2, time(15), time(18))]
    helper.profile.refresh_from_db()
    assert helper.profile.escorts_by_bicycle and not helper.profile.escorts_on_foot


def test_a_profile_with_unreadable_times_keeps_the_old_ones(coordinator, world):
    helper = provider(world.a.hub)
    url = reverse("kosapo:provider-profile", kwargs={"kosapo_member_id": helper.pk})
    response = coordinator.post(
        url, {"day_0": "朝だけ", "max_distance_km": "2", "revision": helper.revision}
    )
    assert response.status_code == 200
    assert WeeklyAvailability.objects.filter(member=helper).count() == 5
