"""Two people on one sheet at once (PostgreSQL). First the lost update without the guard, then
the service: the sheet row is locked and its revision compared, so one save wins and the others
are told their page is out of date; and an approval can never stand on text the approver did
not see."""

from __future__ import annotations

import threading

import pytest
from django.db import transaction

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.test_concurrency import _in_threads
from hiroba.evaluation import services
from hiroba.evaluation.choices import Side
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.models import EvaluationSheet, Goal
from hiroba.evaluation.services import GoalContent, ThemeContent
from hiroba.evaluation.tests.factories import goal, sheet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
EDITORS = 4


def _titles():
    names, lock = iter(f"編集者{n}の見出し" for n in range(EDITORS)), threading.Lock()

    def take():
        with lock:
            return next(names)

    return take


def test_without_the_guard_one_editor_overwrites_another_unseen(world):
    made = sheet(world.a.hub)
    target = goal(made)
    seen = EvaluationSheet.objects.get(pk=made.pk).revision
    take = _titles()
    barrier = threading.Barrier(2)

    def naive():
        title = take()
        with transaction.atomic():
            current = EvaluationSheet.objects.get(pk=made.pk).revision
            barrier.wait()  # both have checked the revision before either writes
            if current != seen:
                return "stale"
            Goal.objects.filter(pk=target.pk).update(title=title)
            EvaluationSheet.objects.filter(pk=made.pk).update(revision=seen + 1)
            return title

    outcomes = _in_threads(naive, 2)
    assert "stale" not in outcomes  # both believed they saved
    assert Goal.objects.get(pk=target.pk).title in outcomes  # one edit silently lost


def test_with_the_guard_one_save_wins_and_the_others_are_stale(world):
    made = sheet(world.a.hub)
    target = goal(made)
    seen = EvaluationSheet.objects.get(pk=made.pk).revision
    take = _titles()

    def save():
        content = GoalContent(take(), [ThemeContent(actions="取組")])
        return services.save_goal(
            EvaluationSheet.objects.get(pk=made.pk),
            content,
            goal=target,
            actor=None,
            expected_revision=seen,
        )

    outcomes = _in_threads(save, EDITORS)
    saved = [o for o in outcomes if isinstance(o, Goal)]
    refused = [o for o in outcomes if isinstance(o, EvaluationError)]
    assert len(saved) == 1, outcomes
    assert [e.code for e in refused] == ["stale"] * (EDITORS - 1)
    assert Goal.objects.get(pk=target.pk).title == saved[0].title
    assert EvaluationSheet.objects.get(pk=made.pk).revision == seen + 1


def test_an_approval_racing_an_edit_never_stands_on_unseen_text(world):
    manager, ward = world.a.person(Role.HUB_MANAGER), world.a.person(Role.WARD_OFFICIAL)
    made = sheet(world.a.hub, actor=manager)
    target = goal(made, actor=manager)
    made = services.submit_for_review(EvaluationSheet.objects.get(pk=made.pk), actor=manager)
    seen = made.revision
    steps = iter(["edit", "approve"])
    lock = threading.Lock()

    def act():
        with lock:
            step = next(steps)
        current = EvaluationSheet.objects.get(pk=made.pk)
        if step == "edit":
            content = GoalContent("修正した見出し", [ThemeContent(actions="取組")])
            return services.save_goal(
                current, content, goal=target, actor=manager, expected_revision=seen
            )
        return services.approve(current, Side.WARD, actor=ward, expected_revision=seen)

    _in_threads(act, 2)
    final = EvaluationSheet.objects.get(pk=made.pk)
    assert Goal.objects.get(pk=target.pk).title == "修正した見出し"
    # Approved first: the edit cleared it. Edited first: the approval was stale.
    assert final.ward_approved_at is None
