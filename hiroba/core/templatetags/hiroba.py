"""Display helpers for Japanese dates, fiscal years, phone numbers and postal codes."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.lib import jpcalendar, wareki
from hiroba.lib.text import format_phone, format_postal_code

register = template.Library()


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, date) else None


@register.filter
def wareki_date(value, style: str = "long") -> str:
    """{{ d|wareki_date }} → 令和6年4月1日; {{ d|wareki_date:"short" }} → R6.4.1."""
    d = _as_date(value)
    return wareki.format_wareki_date(d, style=style) if d else ""


@register.filter
def localized(obj, field: str) -> str:
    """{{ program|localized:"title" }}: the text in the reader's language, else Japanese."""
    return obj.localized(field, get_language())


@register.filter
def html_lang(code: str) -> str:
    """A language code as HTML's ``lang`` wants it: やさしい日本語 (``ja-easy``) is Japanese
    to screen readers and fonts."""
    return "ja" if code == "ja-easy" else code


@register.filter
def fiscal_year(value, style: str = "wareki") -> str:
    """{{ 2024|fiscal_year }} → 令和6年度; styles: wareki, short, seireki, both."""
    try:
        return wareki.format_fiscal_year(int(value), style=style)
    except (TypeError, ValueError):
        return ""


@register.filter
def weekday(value) -> str:
    d = _as_date(value)
    return jpcalendar.weekday_label(d) if d else ""


@register.filter
def holiday(value) -> str:
    d = _as_date(value)
    return (jpcalendar.holiday_name(d) or "") if d else ""


@register.filter
def phone(value) -> str:
    try:
        return format_phone(value) if value else ""
    except ValueError:
        return value


@register.filter
def postal_code(value) -> str:
    try:
        return format_postal_code(value) if value else ""
    except ValueError:
        return value


@register.filter
def action_label(code: str) -> str:
    """The translated label of an audit action code."""
    return audit.action_label(code)


@register.filter
def month_day(value: str) -> str:
    """ "12-29" → 12月29日 (or "December 29" in English), for rules that name a day of the year."""
    try:
        month, day = (int(part) for part in str(value).split("-"))
        return formats.date_format(date(2000, month, day), "MONTH_DAY_FORMAT")
    except ValueError:
        return value


@register.filter
def report_cell(value) -> str:
    """{{ cell|report_cell }}: a figure as the reports show it, 1,234 · 12.5 (one decimal for
    shares) · 11月3日 · — for no figure. One place for the visit reports and the program
    statistics, so the two pages never disagree on how a number looks."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "MONTH_DAY_FORMAT")
    return str(value)


@register.filter
def yen(value) -> str:
    """{{ amount|yen }}: 1,500円, the way statements and receipts print money."""
    if value is None or value == "":
        return "—"
    return _("{amount} yen").format(amount=formats.number_format(int(value), force_grouping=True))
