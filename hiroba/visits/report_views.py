"""Statistics views: the monthly report (月報), the fiscal-year report (年報), the ten-year
trend and their XLSX/CSV exports.

A report covers the current hub's group (the main hub and its satellites, as far as the user
reaches them) or, with ``?ward=<id>``, every hub of a ward — for ward officials and city
administrators, whose role is held at the ward or city. The pages show aggregates only: no
names and no row per family, for anyone.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.accounts.scope import scope_for, ward_from_request
from hiroba.core import audit, tables
from hiroba.core.forms import CleanCharField, FiscalYearField
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.lib.wareki import format_fiscal_year
from hiroba.visits import reports, reports_export
from hiroba.visits.permissions import VIEW_STATISTICS
from hiroba.visits.reports_chart import stacked_bars

FIRST_YEAR = 2000
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
AGE_SERIES = ("children_0", "children_1", "children_2", "children_3", "adults")


# -- forms -------------------------------------------------------------------------------------
class MonthField(CleanCharField):
    """A month as 2026-11 (what <input type="month"> sends), 2026/11 or 2026年11月."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12:
            raise forms.ValidationError(gettext_lazy("Enter a month like 2026-11."), code="invalid")
        return date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class _AreaForm(forms.Form):
    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        if wards:
            self.fields["ward"] = forms.ChoiceField(
                label=gettext_lazy("Area"),
                required=False,
                choices=[("", gettext_lazy("This hub group")), *((w.pk, w.name) for w in wards)],
            )


class MonthForm(_AreaForm):
    month = MonthField(label=gettext_lazy("Month"), required=False)

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"month": today.replace(day=1)})
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["month"].widget = forms.TextInput(attrs={"type": "month"})

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and not date(FIRST_YEAR, 1, 1) <= month <= self.today:
            raise forms.ValidationError(gettext_lazy("Choose a month up to this month."))
        return month


class FiscalYearForm(_AreaForm):
    fy = FiscalYearField(label=gettext_lazy("Fiscal year"), required=False)

    def __init__(self, *args, today: date, **kwargs):
        kwargs.setdefault("initial", {"fy": fiscal_year_of(today)})
        super().__init__(*args, **kwargs)
        self.current = fiscal_year_of(today)
        years = range(self.current, self.current - reports.TREND_YEARS - 5, -1)
        self.fields["fy"].widget = forms.Select(
            choices=[(fy, format_fiscal_year(fy, style="both")) for fy in years]
        )

    def clean_fy(self):
        fy = self.cleaned_data["fy"]
        if fy is not None and not FIRST_YEAR <= fy <= self.current:
            raise forms.ValidationError(gettext_lazy("Choose a fiscal year up to this one."))
        return fy


# -- what the report covers ----------------------------------------------------------------------
def _area(request, hub):
    """(scope, wards the user may choose): the hub group, or a whole ward with ``?ward=<id>``
    (``scope.ward_from_request``: 404 for an unknown or foreign ward, 403 for one within reach
    but without a ward-level role)."""
    ward, wards = ward_from_request(request, VIEW_STATISTICS)
    if ward is not None:
        return reports.ward_scope(ward), wards
    reach = scope_for(request.user).hub_ids(VIEW_STATISTICS)
    return reports.hub_group_scope(hub, reach), wards


def _valid(form, name, default):
    if form.is_bound and form.is_valid() and form.cleaned_data.get(name):
        return form.cleaned_data[name]
    return default


def _query(scope: reports.ReportScope, **params) -> str:
    if scope.whole_ward:
        params["ward"] = scope.ward.pk
    return urlencode(params)


def _export_links(scope, report: str, **params) -> list[tuple[str, str]]:
    if scope.whole_ward:
        params["ward"] = scope.ward.pk
    return tables.download_links("visits:report-export", {"report": report, **params})


def _series_labels() -> list[str]:
    return [_("Age 0"), _("Age 1"), _("Age 2"), _("Age 3 and over"), _("Adults")]


def _stack(figures: reports.Figures) -> list[int]:
    return [getattr(figures, name) for name in AGE_SERIES]


def _shift_month(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _context(request, scope, wards, form, **extra) -> dict:
    return {
        "hub": current_hub(request),
        "scope": scope,
        "form": form,
        "can_choose_ward": bool(wards),
        **extra,
    }


# -- pages ---------------------------------------------------------------------------------------
def _monthly(scope, month: date, today: date) -> reports.MonthlyReport:
    rules = scope.ward.municipality.rules("hub", on=month)
    return reports.monthly_report(scope, month, rules=rules, today=today)


@staff_view(VIEW_STATISTICS)
def monthly_report(request):
    hub = current_hub(request)
    today = timezone.localdate()
    scope, wards = _area(request, hub)
    form = MonthForm(request.GET or None, wards=wards, today=today)
    month = _valid(form, "month", today.replace(day=1))
    report = _monthly(scope, month, today)
    chart = stacked_bars(
        [str(d.day.day) for d in report.days],
        [_stack(d.figures) for d in report.days],
        _series_labels(),
    )
    previous, following = _shift_month(month, -1), _shift_month(month, 1)
    return render(
        request,
        "visits/report_monthly.html",
        _context(
            request,
            scope,
            wards,
            form,
            report=report,
            tables={t.key: t for t in reports_export.monthly_tables(report)},
            chart=chart,
            previous_query=_query(scope, month=previous.strftime("%Y-%m")),
            next_query=(
                _query(scope, month=following.strftime("%Y-%m")) if following <= today else ""
            ),
            exports=_export_links(scope, "monthly", month=month.strftime("%Y-%m")),
        ),
    )


@staff_view(VIEW_STATISTICS)
def yearly_report(request):
    hub = current_hub(request)
    today = timezone.localdate()
    scope, wards = _area(request, hub)
    form = FiscalYearForm(request.GET or None, wards=wards, today=today)
    fy = _valid(form, "fy", fiscal_year_of(today))
    report = reports.yearly_report(scope, fy)
    chart = stacked_bars(
        [str(row.key.month) for row in report.months],
        [_stack(row.figures) for row in report.months],
        _series_labels(),
    )
    return render(
        request,
        "visits/report_yearly.html",
        _context(
            request,
            scope,
            wards,
            form,
            report=report,
            tables={t.key: t for t in reports_export.yearly_tables(report)},
            chart=chart,
            previous_query=_query(scope, fy=fy - 1),
            next_query=_query(scope, fy=fy + 1) if fy < fiscal_year_of(today) else "",
            exports=_export_links(scope, "yearly", fy=fy),
        ),
    )


@staff_view(VIEW_STATISTICS)
def trend_report(request):
    hub = current_hub(request)
    today = timezone.localdate()
    scope, wards = _area(request, hub)
    form = FiscalYearForm(request.GET or None, wards=wards, today=today)
    fy = _valid(form, "fy", fiscal_year_of(today))
    years = reports.trend_report(scope, fy)
    chart = stacked_bars(
        [format_fiscal_year(y.fiscal_year, style="short") for y in years],
        [_stack(y.figures) for y in years],
        _series_labels(),
    )
    return render(
        request,
        "visits/report_trend.html",
        _context(
            request,
            scope,
            wards,
            form,
            years=years,
            last_fiscal_year=fy,
            first_fiscal_year=fy - reports.TREND_YEARS + 1,
            tables={t.key: t for t in reports_export.trend_tables(years)},
            chart=chart,
            exports=_export_links(scope, "trend", fy=fy),
        ),
    )


# -- exports ---------------------------------------------------------------------------------------
class _BadExport(Exception):
    """The query names no report, format or period the pages would offer."""


def _export_tables(request, scope, kind: str, today: date):
    """(tables, title, period label, slug) for the report and period in the query."""
    if kind == "monthly":
        form = MonthForm(request.GET, wards=[], today=today)
        if not form.is_valid() or not form.cleaned_data["month"]:
            raise _BadExport
        month = form.cleaned_data["month"]
        tables = reports_export.monthly_tables(_monthly(scope, month, today))
        period = formats.date_format(month, "YEAR_MONTH_FORMAT")
        return tables, _("Monthly visit report"), period, f"monthly-{month:%Y-%m}"
    form = FiscalYearForm(request.GET, wards=[], today=today)
    if not form.is_valid() or not form.cleaned_data["fy"]:
        raise _BadExport
    fy = form.cleaned_data["fy"]
    if kind == "yearly":
        tables = reports_export.yearly_tables(reports.yearly_report(scope, fy))
        return tables, _("Yearly visit report"), format_fiscal_year(fy), f"yearly-{fy}"
    first = fy - reports.TREND_YEARS + 1
    tables = reports_export.trend_tables(reports.trend_report(scope, fy))
    period = f"{format_fiscal_year(first)}–{format_fiscal_year(fy)}"
    return tables, _("Visit trend"), period, f"trend-{first}-{fy}"


@staff_view(VIEW_STATISTICS)
def report_export(request):
    """The download links of the report pages. Without a report named, back to the pages;
    a report, format or period the pages would not offer is a bad request (400)."""
    kind, fmt = request.GET.get("report"), request.GET.get("format")
    if kind is None:
        return redirect("visits:monthly-report")
    hub = current_hub(request)
    scope, _wards = _area(request, hub)
    try:
        if kind not in ("monthly", "yearly", "trend") or fmt not in ("xlsx", "csv"):
            raise _BadExport
        tables, title, period, slug = _export_tables(request, scope, kind, timezone.localdate())
    except _BadExport:
        return HttpResponseBadRequest(_("Unknown report, format or period."))
    info = reports_export.ExportInfo(kind=title, area=scope.label, period=period, slug=slug)
    audit.record(
        "visits.report.exported",
        actor=request.user,
        hub=None if scope.whole_ward else hub,
        ward=scope.ward,
        payload={
            "report": kind,
            "format": fmt,
            "period": slug.split("-", 1)[1],
            "ward": scope.ward.pk if scope.whole_ward else None,
            "hubs": sorted(scope.hub_ids),
        },
    )
    if fmt == "xlsx":
        data = reports_export.xlsx_bytes(tables, info)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = reports_export.csv_bytes(tables, info)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = reports_export.content_disposition(info, fmt)
    return response
