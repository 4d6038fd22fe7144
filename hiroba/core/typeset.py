"""Typesetting PDFs with Typst, one way for every app.

Apps keep a ``.typ`` source beside their templates and hand it plain JSON data: every label is
translated in Python, so the Typst source holds no human text, and names or free text only ever
travel as JSON strings, which Typst places as text and never reads as markup.

The Japanese fonts (Noto Sans JP and Noto Serif JP, SIL OFL) come from the ``pylopdf-fonts-jp``
package installed from PyPI, never from this repository or the machine's fonts, so every server
prints the same pages (docs/decisions/0007-pdf-with-typst-and-a-pypi-font.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pylopdf_fonts_jp
import typst

FONT_FAMILY = "Noto Sans JP"
SERIF_FONT_FAMILY = "Noto Serif JP"


def font_dir() -> Path:
    """The folder of the installed font package."""
    return Path(pylopdf_fonts_jp.sans_path()).parent


def compile_typst(template: Path, data: dict) -> bytes:
    """Typeset ``template`` with ``data`` as ``sys.inputs.data`` (JSON) and return the PDF.

    System fonts are ignored so the output does not depend on what a server has installed;
    Typst's own embedded fonts stay available for digits and symbols it falls back to. The
    template's folder is the project root, so the source can read nothing outside it.
    """
    return typst.compile(
        template,
        root=template.parent,
        font_paths=[font_dir()],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
    )
