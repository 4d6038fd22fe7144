"""The municipality's resource categories (``rules.py``), looked up by code or by a name.
``label_for`` is re-exported: the directory's pages and exports read it from here."""

from __future__ import annotations

from hiroba.core.categories import (  # noqa: F401 - label_for is re-exported
    Category,
    label_for,
    section_categories,
    section_rules,
)
from hiroba.lib.kana import to_hiragana
from hiroba.lib.text import clean_text


def directory_rules(municipality) -> dict:
    return section_rules(municipality, "directory")


def categories_for(municipality) -> list[Category]:
    return section_categories(municipality, "directory")


def category_choices(municipality, language: str | None = None) -> list[tuple[str, str]]:
    return [(c.code, c.label(language)) for c in categories_for(municipality)]


def _key(text: str) -> str:
    return to_hiragana(clean_text(text)).lower().replace(" ", "").replace("・", "")


def match_category(text: str, categories: list[Category]) -> Category | None:
    """The category a file names by code, label or alias (width and kana normalised)."""
    wanted = _key(text)
    if not wanted:
        return None
    for category in categories:
        names = (category.code, category.ja, category.en, *category.aliases)
        if any(_key(name) == wanted for name in names):
            return category
    return None
