"""やさしい日本語 (issue 7): a parent on a phone switches the portal's language, sees the easy
wording with furigana over the kanji, the hub's news in the easy version staff wrote, and the
choice is remembered on the next visit."""

from __future__ import annotations

import pytest

from hiroba.core.tests.factories import HubFactory
from hiroba.news.tests.factories import item

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 780}


def test_a_parent_switches_to_easy_japanese_and_sees_ruby(new_context):
    hub = HubFactory(name="みなとひろば")
    news = item(
        hub,
        "年末年始の休館について",
        translations={
            "ja-easy": {"title": "年末年始 の おやすみ", "body": "12月29日から おやすみ です。"}
        },
    )
    context = new_context("ja")
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/")
    assert page.locator("ruby").count() == 0
    page.locator(".portal-header .lang-switch select").select_option("ja-easy")
    with page.expect_navigation():  # back to the same address: wait for the new page itself
        page.locator(".portal-header .lang-switch button").click()
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "おしらせ" in page.locator("#news-title").inner_text()
    # Kanji in the UI's own words carry their reading above them.
    hero = page.locator(".hero h1")
    assert hero.locator("ruby").count() >= 1
    assert "あそ" not in hero.locator("rt").all_inner_texts()  # あそぶ is kana, no ruby
    assert "おや" in hero.locator("rt").all_inner_texts()
    link = page.locator(f'.news-card__title a[href="/news/{news.pk}/"]')
    assert link.locator("rt").all_inner_texts() == ["ねんまつねんし"]
    link.click()
    title = page.locator("h1.page-title")
    assert title.locator("rt").all_inner_texts()[:1] == ["ねんまつねんし"]
    body = page.locator(".news-item__body")
    assert "みっか" not in body.inner_text() and "にち" in body.locator("rt").all_inner_texts()
    # The choice is remembered: a new visit to the hub's page is in easy Japanese.
    page.goto(f"/hubs/{hub.pk}/")
    assert page.locator("ruby").count() > 0
    assert news.title not in page.locator("#news-title ~ ul").inner_text()


def test_a_parent_switches_language_and_opens_the_news_with_the_keyboard_only(new_context):
    hub = HubFactory(name="みなとひろば")
    news = item(hub, "ひろば通信", translations={"en": {"title": "Hub letter"}})
    page = new_context("ja").new_page()
    page.set_viewport_size(PHONE)
    page.goto("/")
    select = page.locator(".portal-header .lang-switch select")
    for _ in range(6):  # skip link, brand, then the switcher
        page.keyboard.press("Tab")
        if select.evaluate("element => element === document.activeElement"):
            break
    assert select.evaluate("element => element === document.activeElement")
    select.press("End")  # English, the last language
    page.keyboard.press("Tab")  # to the button
    with page.expect_navigation():  # back to the same address: wait for the new page itself
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    link = page.locator(f'.news-card__title a[href="/news/{news.pk}/"]')
    for _ in range(30):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    assert link.inner_text() == "Hub letter"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/news/{news.pk}/")
    assert page.locator("h1").inner_text() == "Hub letter"
