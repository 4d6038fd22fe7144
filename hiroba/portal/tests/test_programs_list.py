"""The public program list and a program's page: what is shown, the filters (ages judged at
each program's own date), the state of sign-up in words, and the calendar files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from hiroba.core.tests.factories import HubFactory, SatelliteFactory, VenueFactory
from hiroba.families.choices import Language
from hiroba.portal.program_forms import months_before
from hiroba.programs import services
from hiroba.programs.choices import ProgramCategory, SignupMode
from hiroba.programs.tests.factories import program

from .conftest import make_family, sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub():
    return HubFactory(name="みなと拠点")


def _days(n: int):
    return (timezone.now() + timedelta(days=n)).replace(hour=1, minute=0, second=0, microsecond=0)


def _titles(client, **params) -> list[str]:
    response = client.get(reverse("portal:programs"), params)
    assert response.status_code == 200
    return [card["program"].title for card in response.context["cards"]]


def test_only_published_programs_that_have_not_ended_are_listed(client, hub):
    program(hub, title="公開中")
    program(hub, title="下書き", publish=False)
    program(hub, title="終わった", starts_at=timezone.now() - timedelta(days=3))
    cancelled = program(hub, title="中止")
    services.cancel_program(cancelled, actor=None)
    program(HubFactory(is_active=False), title="閉じた拠点")
    assert _titles(client) == ["公開中"]


def test_the_age_filter_judges_the_age_at_each_programs_own_date(client, hub):
    program(hub, title="すぐ", starts_at=_days(10), min_age_months=6, max_age_months=11)
    program(hub, title="二か月後", starts_at=_days(70), min_age_months=6, max_age_months=11)
    program(hub, title="誰でも", starts_at=_days(20))
    born = months_before(timezone.localdate(), 5)  # 5 months today, 7 in ten weeks
    assert _titles(client, birth_date=born.isoformat()) == ["誰でも", "二か月後"]
    assert _titles(client, age_months="５") == ["誰でも", "二か月後"]  # full-width digits too
    assert _titles(client, age_months="30") == ["誰でも"]


def test_hub_venue_kind_and_language_filters(client, hub):
    satellite = SatelliteFactory(parent=hub, name="みなとサテライト")
    other = HubFactory(name="やまて拠点")
    room = VenueFactory(hub=hub, name="ひろば室")
    program(hub, title="本体", venue=room, starts_at=_days(3))
    program(satellite, title="サテライト", starts_at=_days(4), language=Language.ENGLISH)
    program(other, title="よそ", starts_at=_days(5), category=ProgramCategory.OUTDOOR)
    assert _titles(client, hub=hub.pk) == ["本体", "サテライト"]
    assert _titles(client, hub=hub.pk, venue=room.pk) == ["本体"]
    assert _titles(client, category=ProgramCategory.OUTDOOR) == ["よそ"]
    assert _titles(client, language=Language.ENGLISH) == ["サテライト"]
    assert _titles(client, birth_date="not a date") == ["本体", "サテライト", "よそ"]


def test_cards_say_seats_left_waiting_list_opening_and_lottery(client, hub, english):
    now = timezone.now()
    open_ = program(hub, title="空きあり", capacity_families=3, starts_at=_days(5))
    full = program(hub, title="満席", capacity_families=1, starts_at=_days(6))
    soon = program(hub, title="受付前", starts_at=_days(7), opens_at=now + timedelta(days=2))
    lottery = program(
        hub,
        title="抽選",
        starts_at=_days(8),
        signup_mode=SignupMode.LOTTERY,
        closes_at=now + timedelta(days=3),
        draw_at=now + timedelta(days=3, hours=1),
    )
    household = make_family(hub, "hana")
    services.apply(full, household, list(household.members.all()))
    response = client.get(reverse("portal:programs"))
    cards = {c["program"].pk: c for c in response.context["cards"]}
    assert cards[open_.pk]["label"].code == "open"
    assert cards[open_.pk]["seats"] == "3 of 3 families left"
    assert cards[full.pk]["label"].code == "waitlist"
    assert cards[full.pk]["seats"] == ""  # the label says it is full
    assert cards[soon.pk]["label"].code == "not_open_yet"
    assert cards[lottery.pk]["label"].code == "lottery"
    page = response.content.decode()
    assert "Full: you can join the waiting list" in page
    assert "Sign-up opens" in page and "Lottery: apply by" in page


def test_a_signed_in_family_sees_which_programs_it_applied_for(client, hub, english):
    applied = program(hub, title="申込済み")
    program(hub, title="まだ")
    household = make_family(hub, "hana")
    entry = services.apply(applied, household, list(household.members.all()))
    sign_in_as(client, household)
    response = client.get(reverse("portal:programs"))
    cards = {c["program"].title: c for c in response.context["cards"]}
    assert cards["申込済み"]["entry"] == entry and cards["まだ"]["entry"] is None
    assert "no-store" in response["Cache-Control"]


def test_the_program_page_explains_who_can_come_before_applying(client, hub, english):
    prog = program(
        hub,
        title="離乳食教室",
        min_age_months=6,
        max_age_months=11,
        residents_only=True,
        accessibility="ベビーカー置き場あり",
        capacity_families=8,
    )
    page = client.get(reverse("portal:program", kwargs={"program_id": prog.pk})).content.decode()
    assert "Children aged 6 months to 11 months on the day" in page
    assert f"Residents of {hub.ward.name} only" in page
    assert "ベビーカー置き場あり" in page
    assert "8 of 8 families left" in page
    assert reverse("portal:program-apply", kwargs={"program_id": prog.pk}) in page
    assert reverse("portal:program-ics", kwargs={"program_id": prog.pk}) in page


def test_the_program_page_shows_the_familys_own_entry(client, hub, english):
    prog = program(hub)
    household = make_family(hub, "hana")
    entry = services.apply(prog, household, list(household.members.all()))
    sign_in_as(client, household)
    page = client.get(reverse("portal:program", kwargs={"program_id": prog.pk})).content.decode()
    assert "Your family has applied" in page
    assert reverse("portal:my-entry", kwargs={"program_entry_id": entry.pk}) in page
    assert reverse("portal:program-apply", kwargs={"program_id": prog.pk}) not in page


def test_a_draft_has_no_public_page(client, hub):
    prog = program(hub, publish=False)
    assert client.get(reverse("portal:program", kwargs={"program_id": prog.pk})).status_code == 404


def _events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_hub_feed_has_every_session_of_its_published_upcoming_programs(client, hub):
    program(hub, title="親子ヨガ", sessions=2)
    program(hub, title="下書き", publish=False)
    program(HubFactory(), title="よその講座")
    response = client.get(reverse("portal:hub-programs-ics", kwargs={"hub_id": hub.pk}))
    events = _events(response)
    assert [str(e["summary"]) for e in events] == ["親子ヨガ", "親子ヨガ"]
    assert len({str(e["uid"]) for e in events}) == 2
    assert (
        client.get(reverse("portal:hub-programs-ics", kwargs={"hub_id": 999999})).status_code == 404
    )


def test_a_main_hubs_feed_includes_its_satellites_programs(client, hub):
    satellite = SatelliteFactory(parent=hub)
    program(satellite, title="サテライトの会")
    response = client.get(reverse("portal:hub-programs-ics", kwargs={"hub_id": hub.pk}))
    assert [str(e["summary"]) for e in _events(response)] == ["サテライトの会"]


def test_the_feed_of_every_hub_has_each_hubs_programs_and_no_inactive_hub(client, hub):
    program(hub, title="親子ヨガ")
    program(HubFactory(), title="よその講座")
    program(HubFactory(is_active=False), title="閉じた拠点の講座")
    program(hub, title="下書き", publish=False)
    events = _events(client.get(reverse("portal:programs-ics")))
    assert sorted(str(e["summary"]) for e in events) == ["よその講座", "親子ヨガ"]


def test_a_program_can_be_added_to_a_calendar(client, hub):
    prog = program(hub, title="離乳食教室")
    response = client.get(reverse("portal:program-ics", kwargs={"program_id": prog.pk}))
    (event,) = _events(response)
    assert str(event["summary"]) == "離乳食教室"
    assert event.decoded("dtstart") == prog.first_starts_at
    assert "attachment" in response["Content-Disposition"]


def test_the_hub_page_links_to_its_programs_and_feed(client, hub):
    page = client.get(reverse("portal:hub", kwargs={"hub_id": hub.pk})).content.decode()
    assert reverse("portal:hub-programs-ics", kwargs={"hub_id": hub.pk}) in page
    assert f"{reverse('portal:programs')}?hub={hub.pk}" in page


def test_a_program_reads_in_the_parents_language_with_japanese_where_none_was_written(client, hub):
    prog = program(
        hub,
        title="離乳食教室",
        description="はじめての離乳食について。",
        translations={"en": {"title": "Baby food class"}, "ja-easy": {"title": "りにゅうしょく"}},
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Baby food class" in client.get(reverse("portal:programs")).content.decode()
    detail = client.get(reverse("portal:program", args=[prog.pk])).content.decode()
    assert "Baby food class" in detail and "はじめての離乳食について。" in detail
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja-easy"
    easy = client.get(reverse("portal:program", args=[prog.pk])).content.decode()
    assert "りにゅうしょく" in easy and "<rt>りにゅうしょく</rt>" in easy  # 離乳食 in the text


def test_a_calendar_app_polling_an_unchanged_feed_gets_304(client, hub):
    program(hub, title="親子ヨガ")
    url = reverse("portal:programs-ics")
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    program(hub, title="離乳食教室")
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 200
