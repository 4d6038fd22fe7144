"""Front-end rules that keep the Content Security Policy strict and the colours readable."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("hiroba/*/templates/**/*.html")])
CSS = (ROOT / "static" / "hiroba" / "css" / "hiroba.css").read_text(encoding="utf-8")

INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "<style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text(encoding="utf-8")
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == [], "the CSP (script-src/style-src 'self') would block these"


def test_the_rule_catches_inline_code():
    sample = '<div style="color:red" onclick="x()"><script>alert(1)</script>'
    assert [n for n, p in INLINE.items() if p.search(sample)] == [
        "inline script",
        "style attribute",
        "event handler attribute",
    ]


def _colour(name: str) -> tuple[float, float, float]:
    value = re.search(rf"--{name}:\s*#([0-9a-fA-F]{{6}})", CSS).group(1)
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _luminance(rgb) -> float:
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted(
        (_luminance(_colour(foreground)), _luminance(_colour(background))), reverse=True
    )
    return (light + 0.05) / (dark + 0.05)


# (text colour, background, minimum): 4.5:1 for text, 3:1 for borders of controls (WCAG 2.2 AA).
PAIRS = [
    ("c-ink", "c-surface", 4.5),
    ("c-ink", "c-canvas", 4.5),
    ("c-ink-2", "c-surface", 4.5),
    ("c-ink-2", "c-canvas", 4.5),
    ("c-primary", "c-surface", 4.5),
    ("c-surface", "c-primary", 4.5),
    ("c-surface", "c-primary-hover", 4.5),
    ("c-primary-hover", "c-primary-weak", 4.5),
    ("c-accent", "c-accent-weak", 4.5),
    ("c-accent", "c-surface", 4.5),
    ("c-danger", "c-danger-weak", 4.5),
    ("c-danger", "c-surface", 4.5),
    ("c-warning-ink", "c-warning-weak", 4.5),
    ("c-success", "c-success-weak", 4.5),
    ("c-info", "c-info-weak", 4.5),
    ("c-line-strong", "c-surface", 3.0),
]


@pytest.mark.parametrize(("foreground", "background", "minimum"), PAIRS)
def test_colour_pairs_meet_wcag_aa(foreground, background, minimum):
    assert contrast(foreground, background) >= minimum
