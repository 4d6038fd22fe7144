"""Categories kept as a municipal rule section (``{"categories": [{"code", "ja", "en",
"aliases"}]}``): the directory's kinds of place and the news's kinds of notice are each one.
A municipality renames, adds or drops categories in its rule overrides; records keep the code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Category:
    code: str
    ja: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, language: str | None = None) -> str:
        return self.en if (language or "").startswith("en") else self.ja


def section_rules(municipality, section: str) -> dict:
    return municipality.rules(section, on=timezone.localdate())


def section_categories(municipality, section: str) -> list[Category]:
    return [
        Category(c["code"], c["ja"], c["en"], tuple(c.get("aliases", ())))
        for c in section_rules(municipality, section)["categories"]
    ]


def label_for(code: str, categories: list[Category], language: str | None = None) -> str:
    """The category's label; a code the municipality no longer lists shows as itself."""
    return next((c.label(language) for c in categories if c.code == code), code)


# -- sections whose categories staff edit (``hubs`` shows them; the owning app registers) ------
@dataclass(frozen=True)
class EditableSection:
    """A rule section with a list of categories: its title for staff, whether it has aliases
    (names an import recognises), and how many records of a city use a code (a category in
    use is not removed)."""

    name: str
    title: str
    with_aliases: bool
    count_in_use: Callable[[object, str], int]  # (municipality, code) → records


SECTIONS: dict[str, EditableSection] = {}


def register_section(section: EditableSection) -> None:
    SECTIONS[section.name] = section
