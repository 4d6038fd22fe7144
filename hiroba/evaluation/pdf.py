"""The published annual evaluation sheet (単年度事業評価) as an A4 PDF, typeset with Typst.

The page follows the Yokohama form: the form label and the centred title, a ruled table of the
project's facts (period, who runs it, purpose, principles, content, how it is evaluated and
published), then this year's key goals (重点目標) with what was done, what came of it and what
is left to do, and next year's key goals. Each goal is a bordered block: a shaded heading row
with its marker and title, then one row per section, the section's label in a narrow left
column and its bullets (optionally grouped under small theme headings) on the right. Every page
carries the footer and "n / total"; a non-empty ``draft_mark`` is printed on every page.

``sheet_pdf`` hands plain JSON-able data to the Typst source
``templates/evaluation/print/sheet.typ`` through ``sys.inputs`` and returns the PDF bytes.
Every human text (labels included) arrives in the data, already translated, so the Typst
source holds none; strings only ever travel as JSON and are placed as text, never read as
markup: a title like ``#set page(width: 1cm) $x^2$`` prints exactly as typed.

The data, exactly this shape::

    {
        "lang": "ja",
        "font": "Noto Sans JP",
        "document_title": str,  # the PDF's title metadata
        "form_label": str,  # "【単年度事業評価様式】", small, top left of page 1
        "title": str,  # the big centred title
        "draft_mark": str,  # "" for the published sheet, else printed on every page
        "header": [{"label": str, "paragraphs": [str], "numbered": [str]}],
        "results_heading": str,
        "goals": [goal],
        "next_heading": str,
        "next_goals": [goal],
        "footer": str,  # small, left of every page's footer
    }
    goal = {"marker": "①", "title": str, "sections": [section]}
    section = {"label": "取組内容", "bullet": "●", "themes": [theme]}
    theme = {"marker": "" or "1．", "title": "" or str, "items": [str]}

Typesetting and the font are shared: ``hiroba.core.typeset``.
"""

from __future__ import annotations

from pathlib import Path

from hiroba.core.typeset import compile_typst

SHEET_TEMPLATE = (
    Path(__file__).resolve().parent / "templates" / "evaluation" / "print" / "sheet.typ"
)


def sheet_pdf(data: dict) -> bytes:
    """The evaluation sheet described by ``data`` as an A4 PDF (see the module docstring)."""
    return compile_typst(SHEET_TEMPLATE, data)
