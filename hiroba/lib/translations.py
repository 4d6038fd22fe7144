"""Content written per language: ``{language: {field: text}}`` beside the Japanese fields."""

from __future__ import annotations

from collections.abc import Mapping


def translated(translations: Mapping, field: str, language: str | None, japanese: str) -> str:
    """The text of ``field`` in ``language``; the Japanese when none was written."""
    if language and language != "ja":
        text = (translations.get(language) or {}).get(field, "")
        if text:
            return text
    return japanese
