"""A city's categories are renamed, added and removed by its staff; records keep their codes
and a category still in use stays."""

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.categories import section_categories
from hiroba.core.models import AuditLog
from hiroba.directory.tests.factories import resource

pytestmark = pytest.mark.django_db


def _post_data(categories, extra=()):
    rows = [
        {"code": c.code, "ja": c.ja, "en": c.en, "aliases": "、".join(c.aliases)}
        for c in categories
    ] + list(extra)
    data = {
        "c-TOTAL_FORMS": str(len(rows)),
        "c-INITIAL_FORMS": str(len(categories)),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "60",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"c-{n}-{key}"] = value
    return data


def test_staff_rename_add_and_remove_news_categories(client, world):
    city = world.a.municipality
    client.force_login(world.a.person(Role.HUB_MANAGER))
    current = section_categories(city, "news")
    data = _post_data(current, extra=[{"ja": "おもちゃ病院", "en": "Toy hospital"}])
    data["c-0-ja"] = "大切なお知らせ"
    data["c-5-remove"] = "on"  # the last of six: 防災・安全・感染症
    response = client.post(reverse("hubs:categories") + "?list=news", data)
    assert response.status_code == 302
    city.refresh_from_db()
    after = section_categories(city, "news")
    assert [c.ja for c in after][0] == "大切なお知らせ" and after[0].code == "notice"
    assert after[-1].code == "toy_hospital" and "safety" not in {c.code for c in after}
    assert AuditLog.objects.filter(action="core.categories.updated").exists()
    assert section_categories(world.b.municipality, "news")[0].ja == "お知らせ"  # other city


def test_a_category_in_use_is_not_removed(client, world):
    resource(world.a.hub, category="park")
    client.force_login(world.a.person(Role.HUB_MANAGER))
    current = section_categories(world.a.municipality, "directory")
    data = _post_data(current)
    park = next(n for n, c in enumerate(current) if c.code == "park")
    data[f"c-{park}-remove"] = "on"
    response = client.post(reverse("hubs:categories") + "?list=directory", data)
    assert response.status_code == 200
    assert "1件" in response.content.decode() or "1 " in response.content.decode()
    world.a.municipality.refresh_from_db()
    assert "park" in {c.code for c in section_categories(world.a.municipality, "directory")}


def test_a_new_row_needs_both_names_and_names_stay_unique(client, world):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    current = section_categories(world.a.municipality, "news")
    only_ja = _post_data(current, extra=[{"ja": "おもちゃ病院"}])
    response = client.post(reverse("hubs:categories") + "?list=news", only_ja)
    assert response.status_code == 200 and "英語" in response.content.decode()
    twice = _post_data(current, extra=[{"ja": current[0].ja, "en": "Again"}])
    response = client.post(reverse("hubs:categories") + "?list=news", twice)
    assert response.status_code == 200 and "同じ名前" in response.content.decode()
    world.a.municipality.refresh_from_db()
    assert len(section_categories(world.a.municipality, "news")) == len(current)


def test_hub_staff_may_not_change_the_citys_list(client, world):
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("hubs:categories") + "?list=news").status_code == 403
    client.force_login(world.a.person(Role.HUB_MANAGER))
    assert client.get(reverse("hubs:categories") + "?list=nothing").status_code == 404
