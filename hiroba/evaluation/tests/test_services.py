"""The sheet's life: started with last year's next-year goals, written, reviewed, approved by
both sides, published and frozen, corrected as a new version; and what each step refuses."""

from __future__ import annotations

from datetime import date

import pytest

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.evaluation import action_services, document, services
from hiroba.evaluation.choices import GoalPart, SheetLayout, SheetStatus, Side
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.models import EvaluationSheet, Goal, SheetRevision
from hiroba.evaluation.services import GoalContent, ThemeContent
from hiroba.evaluation.tests.factories import goal, reviewed, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(world):
    return world.a.person(Role.HUB_MANAGER)


@pytest.fixture
def ward(world):
    return world.a.person(Role.WARD_OFFICIAL)


def test_a_first_sheet_takes_the_citys_form_and_the_contract_year(world, manager):
    made = sheet(world.a.hub, 2025, actor=manager)
    assert made.status == SheetStatus.DRAFT
    assert (made.term_year, made.term_years) == (3, 5)  # the factory's term starts in 2023
    assert made.implementers.splitlines() == [
        world.a.hub.operator.name,
        f"{world.a.ward.name}こども家庭支援課",
    ]
    assert len(made.principles.splitlines()) == 6
    programs = made.programs.splitlines()
    assert len(programs) == 7 and programs[0].endswith("（親子の居場所事業）")
    assert document.period_text(made) == "令和7年4月1日～令和8年3月31日（3年度目／5か年度）"
    assert document.sheet_title(made) == (
        f"{world.a.ward.name}地域子育て支援拠点事業 令和7年度重点目標評価結果・令和8年度重点目標"
    )
    assert made.revisions.count() == 1
    assert AuditLog.objects.filter(action="evaluation.sheet.created", hub=world.a.hub).count() == 1


def test_last_years_next_year_goals_become_this_years_goals(world, manager):
    last = sheet(world.a.hub, 2024, actor=manager)
    services.update_header(
        last,
        {**_header(last), "purpose": "昨年度の目的", "layout": SheetLayout.THEMED},
        actor=manager,
    )
    goal(last, actor=manager)
    carried = goal(
        last,
        "地域とつながる",
        part=GoalPart.NEXT,
        actor=manager,
        themes=[
            ThemeContent(title="周知・発信", actions="SNSで発信する"),
            ThemeContent(title="ネットワーク構築", actions="町内会と会議を開く"),
        ],
    )
    made = sheet(world.a.hub, 2025, actor=manager)
    goals = list(made.goals.all())
    assert [(g.part, g.title, g.carried_from_id) for g in goals] == [
        (GoalPart.CURRENT, "地域とつながる", carried.pk)
    ]
    themes = list(goals[0].themes.values_list("title", "actions", "results"))
    assert themes == [
        ("周知・発信", "SNSで発信する", ""),
        ("ネットワーク構築", "町内会と会議を開く", ""),
    ]
    assert made.purpose == "昨年度の目的" and made.layout == SheetLayout.THEMED


def _header(made) -> dict:
    return {name: getattr(made, name) for name in services.HEADER_FIELDS}


def test_a_satellite_and_a_second_sheet_for_a_year_are_refused(world, manager):
    with pytest.raises(EvaluationError) as error:
        sheet(world.a.satellite, actor=manager)
    assert error.value.code == "satellite_sheet"
    sheet(world.a.hub, 2025, actor=manager)
    with pytest.raises(EvaluationError) as error:
        sheet(world.a.hub, 2025, actor=manager)
    assert error.value.code == "sheet_exists"
    assert EvaluationSheet.objects.count() == 1


def test_a_goal_needs_a_title_and_known_indicators_and_nothing_is_half_saved(world, manager):
    made = sheet(world.a.hub, actor=manager)
    for title, results, code in [
        ("  ", "", "title_needed"),
        ("居場所", "利用者 {{no.such_code}} 人", "unknown_indicator"),
    ]:
        with pytest.raises(EvaluationError) as error:
            goal(made, title, results=results, actor=manager)
        assert error.value.code == code
    assert Goal.objects.count() == 0
    made.refresh_from_db()
    assert made.revision == 1


def test_a_page_older_than_the_last_change_is_refused(world, manager):
    made = sheet(world.a.hub, actor=manager)
    old_revision = made.revision
    goal(made, actor=manager)
    with pytest.raises(EvaluationError) as error:
        services.save_goal(
            made, GoalContent(title="別の目標"), actor=manager, expected_revision=old_revision
        )
    assert error.value.code == "stale"
    assert list(Goal.objects.values_list("title", flat=True)) == [
        "誰もが安心して過ごせる居場所づくり"
    ]


def test_themed_goals_need_every_theme_titled(world, manager):
    made = sheet(world.a.hub, actor=manager)
    services.update_header(made, {**_header(made), "layout": SheetLayout.THEMED}, actor=manager)
    with pytest.raises(EvaluationError) as error:
        goal(
            made,
            themes=[ThemeContent(title="周知", actions="a"), ThemeContent(actions="b")],
            actor=manager,
        )
    assert error.value.code == "theme_title_needed"


def test_review_approval_publication_and_freezing(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    assert made.status == SheetStatus.AGREED
    published = services.publish(made, actor=manager, expected_revision=made.revision)
    assert published.status == SheetStatus.PUBLISHED
    data = published.published_data
    assert data["draft_mark"] == ""
    assert [g["title"] for g in data["goals"]] == ["誰もが安心して過ごせる居場所づくり"]
    # Frozen: every change is refused, and the document is what was frozen.
    for attempt in (
        lambda: goal(published, "追加", actor=manager),
        lambda: services.update_header(published, _header(published), actor=manager),
        lambda: services.add_comment(
            published, section="header", body="x", side=Side.WARD, actor=ward
        ),
    ):
        with pytest.raises(EvaluationError) as error:
            attempt()
        assert error.value.code == "frozen"
    Goal.objects.filter(sheet=published).update(title="書き換え")
    assert (
        document.sheet_document(published)["goals"][0]["title"]
        == "誰もが安心して過ごせる居場所づくり"
    )


def test_an_edit_after_approval_clears_both_approvals(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    first = made.goals.get(part=GoalPart.CURRENT)
    services.save_goal(
        made,
        GoalContent("居場所づくり（修正）", [ThemeContent(actions="開所日を拡大")]),
        goal=first,
        actor=manager,
        expected_revision=made.revision,
    )
    made.refresh_from_db()
    assert made.status == SheetStatus.IN_REVIEW
    assert made.operator_approved_at is None and made.ward_approved_at is None
    with pytest.raises(EvaluationError) as error:
        services.publish(made, actor=manager, expected_revision=made.revision)
    assert error.value.code == "not_agreed"


def test_approval_needs_the_review_and_each_side_approves_once(world, manager, ward):
    made = sheet(world.a.hub, actor=manager)
    with pytest.raises(EvaluationError) as error:
        services.approve(made, Side.WARD, actor=ward)
    assert error.value.code == "not_in_review"
    with pytest.raises(EvaluationError) as error:
        services.submit_for_review(made, actor=manager)
    assert error.value.code == "no_goals"
    goal(made, actor=manager)
    made = services.submit_for_review(made, actor=manager)
    services.approve(made, Side.WARD, actor=ward)
    with pytest.raises(EvaluationError) as error:
        services.approve(made, Side.WARD, actor=ward)
    assert error.value.code == "already_approved"


def test_a_correction_is_a_new_version_that_supersedes_the_published_one(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    first = services.publish(made, actor=manager)
    correction = services.start_correction(first, actor=manager)
    assert (correction.version, correction.status, correction.corrects_id) == (2, "draft", first.pk)
    assert [g.title for g in correction.goals.all()] == [g.title for g in first.goals.all()]
    with pytest.raises(EvaluationError) as error:
        services.start_correction(first, actor=manager)
    assert error.value.code == "correction_exists"
    first.refresh_from_db()
    assert first.status == SheetStatus.PUBLISHED  # public until the correction is published
    correction = services.submit_for_review(correction, actor=manager)
    services.approve(correction, Side.OPERATOR, actor=manager)
    correction = services.approve(correction, Side.WARD, actor=ward)
    services.publish(correction, actor=manager)
    first.refresh_from_db()
    assert first.status == SheetStatus.SUPERSEDED


def test_revisions_keep_the_text_of_each_change(world, manager):
    made = sheet(world.a.hub, actor=manager)
    goal(made, actor=manager)
    made.refresh_from_db()
    first_goal = made.goals.get()
    services.save_goal(
        made,
        GoalContent(
            first_goal.title,
            [ThemeContent(actions="開所日を拡大", results="利用者 {{visits.person_visits}}")],
        ),
        goal=first_goal,
        actor=manager,
        expected_revision=made.revision,
    )
    texts = list(
        SheetRevision.objects.filter(sheet=made).order_by("number").values_list("text", flat=True)
    )
    assert len(texts) == 3
    assert "誰もが安心して過ごせる居場所づくり" not in texts[0]
    assert "● ひろばの開所日を週6日に拡大した" in texts[1]
    # The indicator stays as typed in the revision text: figures changing is not an edit.
    assert "〇 利用者 {{visits.person_visits}}" in texts[2]
    # Saving the same text again keeps no new revision.
    made.refresh_from_db()
    services.update_header(made, _header(made), actor=manager)
    assert SheetRevision.objects.filter(sheet=made).count() == 3


def test_actions_are_logged_within_the_year_and_not_ahead(world, manager):
    made = sheet(world.a.hub, 2025, actor=manager)
    target = goal(made, actor=manager)
    action_services.log_action(
        target,
        done_on=date(2025, 6, 1),
        text="父親講座を開催",
        actor=manager,
        today=date(2025, 7, 1),
    )
    for done_on, code in [
        (date(2025, 7, 2), "action_in_future"),
        (date(2025, 3, 31), "action_outside_year"),
    ]:
        with pytest.raises(EvaluationError) as error:
            action_services.log_action(
                target, done_on=done_on, text="x", actor=manager, today=date(2025, 7, 1)
            )
        assert error.value.code == code
    assert list(target.logged_actions.values_list("text", flat=True)) == ["父親講座を開催"]


def test_saving_a_goal_unchanged_keeps_the_approvals(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    first = made.goals.get(part=GoalPart.CURRENT)
    theme = first.themes.get()
    same = GoalContent(
        first.title,
        [ThemeContent(actions=theme.actions, results=theme.results, issues=theme.issues)],
    )
    services.save_goal(made, same, goal=first, actor=manager, expected_revision=made.revision)
    made.refresh_from_db()
    assert made.status == SheetStatus.AGREED and made.ward_approved_at is not None


def test_the_document_is_frozen_when_both_agree_and_published_as_agreed(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    agreed = made.published_data
    assert agreed is not None and agreed["draft_mark"]  # agreed, not yet published
    Goal.objects.filter(sheet=made).update(title="合意後に書き換え")  # not through the service
    published = services.publish(made, actor=manager)
    assert published.published_data["goals"][0]["title"] == "誰もが安心して過ごせる居場所づくり"
    assert published.published_data["draft_mark"] == ""


def test_a_published_sheets_action_log_is_closed_and_a_correction_carries_it(world, manager, ward):
    made = reviewed(world.a.hub, operator=manager, ward=ward)
    first = made.goals.get(part=GoalPart.CURRENT)
    action = action_services.log_action(
        first, done_on=date(2025, 6, 1), text="講座を開催", actor=manager, today=date(2025, 7, 1)
    )
    published = services.publish(made, actor=manager)
    with pytest.raises(EvaluationError) as error:
        action_services.log_action(
            first, done_on=date(2025, 6, 2), text="追加", actor=manager, today=date(2025, 7, 1)
        )
    assert error.value.code == "frozen"
    with pytest.raises(EvaluationError):
        action_services.delete_logged_action(action, actor=manager)
    correction = services.start_correction(published, actor=manager)
    copied = correction.goals.get(part=GoalPart.CURRENT).logged_actions.get()
    assert (copied.done_on, copied.text) == (date(2025, 6, 1), "講座を開催")


def test_figures_print_in_results_only_and_last_years_zero_is_left_out(world, manager):
    made = sheet(world.a.hub, actor=manager)
    goal(
        made,
        actions="{{visits.person_visits}} を目指した",
        results="{{visits.person_visits}}",
        actor=manager,
    )
    data = document.build_document(made)
    actions, results = data["goals"][0]["sections"][0], data["goals"][0]["sections"][1]
    assert actions["themes"][0]["items"] == ["{{visits.person_visits}} を目指した"]
    # No visits recorded in either year: this year's 0, and no "last year 0" note.
    assert results["themes"][0]["items"][0] in ("0人", "0people")
