import pytest

from hiroba.accounts.tests.factories import UserFactory
from hiroba.core import services
from hiroba.core.models import AuditLog, District, TownBlock, Venue
from hiroba.core.tests.factories import (
    DistrictFactory,
    HubFactory,
    TownBlockFactory,
    VenueFactory,
    WardFactory,
)


@pytest.fixture
def actor(db):
    return UserFactory()


def _actions():
    return list(AuditLog.objects.order_by("id").values_list("action", "payload"))


def test_updating_a_hub_records_which_fields_changed(actor):
    hub = HubFactory(phone="")
    services.update_hub(hub, actor=actor, phone="0459995555", name=hub.name)
    hub.refresh_from_db()
    assert hub.phone == "0459995555"
    assert _actions() == [("core.hub.updated", {"fields": ["phone"]})]


def test_saving_an_unchanged_hub_records_nothing(actor):
    hub = HubFactory()
    services.update_hub(hub, actor=actor, name=hub.name)
    assert _actions() == []


def test_only_editable_hub_fields_can_be_set(actor):
    with pytest.raises(TypeError):
        services.update_hub(HubFactory(), actor=actor, is_active=False)


def test_a_venue_cannot_use_a_district_of_another_ward(actor):
    hub = HubFactory()
    with pytest.raises(services.TenancyError):
        services.create_venue(
            hub,
            actor=actor,
            name="会場",
            kind="hiroba_room",
            district=DistrictFactory(),
            capacity_pairs=10,
        )
    assert not Venue.objects.exists()
    assert _actions() == []


def test_closing_a_venue_twice_records_one_change(actor):
    venue = VenueFactory()
    services.set_venue_active(venue, False, actor=actor)
    services.set_venue_active(venue, False, actor=actor)
    assert Venue.objects.get(pk=venue.pk).is_active is False
    assert [a for a, _ in _actions()] == ["core.venue.deactivated"]


def test_replacing_the_town_block_mapping(actor):
    ward = WardFactory()
    old = DistrictFactory(ward=ward, name="旧地区")
    TownBlockFactory(district=old, key="さくら台1丁目")
    TownBlockFactory(district=old, key="消える町1丁目")
    plan = services.import_town_blocks(
        ward,
        {"さくら台1丁目": "さくら台地区", "みずき野2丁目": "みずき野地区"},
        actor=actor,
        replace=True,
    )
    assert plan.new_districts == ["さくら台地区", "みずき野地区"]
    assert plan.added == ["みずき野2丁目"]
    assert plan.moved == [("さくら台1丁目", "旧地区", "さくら台地区")]
    assert plan.removed == ["消える町1丁目"]
    mapping = dict(TownBlock.objects.filter(ward=ward).values_list("key", "district__name"))
    assert mapping == {"さくら台1丁目": "さくら台地区", "みずき野2丁目": "みずき野地区"}
    assert _actions()[-1] == (
        "core.townblocks.imported",
        {"replace": True, "added": 1, "moved": 1, "removed": 1, "new_districts": 2},
    )


def test_merging_keeps_town_blocks_missing_from_the_file(actor):
    ward = WardFactory()
    TownBlockFactory(district=DistrictFactory(ward=ward, name="A地区"), key="残る町1丁目")
    plan = services.import_town_blocks(ward, {"新町1丁目": "A地区"}, actor=actor, replace=False)
    assert plan.removed == [] and plan.new_districts == []
    assert set(TownBlock.objects.filter(ward=ward).values_list("key", flat=True)) == {
        "残る町1丁目",
        "新町1丁目",
    }


def test_an_import_touches_only_its_own_ward(actor):
    other = TownBlockFactory(key="さくら台1丁目")
    ward = WardFactory()
    services.import_town_blocks(ward, {"さくら台1丁目": "X地区"}, actor=actor, replace=True)
    other.refresh_from_db()
    assert other.district.ward != ward
    assert District.objects.filter(ward=ward).count() == 1


def test_a_failed_import_leaves_nothing_behind(actor, monkeypatch):
    ward = WardFactory()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(TownBlock.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        services.import_town_blocks(ward, {"新町1丁目": "新地区"}, actor=actor, replace=True)
    assert not District.objects.filter(ward=ward).exists()
    assert _actions() == []
