"""The program statistics page of the current hub and its XLSX/CSV downloads.

Aggregates only: counts per month, category and program, never a family or a name, so hub
teams and ward officials (who hold the statistics permission at the ward) see the same page.
The fiscal year comes from ``?fy=`` (2026, 2026年度, 令和8年度, R8); a year that cannot be
read is explained on the page, which then shows the current year.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.core import audit
from hiroba.core.forms import FiscalYearField
from hiroba.core.tables import download_links
from hiroba.core.templatetags.hiroba import report_cell
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.lib.wareki import format_fiscal_year
from hiroba.programs import statistics, statistics_export
from hiroba.programs.permissions import VIEW_PROGRAM_STATISTICS

FIRST_YEAR = 2000
YEARS_OFFERED = 10


class StatisticsForm(forms.Form):
    fy = FiscalYearField(label=gettext_lazy("Fiscal year"), required=False)

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"fy": fiscal_year_of(today)})
        super().__init__(*args, **kwargs)
        self.current = fiscal_year_of(today)
        years = range(self.current + 1, self.current - YEARS_OFFERED, -1)
        self.fields["fy"].widget = forms.Select(
            choices=[(fy, format_fiscal_year(fy, style="both")) for fy in years]
        )

    def clean_fy(self):
        fy = self.cleaned_data["fy"]
        if fy is not None and not FIRST_YEAR <= fy <= self.current + 1:
            raise forms.ValidationError(
                gettext_lazy("Choose a fiscal year up to next year."), code="out_of_range"
            )
        return fy


def _fiscal_year(form: StatisticsForm) -> int:
    if form.is_bound and form.is_valid() and form.cleaned_data.get("fy"):
        return form.cleaned_data["fy"]
    return form.current


def _page_table(table: statistics_export.Table) -> dict:
    """A table with every cell labelled and formatted, for the template; a month without a
    lecture is flagged."""
    missing = str(statistics.LECTURE_LABELS[statistics.LECTURE_MISSING])

    def cells(row):
        return [
            (column, report_cell(value), column.key == "lecture" and value == missing)
            for column, value in zip(table.columns, row, strict=True)
        ]

    return {
        "key": table.key,
        "title": table.title,
        "columns": table.columns,
        "rows": [cells(row) for row in table.rows],
        "total": cells(table.total) if table.total is not None else None,
    }


@staff_view(VIEW_PROGRAM_STATISTICS)
def program_statistics(request):
    hub = current_hub(request)
    today = timezone.localdate()
    form = StatisticsForm(request.GET or None, today=today)
    fy = _fiscal_year(form)
    stats = statistics.program_statistics(hub, fy)
    tables = [_page_table(t) for t in statistics_export.statistics_tables(stats)]
    return render(
        request,
        "programs/statistics.html",
        {
            "hub": hub,
            "form": form,
            "stats": stats,
            "tables": tables,
            "exports": download_links("programs:statistics-export", {"fy": fy}),
            "previous_query": urlencode({"fy": fy - 1}) if fy > FIRST_YEAR else "",
            "next_query": urlencode({"fy": fy + 1}) if fy <= form.current else "",
        },
    )


@staff_view(VIEW_PROGRAM_STATISTICS)
def statistics_download(request):
    """The page's download links: ``?fy=2026&format=xlsx`` (or csv). A format or year the
    page would not offer is a bad request."""
    fmt = request.GET.get("format")
    form = StatisticsForm(request.GET, today=timezone.localdate())
    if fmt not in statistics_export.CONTENT_TYPES or not form.is_valid():
        return HttpResponseBadRequest(_("Unknown format or fiscal year."))
    fy = form.cleaned_data["fy"] or form.current
    stats = statistics.program_statistics(current_hub(request), fy)
    response = HttpResponse(
        statistics_export.export(stats, fmt), content_type=statistics_export.CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = statistics_export.content_disposition(stats, fmt)
    audit.record(
        "programs.statistics.exported",
        actor=request.user,
        hub=stats.hub,
        payload={"fiscal_year": fy, "format": fmt},
    )
    return response
