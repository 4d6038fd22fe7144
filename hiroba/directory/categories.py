"""The municipality's resource categories (``rules.py``), looked up by code or by a name."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from hiroba.lib.kana import to_hiragana
from hiroba.lib.text import clean_text


@dataclass(frozen=True)
class Category:
    code: str
    ja: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str | None = None) -> str:
        return self.en if (language or "").startswith("en") else self.ja


def directory_rules(municipality) -> dict:
    return municipality.rules("directory", on=timezone.localdate())


def categories_for(municipality) -> list[Category]:
    return [
        Category(c["code"], c["ja"], c["en"], tuple(c.get("aliases", ())))
        for c in directory_rules(municipality)["categories"]
    ]


def category_choices(municipality, language: str | None = None) -> list[tuple[str, str]]:
    return [(c.code, c.label(language)) for c in categories_for(municipality)]


def label_for(code: str, categories: list[Category], language: str | None = None) -> str:
    """The category's label; a code the municipality no longer lists shows as itself."""
    return next((c.label(language) for c in categories if c.code == code), code)


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
