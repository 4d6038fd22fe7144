"""The 5-year term review: each year's sheet and goals, and figures as published where a
published sheet printed them, computed from the records otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.evaluation import services, term
from hiroba.evaluation.choices import GoalPart
from hiroba.evaluation.tests.factories import goal, reviewed, sheet

pytestmark = pytest.mark.django_db


def test_the_term_shows_goals_per_year_and_published_figures_as_published(world):
    manager, ward = world.a.person(Role.HUB_MANAGER), world.a.person(Role.WARD_OFFICIAL)
    hub = world.a.hub  # the factory's term: FY2023 to FY2027
    first = reviewed(hub, operator=manager, ward=ward, fiscal_year=2023)
    first_goal = first.goals.get(part=GoalPart.CURRENT)
    services.save_goal(
        first,
        services.GoalContent(
            first_goal.title, [services.ThemeContent(results="{{visits.person_visits}}")]
        ),
        goal=first_goal,
        actor=manager,
    )
    first.refresh_from_db()
    services.approve(first, "operator", actor=manager)
    first = services.approve(first, "ward", actor=ward)
    services.publish(first, actor=manager)
    # The published figure is frozen: pretend it printed a number the records no longer give.
    first.refresh_from_db()
    first.published_data["figures"]["visits.person_visits"]["value"] = 1234
    first.save(update_fields=["published_data"])
    goal(sheet(hub, 2024, actor=manager), "2年目の目標", actor=manager)

    years, trend = term.term_review(hub, term.term_years(hub), today=date(2024, 10, 1))
    assert [y.fiscal_year for y in years] == [2023, 2024, 2025, 2026, 2027]
    assert years[0].goals == ["誰もが安心して過ごせる居場所づくり"]
    assert years[0].next_goals == ["父親の子育て参加を広げる"]
    # 2024 started from 2023's next-year goal, then got one more.
    assert years[1].goals == ["父親の子育て参加を広げる", "2年目の目標"]
    assert years[2].sheet is None and years[2].goals == []
    visits = next(row for row in trend if row.indicator.code == "visits.person_visits")
    assert visits.cells == [("1,234", True), ("0", False), ("", False), ("", False), ("", False)]


def test_the_term_page_renders_for_the_ward(client, world):
    client.force_login(world.a.person(Role.WARD_OFFICIAL))
    response = client.get(reverse("evaluation:term-review"))
    assert response.status_code == 200
    assert [y.fiscal_year for y in response.context["years"]] == [2023, 2024, 2025, 2026, 2027]


def test_the_dashboard_card_shows_open_sheets_and_their_open_comments(client, world):
    manager, ward = world.a.person(Role.HUB_MANAGER), world.a.person(Role.WARD_OFFICIAL)
    made = sheet(world.a.hub, 2026, actor=manager)
    first = goal(made, actor=manager)
    made = services.submit_for_review(made, actor=manager)
    services.add_comment(
        made, goal=first, section="results", body="数字を", side="ward", actor=ward
    )
    client.force_login(manager)
    page = client.get(reverse("hubs:dashboard")).content.decode()
    assert "令和8年度" in page
    assert "未対応のコメント 1件" in page
