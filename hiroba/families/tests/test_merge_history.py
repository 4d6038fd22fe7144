"""A kept card's history after merges: the visits of every card merged into it, however many
merges ago, are listed on the family's page with the old card number."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.tests.factories import VenueFactory
from hiroba.families import queries, services
from hiroba.families.tests.factories import AT_NOON, family
from hiroba.visits.services import check_in

pytestmark = [pytest.mark.django_db, AT_NOON]


def _visit(household, venue, on):
    visit, _created = check_in(household, venue, [household.members.first().pk], actor=None, on=on)
    return visit


@pytest.fixture
def chain(world):
    """Card A merged into B, then B merged into C; each had visits before its merge. D is a
    family of its own."""
    venue = VenueFactory(hub=world.a.hub, name="ひろば本体")
    a, b, c, d = (family(world.a.hub) for _ in range(4))
    visits = {
        "a": _visit(a, venue, date(2026, 4, 7)),
        "b": _visit(b, venue, date(2026, 6, 2)),
        "c": _visit(c, venue, date(2026, 9, 1)),
        "d": _visit(d, venue, date(2026, 10, 6)),
    }
    services.merge_households(b, a, actor=None)
    services.merge_households(c, b, actor=None)
    visits["c_later"] = _visit(c, venue, date(2026, 11, 3))
    return {"a": a, "b": b, "c": c, "d": d, "visits": visits}


def test_merged_card_ids_follow_the_chain_of_merges(chain):
    a, b, c = chain["a"], chain["b"], chain["c"]
    assert queries.merged_card_ids(c.pk) == [b.pk, a.pk]
    assert queries.merged_card_ids(b.pk) == [a.pk]
    assert queries.merged_card_ids(a.pk) == []
    assert queries.merged_card_ids(chain["d"].pk) == []


def test_the_kept_card_lists_the_visits_of_every_card_merged_into_it(chain):
    a, b, c, visits = chain["a"], chain["b"], chain["c"], chain["visits"]
    found = queries.card_visits(c)
    assert found.total == 4  # not D's
    assert [v.pk for v in found.visits] == [
        visits["c_later"].pk,
        visits["c"].pk,
        visits["b"].pk,
        visits["a"].pk,
    ]
    labels = [(v.card_number, v.from_merged_card) for v in found.visits]
    assert labels == [
        (c.card_number, False),
        (c.card_number, False),
        (b.card_number, True),
        (a.card_number, True),
    ]


def test_the_list_is_cut_at_the_latest_visits_with_the_total_kept(chain):
    found = queries.card_visits(chain["c"], limit=2)
    assert [v.visited_on for v in found.visits] == [date(2026, 11, 3), date(2026, 9, 1)]
    assert found.total == 4


def test_the_family_page_shows_old_visits_with_their_card_number(world, client, english, chain):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.a.person(Role.HUB_STAFF))
    a, b, c = chain["a"], chain["b"], chain["c"]
    response = client.get(reverse("families:household-detail", kwargs={"household_id": c.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["card_visits"].total == 4
    assert f"Old card {a.card_number}" in page and f"Old card {b.card_number}" in page
    assert f"Old card {c.card_number}" not in page
    assert page.count("ひろば本体") == 4
    assert "Latest visits" in page
    # The old card's own page lists its visits and those merged into it before.
    old = client.get(reverse("families:household-detail", kwargs={"household_id": b.pk}))
    assert old.context["card_visits"].total == 2


def test_a_card_without_visits_shows_no_visit_list(world, client, english):
    household = family(world.a.hub)
    client.force_login(world.a.person(Role.HUB_STAFF))
    response = client.get(
        reverse("families:household-detail", kwargs={"household_id": household.pk})
    )
    assert response.context["card_visits"].total == 0
    assert "Latest visits" not in response.content.decode()
