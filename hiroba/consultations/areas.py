"""What a statistics page counts: the current hub, or with ``?ward=<id>`` every hub of a ward,
for ward officials and city administrators (whose role is held at the ward or the city).

Consultations and user support share this: only the hub's own team sees exact counts; anyone
else, and every ward-wide view, gets small cells hidden (``statistics.hide_small``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hiroba.accounts.context import current_hub
from hiroba.accounts.permissions import staff_view
from hiroba.accounts.scope import scope_for, ward_from_request
from hiroba.core import audit, tables
from hiroba.core.forms import FiscalYearForm
from hiroba.core.models import Hub, Ward
from hiroba.core.tables import CONTENT_TYPES

# Outside the hub's own team, a count from 1 to SMALL_CELL - 1 is hidden ("<5").
SMALL_CELL = 5


@dataclass(frozen=True)
class Area:
    """What the statistics count: one hub, or every hub of a ward (``ward`` set)."""

    label: str
    hub_ids: frozenset[int]
    municipality_id: int
    ward: Ward | None = None

    @classmethod
    def of_hub(cls, hub: Hub) -> Area:
        return cls(hub.name, frozenset({hub.pk}), hub.ward.municipality_id)

    @classmethod
    def of_ward(cls, ward: Ward) -> Area:
        hub_ids = frozenset(Hub.objects.filter(ward=ward).values_list("pk", flat=True))
        return cls(ward.name, hub_ids, ward.municipality_id, ward)

    @property
    def whole_ward(self) -> bool:
        return self.ward is not None


def statistics_area(
    request, hub: Hub, *, permission: str, exact_permission: str
) -> tuple[Area, bool, list[Ward]]:
    """(area, suppress small cells, wards the user may choose; ``scope.ward_from_request``).
    Exact counts only at the hub, for holders of ``exact_permission`` there."""
    ward, wards = ward_from_request(request, permission)
    if ward is not None:
        return Area.of_ward(ward), True, wards
    exact = scope_for(request.user).can(exact_permission, hub_id=hub.pk)
    return Area.of_hub(hub), not exact, wards


def _masked(whole, parts: list):
    """``whole`` with every count hidden (None) where a part hides its count. Counts are
    ints and floats at the same place in the same shape; lists of (label, …) pairs are matched
    by label (a part without the label counted nothing there)."""
    if isinstance(whole, int | float) and not isinstance(whole, bool):
        return None if any(part is None for part in parts) else whole
    for kind, masker in ((dict, _masked_dict), (list, _masked_list), (tuple, _masked_tuple)):
        if isinstance(whole, kind):
            return masker(whole, parts)
    if is_dataclass(whole) and not isinstance(whole, type | Area):
        values = {f.name: [getattr(p, f.name) for p in parts] for f in fields(whole)}
        return replace(whole, **{n: _masked(getattr(whole, n), v) for n, v in values.items()})
    return whole


def _masked_dict(whole: dict, parts: list) -> dict:
    return {key: _masked(value, [p.get(key, 0) for p in parts]) for key, value in whole.items()}


def _masked_list(whole: list, parts: list) -> list:
    if whole and isinstance(whole[0], tuple) and any(len(p) != len(whole) for p in parts):
        by_label = [{str(item[0]): item for item in p} for p in parts]
        return [_masked(item, [b.get(str(item[0]), 0) for b in by_label]) for item in whole]
    return [_masked(item, [p[i] for p in parts]) for i, item in enumerate(whole)]


def _masked_tuple(whole: tuple, parts: list) -> tuple:
    items = [_masked(item, [p[i] if p else 0 for p in parts]) for i, item in enumerate(whole)]
    return type(whole)(*items) if hasattr(whole, "_fields") else tuple(items)


def ward_statistics(compute: Callable, area: Area, fiscal_year: int) -> dict:
    """A ward's statistics with small cells hidden, and also every cell that some hub of the
    ward hides: otherwise the ward's count minus the other hubs' shown counts would give that
    hub's hidden count away to whoever sees both pages."""
    whole = compute(area, fiscal_year, suppress=True)
    hubs = Hub.objects.filter(pk__in=area.hub_ids).select_related("ward")
    parts = [compute(Area.of_hub(hub), fiscal_year, suppress=True) for hub in hubs]
    return _masked(whole, parts) if len(parts) > 1 else whole


def download_links(url_name: str, area: Area, fiscal_year: int) -> list[tuple[str, str]]:
    ward = {"ward": area.ward.pk} if area.whole_ward else {}
    return tables.download_links(url_name, {"fiscal_year": fiscal_year, **ward})


@dataclass(frozen=True)
class StatisticsViews:
    """A statistics page and its downloads, as consultations and user support both have them.
    ``compute(area, fiscal_year, suppress=…)`` gives the statistics; ``exporter`` (a
    ``statistics_export`` module) writes them as XLSX or CSV; ``action`` is the audit action of
    a download, filed under the hub, or the ward for a ward-wide file, so the ward finds its own
    downloads. ``views()`` gives the (page, download) view functions for the app's urls."""

    permission: str
    exact_permission: str
    template: str
    download_url: str
    compute: Callable
    exporter: Any
    action: str

    def views(self) -> tuple[Callable, Callable]:
        return staff_view(self.permission)(self.page), staff_view(self.permission)(self.download)

    def _area(self, request) -> tuple[Hub, Area, bool, list[Ward]]:
        hub = current_hub(request)
        area, suppress, wards = statistics_area(
            request, hub, permission=self.permission, exact_permission=self.exact_permission
        )
        return hub, area, suppress, wards

    def _statistics(self, area: Area, fiscal_year: int, suppress: bool) -> dict:
        if area.whole_ward:
            return ward_statistics(self.compute, area, fiscal_year)
        return self.compute(area, fiscal_year, suppress=suppress)

    def page(self, request):
        hub, area, suppress, wards = self._area(request)
        form = FiscalYearForm(request.GET or None)
        fiscal_year = form.chosen()
        return render(
            request,
            self.template,
            {
                "hub": hub,
                "form": form,
                "fiscal_year": fiscal_year,
                "stats": self._statistics(area, fiscal_year, suppress),
                "small_cell": SMALL_CELL,
                "wards": wards,
                "area": area,
                "hub_link": f"?{urlencode({'fiscal_year': fiscal_year})}",
                "exports": download_links(self.download_url, area, fiscal_year),
            },
        )

    def download(self, request):
        """``?fiscal_year=2026&format=csv`` (or xlsx), with ``&ward=<id>`` for a whole ward; a
        format or year the page would not offer is a bad request."""
        hub, area, suppress, _wards = self._area(request)
        fmt = request.GET.get("format")
        form = FiscalYearForm(request.GET)
        if fmt not in CONTENT_TYPES or not form.is_valid():
            return HttpResponseBadRequest(_("Unknown format or fiscal year."))
        fiscal_year = form.chosen()
        stats = self._statistics(area, fiscal_year, suppress)
        response = HttpResponse(self.exporter.export(stats, fmt), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = self.exporter.content_disposition(stats, fmt)
        audit.record(
            self.action,
            actor=request.user,
            hub=None if area.whole_ward else hub,
            ward=area.ward or hub.ward,
            payload={
                "fiscal_year": fiscal_year,
                "format": fmt,
                "ward": area.ward.pk if area.whole_ward else None,
                "small_cells_hidden": suppress,
            },
        )
        return response
