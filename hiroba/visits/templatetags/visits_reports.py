"""Display of statistics cells: the ``report_cell`` filter of ``hiroba.core`` (thousands
separators, one decimal for shares, "—" for none), offered under this library's name too so
the visit report templates keep loading ``visits_reports``."""

from __future__ import annotations

from django import template

from hiroba.core.templatetags.hiroba import report_cell

register = template.Library()
register.filter("report_cell", report_cell)
