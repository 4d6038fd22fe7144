"""Display of statistics cells: thousands separators, one decimal for shares, "—" for none."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def report_cell(value) -> str:
    """{{ cell|report_cell }}: 1,234 · 12.5 · 11月3日 · — (no figure)."""
    if value is None or value == "":
        return "—" if value is None else ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, force_grouping=True)
    if isinstance(value, date):
        return formats.date_format(value, "MONTH_DAY_FORMAT")
    return str(value)
