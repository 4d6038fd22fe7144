"""The shipped Japanese catalogue is complete and its placeholders match the English ids; the
やさしい日本語 catalogue keeps the placeholders of what it rewrites and covers the portal."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR, "locale", "ja", "LC_MESSAGES", "django.po")
EASY_PO = Path(settings.BASE_DIR, "locale", "ja_Easy", "LC_MESSAGES", "django.po")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}")


def _messages(po=PO):
    with po.open("rb") as handle:
        catalog = read_po(handle)
    return [m for m in catalog if m.id]


def _rewritten():
    return [m for m in _messages(EASY_PO) if all(_texts(m.string)) and not m.fuzzy]


def _texts(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [m.id for m in _messages() if m.fuzzy or not all(_texts(m.string))]
    assert untranslated == []


@pytest.mark.parametrize("message", _messages(), ids=lambda m: str(m.id)[:40])
def test_placeholders_survive_translation(message):
    expected = sorted(PLACEHOLDER.findall(_texts(message.id)[0]))
    for text in _texts(message.string):
        assert sorted(PLACEHOLDER.findall(text)) == expected


def test_the_ui_is_japanese_by_default_and_english_on_request(client, db):
    assert "ログイン" in client.get("/accounts/login/").content.decode()
    with translation.override("en"):
        assert translation.gettext("Sign in") == "Sign in"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sign in" in client.get("/accounts/login/").content.decode()


def test_allauth_pages_use_our_word_for_two_factor():
    with translation.override("ja"):
        assert translation.gettext("Two-Factor Authentication") == "2段階認証"


def test_easy_japanese_reads_as_japanese_where_not_rewritten_plurals_included():
    from django.utils import translation  # noqa: PLC0415
    from django.utils.translation import gettext, ngettext  # noqa: PLC0415

    with translation.override("ja"):
        japanese = ngettext("Import %(counter)s row", "Import %(counter)s rows", 3)
        japanese_word = gettext("Family registry")
    with translation.override("ja-easy"):
        assert ngettext("Import %(counter)s row", "Import %(counter)s rows", 3) == japanese
        assert gettext("Family registry") == japanese_word
        assert gettext("News") == "おしらせ"  # rewritten


@pytest.mark.parametrize("message", _rewritten(), ids=lambda m: str(m.id)[:40])
def test_easy_japanese_keeps_the_placeholders(message):
    expected = sorted(PLACEHOLDER.findall(_texts(message.id)[0]))
    for text in _texts(message.string):
        assert sorted(PLACEHOLDER.findall(text)) == expected


def test_every_portal_message_is_rewritten_in_easy_japanese():
    """The parents' pages read in やさしい日本語 throughout, not half in plain Japanese."""
    portal = [
        m.id
        for m in _messages(EASY_PO)
        if not all(_texts(m.string))
        and any(
            path.startswith("hiroba/portal/") or "layouts/portal" in path
            for path, _line in m.locations
        )
    ]
    assert portal == []
