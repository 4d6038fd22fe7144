"""The 町丁 → 地区 import: upload, preview (nothing written), confirm (all at once)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog, District, TownBlock
from hiroba.core.tests.factories import DistrictFactory, TownBlockFactory

CSV = (
    "町丁,地区\r\nさくら台１丁目,さくら台地区\r\nさくら台二丁目,さくら台地区\r\n"
    "みずき野1丁目,みずき野地区\r\n"
)


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return client


def _upload(client, text=CSV, encoding="cp932", mode="replace"):
    upload = SimpleUploadedFile("machi.csv", text.encode(encoding), content_type="text/csv")
    return client.post(reverse("hubs:town-block-import"), {"file": upload, "mode": mode})


def test_the_preview_writes_nothing(world, manager):
    response = _upload(manager)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.added == ["さくら台1丁目", "さくら台2丁目", "みずき野1丁目"]
    assert plan.new_districts == ["さくら台地区", "みずき野地区"]
    assert not TownBlock.objects.filter(ward=world.a.ward).exists()
    assert not District.objects.filter(ward=world.a.ward).exists()


def test_confirming_applies_exactly_the_previewed_file(world, manager):
    token = _upload(manager).context["token"]
    response = manager.post(reverse("hubs:town-block-import-confirm"), {"token": token})
    assert response.status_code == 302
    mapping = dict(TownBlock.objects.filter(ward=world.a.ward).values_list("key", "district__name"))
    assert mapping == {
        "さくら台1丁目": "さくら台地区",
        "さくら台2丁目": "さくら台地区",
        "みずき野1丁目": "みずき野地区",
    }
    assert AuditLog.objects.get(action="core.townblocks.imported").ward == world.a.ward


def test_a_tampered_preview_is_refused(world, manager):
    token = _upload(manager).context["token"]
    response = manager.post(
        reverse("hubs:town-block-import-confirm"), {"token": token[:-3] + "abc"}
    )
    assert response.status_code == 302 and response.url == reverse("hubs:town-block-import")
    assert not TownBlock.objects.filter(ward=world.a.ward).exists()


def test_a_preview_made_for_another_ward_is_refused(world, client):
    client.force_login(world.b.person(Role.HUB_MANAGER))
    token = _upload(client).context["token"]
    client.force_login(world.a.person(Role.HUB_MANAGER))
    client.post(reverse("hubs:town-block-import-confirm"), {"token": token})
    assert not TownBlock.objects.exists()


def test_errors_are_listed_with_line_numbers(world, manager):
    response = _upload(manager, "町丁,地区\r\nさくら台1丁目,\r\n,さくら台地区\r\n")
    assert response.status_code == 200
    assert "plan" not in response.context
    assert len(response.context["errors"]) == 2
    assert not TownBlock.objects.exists()


def test_the_export_imports_back_without_changes(world, manager):
    district = DistrictFactory(ward=world.a.ward, name="若葉台地区")
    TownBlockFactory(district=district, key="若葉台1丁目")
    TownBlockFactory(district=district, key="若葉台2丁目")
    exported = manager.get(reverse("hubs:town-block-export"))
    assert exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "町丁,地区"
    plan = _upload(manager, text, encoding="utf-8").context["plan"]
    assert not plan.has_changes and plan.unchanged == 2


def test_a_preview_is_refused_when_someone_else_imported_meanwhile(world, manager):
    token = _upload(manager).context["token"]
    DistrictFactory(ward=world.a.ward, name="別の地区")
    TownBlockFactory(district=District.objects.get(ward=world.a.ward), key="割り込み町1丁目")
    response = manager.post(reverse("hubs:town-block-import-confirm"), {"token": token})
    assert response.status_code == 302 and response.url == reverse("hubs:town-block-import")
    assert set(TownBlock.objects.filter(ward=world.a.ward).values_list("key", flat=True)) == {
        "割り込み町1丁目"
    }
