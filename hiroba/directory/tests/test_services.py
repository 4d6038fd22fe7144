import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext
from time_machine import travel

from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import DistrictFactory
from hiroba.directory import queries, services
from hiroba.directory.choices import ResourceSource, SuggestionStatus
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.directory.tests.factories import resource

pytestmark = pytest.mark.django_db

VALUES = {
    "category": "baby_station",
    "name": "港北区役所 授乳室",
    "address": "横浜市港北区大豆戸町26-1",
    "latitude": Decimal("35.510600"),
    "longitude": Decimal("139.627500"),
    "has_nursing_room": True,
}


def test_staff_entry_is_verified_today_and_kept_by_the_main_hub(world):
    staff = world.a.person("hub_staff")
    created = services.create_resource(world.a.satellite, actor=staff, **VALUES)
    assert created.hub == world.a.hub
    assert created.verified_on == timezone.localdate() and created.verified_by == staff
    assert created.source == ResourceSource.STAFF
    assert AuditLog.objects.filter(action="directory.resource.created", object_id=str(created.pk))


def test_a_stale_page_is_refused_and_nothing_is_overwritten(world):
    staff = world.a.person("hub_staff")
    entry = resource(world.a.hub)
    services.update_resource(entry, actor=staff, revision=1, hours="9:00〜17:00")
    with pytest.raises(services.DirectoryError):
        services.update_resource(entry, actor=staff, revision=1, hours="10:00〜15:00")
    entry.refresh_from_db()
    assert entry.hours == "9:00〜17:00" and entry.revision == 2


def test_saving_unchanged_values_changes_nothing(world):
    entry = resource(world.a.hub, verified_on=date(2024, 1, 1))
    services.update_resource(entry, actor=None, revision=1, name=entry.name)
    entry.refresh_from_db()
    assert entry.revision == 1 and entry.verified_on == date(2024, 1, 1)


@pytest.mark.parametrize(
    ("latitude", "longitude", "message"),
    [
        ("139.617", "35.509", "The latitude and longitude look swapped."),
        ("51.5", "-0.12", "This point is not in Japan. Check the latitude and longitude."),
    ],
)
def test_a_point_outside_japan_is_refused(world, latitude, longitude, message):
    values = dict(VALUES, latitude=Decimal(latitude), longitude=Decimal(longitude))
    with pytest.raises(ValidationError) as error:
        services.create_resource(world.a.hub, actor=None, **values)
    assert error.value.message_dict["latitude"] == [gettext(message)]
    assert not Resource.objects.exists()


def test_a_district_of_another_ward_is_refused(world):
    with pytest.raises(ValidationError):
        services.create_resource(
            world.a.hub, actor=None, district=DistrictFactory(ward=world.b.ward), **VALUES
        )


def test_entries_need_verifying_after_twelve_months(world):
    old = resource(world.a.hub, name="古い", verified_on=date(2025, 11, 21))
    fresh = resource(world.a.hub, name="新しい", verified_on=date(2025, 11, 23))
    never = resource(world.a.hub, name="未確認", verified_on=None)
    today = date(2026, 11, 22)
    assert old.needs_verification(today, 12) and never.needs_verification(today, 12)
    assert not fresh.needs_verification(today, 12)
    stale = queries.staff_resources(world.a.hub, queries.StaffFilters(stale_only=True), today=today)
    assert {r.name for r in stale} == {"古い", "未確認"}
    assert queries.stale_count(world.a.hub, today=today) == 2
    with travel(date(2026, 11, 22)):
        services.verify_resource(old, actor=world.a.person("hub_staff"))
    assert queries.stale_count(world.a.hub, today=today) == 1


def test_a_new_place_suggested_is_only_kept_until_staff_approve(world):
    suggestion = services.suggest_resource(
        world.a.hub,
        proposed={"name": "大倉山公園", "category": "park"},
        message="広い芝生があります",
        submitter_kind="parent",
    )
    assert not Resource.objects.exists()
    staff = world.a.person("hub_staff")
    values = dict(VALUES, name="大倉山公園", category="park")
    created = services.approve_suggestion(suggestion, actor=staff, values=values)
    assert (
        created.source == ResourceSource.SUGGESTION and created.verified_on == timezone.localdate()
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.APPROVED and suggestion.resource == created
    with pytest.raises(services.DirectoryError):
        services.approve_suggestion(suggestion, actor=staff, values=values)
    assert Resource.objects.count() == 1


def test_a_correction_is_applied_against_the_revision_staff_saw(world):
    entry = resource(world.a.hub)
    suggestion = services.suggest_resource(
        world.a.hub, resource=entry, proposed={"hours": "9:00〜16:00"}, submitter_kind="partner"
    )
    staff = world.a.person("hub_staff")
    services.update_resource(entry, actor=staff, revision=1, phone="0451234567")
    with pytest.raises(services.DirectoryError):
        services.approve_suggestion(
            suggestion, actor=staff, values={"hours": "9:00〜16:00"}, revision=1
        )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING  # nothing half-saved
    services.approve_suggestion(
        suggestion, actor=staff, values={"hours": "9:00〜16:00"}, revision=2
    )
    entry.refresh_from_db()
    assert entry.hours == "9:00〜16:00" and entry.phone == "0451234567"


def test_a_declined_suggestion_changes_nothing(world):
    entry = resource(world.a.hub)
    suggestion = services.suggest_resource(
        world.a.hub, resource=entry, proposed={"name": "ちがう名前"}, submitter_kind="other"
    )
    services.reject_suggestion(suggestion, actor=world.a.person("hub_staff"), note="確認済み")
    entry.refresh_from_db()
    suggestion.refresh_from_db()
    assert entry.name == "こどもログハウス"
    assert suggestion.status == SuggestionStatus.REJECTED and suggestion.decision_note == "確認済み"


def test_a_correction_to_another_hubs_place_is_refused(world):
    entry = resource(world.b.hub)
    with pytest.raises(services.DirectoryError):
        services.suggest_resource(
            world.a.hub, resource=entry, proposed={"name": "x"}, submitter_kind="parent"
        )


def test_stale_before_handles_month_ends():
    assert queries.stale_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert queries.stale_before(date(2026, 11, 22), 12) == date(2025, 11, 22)
    assert queries.stale_before(date(2026, 1, 15), 13) == date(2024, 12, 15)
    assert date(2025, 11, 22) + timedelta(days=365) == date(2026, 11, 22)


def test_a_senders_contact_is_erased_some_time_after_the_decision(world):
    def sent(name):
        return services.suggest_resource(
            world.a.hub,
            proposed={"name": name},
            submitter_kind="parent",
            submitter_name="山田",
            submitter_contact="yamada@example.jp",
        )

    old, recent, waiting = sent("古い公園"), sent("新しい公園"), sent("未決の公園")
    services.reject_suggestion(old, actor=None, note="重複")
    services.reject_suggestion(recent, actor=None, note="重複")
    now = timezone.now()
    ResourceSuggestion.objects.filter(pk=old.pk).update(decided_at=now - timedelta(days=91))
    ResourceSuggestion.objects.filter(pk=recent.pk).update(decided_at=now - timedelta(days=89))
    call_command("directory_tick", stdout=io.StringIO())
    rows = {s.pk: (s.submitter_name, s.submitter_contact) for s in ResourceSuggestion.objects.all()}
    assert rows[old.pk] == ("", "")
    assert rows[recent.pk] == rows[waiting.pk] == ("山田", "yamada@example.jp")
    assert services.erase_old_sender_contacts(now) == 0  # a second run changes nothing
    entry = AuditLog.objects.get(action="directory.suggestion.contacts_erased")
    assert entry.payload == {"count": 1}
