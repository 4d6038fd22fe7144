"""The sheet as one document: the data the staff page, the PDF, the spreadsheet, the public page
and the revision text all print, so they can never disagree.

``sheet_document`` returns plain JSON-able data in the shape ``pdf.sheet_pdf`` reads (labels
translated here, section texts split into bullets, embedded indicators rendered with their
values). A published sheet returns what was frozen at publication, never a recomputation, so
a corrected figure in the data can not change a published document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hiroba.core.rules import rules_for
from hiroba.core.typeset import FONT_FAMILY
from hiroba.evaluation import indicators
from hiroba.evaluation.choices import GoalPart, SheetStatus
from hiroba.evaluation.models import EvaluationSheet, Goal
from hiroba.lib.fiscal import fiscal_year_bounds
from hiroba.lib.wareki import format_contract_year, format_fiscal_year, format_wareki_date

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# A results line may embed an indicator as {{visits.person_visits}}.
INDICATOR_TOKEN = re.compile(r"\{\{\s*([a-z0-9_.]+)\s*\}\}")
# Bullets staff type or paste at the start of a line; the form prints its own.
TYPED_BULLET = re.compile(r"^\s*(?:[●〇○・◆◇■□◎※\-\*]|\d+[.．)）]\s)\s*")
SECTIONS = (
    ("actions", "●"),
    ("results", "〇"),
    ("issues", "●"),
)


# -- the form's fixed wording ---------------------------------------------------------------
def form_rules(sheet: EvaluationSheet) -> dict:
    municipality = sheet.hub.ward.municipality
    return rules_for(
        municipality.rule_profile,
        "evaluation_form",
        on=date(sheet.fiscal_year, 4, 1),
        overrides=municipality.rule_overrides,
    )


def goal_marker(number: int, style: str) -> str:
    if style == "circled" and number <= len(CIRCLED):
        return CIRCLED[number - 1]
    return f"{number}．"


def sheet_title(sheet: EvaluationSheet, form: dict | None = None) -> str:
    form = form or form_rules(sheet)
    return form["title"].format(
        ward=sheet.hub.ward.name,
        year=format_fiscal_year(sheet.fiscal_year),
        next_year=format_fiscal_year(sheet.fiscal_year + 1),
    )


def period_text(sheet: EvaluationSheet) -> str:
    """令和7年4月1日～令和8年3月31日（2年度目／5か年度）."""
    first, last = fiscal_year_bounds(sheet.fiscal_year)
    text = f"{format_wareki_date(first)}～{format_wareki_date(last)}"
    term_year, term_years = sheet.term_year, sheet.term_years
    if term_year and term_years and term_year <= term_years:
        text += f"（{format_contract_year(term_year, term_years)}）"
    return text


def lines(text: str) -> list[str]:
    """The bullets of a section as typed: one per line, blank lines and typed bullets dropped."""
    stripped = (TYPED_BULLET.sub("", line).strip() for line in (text or "").splitlines())
    return [line for line in stripped if line]


def indicator_codes(sheet_goals: list[Goal]) -> list[str]:
    """Every indicator code embedded in the goals' results, in order of appearance."""
    codes: list[str] = []
    for goal in sheet_goals:
        for theme in goal.themes.all():
            for code in INDICATOR_TOKEN.findall(theme.results):
                if code not in codes:
                    codes.append(code)
    return codes


# -- indicator values -----------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """An indicator in one sheet: this year's value, last year's and the target."""

    code: str
    label: str
    unit: str
    value: int | Decimal | None
    previous: int | Decimal | None
    target: Decimal | None
    text: str

    def as_json(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "unit": self.unit,
            "value": _json_number(self.value),
            "previous": _json_number(self.previous),
            "target": _json_number(self.target),
            "text": self.text,
        }


def _json_number(value):
    if value is None:
        return None
    return str(value) if isinstance(value, Decimal) else value


def figures_for(sheet: EvaluationSheet, codes: list[str]) -> dict[str, Figure]:
    registered = {indicator.code for indicator in indicators.all_indicators()}
    known = [code for code in codes if code in registered]
    if not known:
        return {}
    current = indicators.values_for(sheet.hub, sheet.fiscal_year, known)
    previous = indicators.values_for(sheet.hub, sheet.fiscal_year - 1, known)
    targets = {t.code: t.target for t in sheet.targets.all()}
    figures = {}
    for code in known:
        indicator = indicators.get(code)
        figures[code] = Figure(
            code=code,
            label=str(indicator.label),
            unit=str(indicator.unit),
            value=current.get(code),
            previous=previous.get(code),
            target=targets.get(code),
            text=figure_text(indicator, current.get(code), previous.get(code), targets.get(code)),
        )
    return figures


def figure_text(indicator, value, previous, target) -> str:
    """「32,410人（前年度 31,100人、前年度比 +4.2%、目標 30,000人）」."""
    unit = str(indicator.unit)
    text = f"{indicators.format_value(indicator, value)}{unit}" if value is not None else "—"
    notes = []
    # Last year's figure only when the records held any: a year before the hub used Hiroba
    # counts nothing, and "前年度 0人" would misinform.
    if previous:
        notes.append(
            _("last year {value}").format(
                value=f"{indicators.format_value(indicator, previous)}{unit}"
            )
        )
        change = indicators.change(value, previous)
        if change is not None and unit != "%":
            notes.append(_("change {change}").format(change=f"{change:+}%"))
    if target is not None:
        notes.append(_("target {value}").format(value=f"{_target_text(indicator, target)}{unit}"))
    if notes:
        text += "（" + "、".join(notes) + "）"
    return text


def _target_text(indicator, target: Decimal) -> str:
    """The target as typed: 95.5 stays 95.5 even for a whole-number indicator."""
    if target == target.to_integral_value() or indicator.decimals:
        return indicators.format_value(indicator, target)
    return f"{target:,.1f}"


def render_item(line: str, figures: dict[str, Figure] | None) -> str:
    """The line with its embedded indicators written out; as typed when ``figures`` is None."""
    if figures is None:
        return line

    def replace(match: re.Match) -> str:
        figure = figures.get(match.group(1))
        if figure is None:
            return _("[unknown indicator {code}]").format(code=match.group(1))
        return figure.text

    return INDICATOR_TOKEN.sub(replace, line)


# -- the document ---------------------------------------------------------------------------
def sheet_document(sheet: EvaluationSheet) -> dict:
    """What the sheet prints (see the module docstring): frozen when both sides agree, and
    published as frozen."""
    if sheet.published_data is not None:
        return sheet.published_data
    return build_document(sheet)


def build_document(sheet: EvaluationSheet, *, with_figures: bool = True) -> dict:
    """The document from the database; ``with_figures=False`` leaves ``{{code}}`` as typed
    (the revision text, which must change only when someone edits the sheet)."""
    form = form_rules(sheet)
    goals = list(sheet.goals.prefetch_related("themes"))
    figures = figures_for(sheet, indicator_codes(goals)) if with_figures else None
    title = sheet_title(sheet, form)
    current = [g for g in goals if g.part == GoalPart.CURRENT]
    following = [g for g in goals if g.part == GoalPart.NEXT]
    draft = sheet.status not in (SheetStatus.PUBLISHED, SheetStatus.SUPERSEDED)
    return {
        "lang": (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
        "font": FONT_FAMILY,
        "document_title": title,
        "form_label": form["form_label"],
        "title": title,
        "draft_mark": _("Draft (not published)") if draft else "",
        "header": _header(sheet),
        "results_heading": _("{year} key goals: evaluation").format(
            year=format_fiscal_year(sheet.fiscal_year)
        ),
        "goals": [
            _goal(goal, n, form["goal_markers"], figures, ("actions", "results", "issues"))
            for n, goal in enumerate(current, start=1)
        ],
        "next_heading": _("{year} key goals").format(
            year=format_fiscal_year(sheet.fiscal_year + 1)
        ),
        "next_goals": [
            _goal(goal, n, form["goal_markers"], figures, ("actions",))
            for n, goal in enumerate(following, start=1)
        ],
        "footer": f"{sheet.hub.ward.name} {sheet.hub.name}",
        "figures": {code: figure.as_json() for code, figure in (figures or {}).items()},
        "fiscal_year": sheet.fiscal_year,
        "version": sheet.version,
    }


def _header(sheet: EvaluationSheet) -> list[dict]:
    def row(label: str, paragraphs=(), numbered=()) -> dict:
        return {"label": label, "paragraphs": list(paragraphs), "numbered": list(numbered)}

    return [
        row(_("Period (事業実施期間)"), [period_text(sheet)]),
        row(_("Run by (事業の実施者)"), lines(sheet.implementers)),
        row(_("Purpose (事業目的)"), lines(sheet.purpose)),
        row(_("Principles (基本理念)"), numbered=lines(sheet.principles)),
        row(_("Programs (事業の内容)"), numbered=lines(sheet.programs)),
        row(_("Evaluation and publication (評価の方法)"), numbered=lines(sheet.method)),
    ]


def _section_labels() -> dict[str, str]:
    return {
        "actions": _("Actions (取組内容)"),
        "results": _("Results (取組の成果)"),
        "issues": _("Issues (取組の課題)"),
    }


def _goal(goal: Goal, number: int, style: str, figures, keys) -> dict:
    labels = _section_labels()
    themes = list(goal.themes.all())
    titled = len(themes) > 1 or any(t.title for t in themes)
    sections = []
    for key, bullet in SECTIONS:
        if key not in keys:
            continue
        sections.append(
            {
                "key": key,
                "label": labels[key],
                "bullet": bullet,
                "themes": [
                    {
                        "id": theme.pk,
                        "marker": f"{n}．" if titled else "",
                        "title": theme.title if titled else "",
                        "items": [
                            render_item(item, figures if key == "results" else None)
                            for item in lines(getattr(theme, key))
                        ],
                    }
                    for n, theme in enumerate(themes, start=1)
                ],
            }
        )
    return {
        "id": goal.pk,
        "marker": goal_marker(number, style),
        "title": goal.title,
        "sections": sections,
    }


def document_text(data: dict) -> str:
    """The document as plain text, one line per heading or bullet: what revisions compare."""
    out = [data["title"], ""]
    for row in data["header"]:
        out.append(f"■ {row['label']}")
        out.extend(row["paragraphs"])
        out.extend(f"{n}　{item}" for n, item in enumerate(row["numbered"], start=1))
    for heading, goals in (
        (data["results_heading"], data["goals"]),
        (data["next_heading"], data["next_goals"]),
    ):
        out += ["", f"■ {heading}"]
        for goal in goals:
            out.append(f"{goal['marker']} {goal['title']}")
            for section in goal["sections"]:
                out.append(f"［{section['label']}］")
                for theme in section["themes"]:
                    if theme["title"]:
                        out.append(f"{theme['marker']}{theme['title']}")
                    out.extend(f"{section['bullet']} {item}" for item in theme["items"])
    return "\n".join(out) + "\n"
