"""Two staff on one news item at once (PostgreSQL). First the lost update without the guard,
then the service: the item row is locked and its revision compared, so one correction wins
and the others are told their page is out of date; a withdrawal racing a correction leaves
the item withdrawn or refuses the withdrawal, never a half of each."""

from __future__ import annotations

import pytest

from hiroba.consultations.tests.test_concurrency import _in_threads
from hiroba.news import services
from hiroba.news.choices import NewsStatus
from hiroba.news.models import NewsItem
from hiroba.news.tests.factories import item
from hiroba.testing.races import one_each, unguarded_compare_and_set

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
EDITORS = 4


def _titles():
    return one_each(f"題{n}" for n in range(EDITORS))


def test_without_the_guard_one_correction_overwrites_another_unseen(world):
    news = item(world.a.hub)
    outcomes = unguarded_compare_and_set(NewsItem, news.pk, "title", _titles(), _in_threads)
    assert "stale" not in outcomes  # both believed they saved
    assert NewsItem.objects.get(pk=news.pk).title in outcomes  # one correction silently lost


def test_with_the_guard_one_correction_wins_and_the_others_are_stale(world):
    news = item(world.a.hub)
    take = _titles()

    def save():
        return services.update_item(
            NewsItem.objects.get(pk=news.pk), actor=None, revision=1, title=take()
        )

    outcomes = _in_threads(save, EDITORS)
    saved = [o for o in outcomes if isinstance(o, NewsItem)]
    refused = [o for o in outcomes if isinstance(o, services.NewsError)]
    assert len(saved) == 1 and len(refused) == EDITORS - 1, outcomes
    stored = NewsItem.objects.get(pk=news.pk)
    assert stored.title == saved[0].title and stored.revision == 2


def test_a_withdrawal_and_a_correction_at_once_do_not_both_apply(world):
    news = item(world.a.hub)

    def withdraw():
        return services.withdraw_item(NewsItem.objects.get(pk=news.pk), actor=None, revision=1)

    def correct():
        return services.update_item(
            NewsItem.objects.get(pk=news.pk), actor=None, revision=1, title="訂正"
        )

    calls = one_each([withdraw, correct])

    def one():
        return calls()()

    outcomes = _in_threads(one, 2)
    assert sum(isinstance(o, services.NewsError) for o in outcomes) == 1, outcomes
    stored = NewsItem.objects.get(pk=news.pk)
    assert stored.revision == 2
    assert (stored.status == NewsStatus.WITHDRAWN) != (stored.title == "訂正")
