"""Accessibility of the public pages (issue 7's bar): axe-core, run in Chromium on every
portal page in Japanese, やさしい日本語 and English on a phone, finds no serious or critical
violation of WCAG 2.2 A/AA (the rules JIS X 8341-3 follows). axe-core comes from the
axe-playwright-python package, never from the repository."""

from __future__ import annotations

from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache

from hiroba.core.tests.factories import HubFactory
from hiroba.directory.tests.factories import resource
from hiroba.news.tests.factories import item, item_with_photo
from hiroba.programs.tests.factories import program

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def pages():
    cache.clear()
    hub = HubFactory(name="みなとひろば")
    news = item_with_photo(hub, title="クリスマス会のお知らせ")
    item(hub, "年末年始の休館", is_pinned=True)
    prog = program(hub, title="離乳食教室")
    place = resource(hub, "大倉山公園", latitude=Decimal("35.5221"), longitude=Decimal("139.6299"))
    return [
        "/",
        f"/hubs/{hub.pk}/",
        "/news/",
        f"/news/{news.pk}/",
        "/programs/",
        f"/programs/{prog.pk}/",
        "/resources/",
        f"/resources/{place.pk}/",
        "/resources/suggest/",
        "/register/",
        "/my/sign-in/",
        "/support/",
        f"/evaluation/{hub.pk}/",
    ]


def _blocking(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["ja", "ja-easy", "en"])
def test_every_public_page_has_no_serious_violation(new_context, pages, language):
    page = new_context(language).new_page()
    page.set_viewport_size(PHONE)
    axe = Axe()
    found = {}
    for path in pages:
        response = page.goto(path)
        assert response.status < 400, path
        problems = _blocking(axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG}}))
        if problems:
            found[path] = problems
    assert found == {}


def test_the_check_finds_a_violation_when_there_is_one(new_context, pages):
    """The check above can fail: a page of ours with an unlabelled image and an unlabelled
    input is reported."""
    page = new_context("ja").new_page()
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<img src="/static/hiroba/img/mark.svg">');
            main.insertAdjacentHTML('beforeend', '<input type="text">');
        }"""
    )
    found = _blocking(Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}}))
    assert any(problem.startswith("image-alt") for problem in found)
    assert any(problem.startswith("label") for problem in found)
