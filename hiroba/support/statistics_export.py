"""The user-support statistics as tables for the XLSX and CSV downloads: counts only, a hidden
small cell written as "<5" (``consultations.statistics_export`` holds the shared helpers)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hiroba.consultations.statistics_export import about, count_cell, disposition, pairs_table
from hiroba.core import tables
from hiroba.core.tables import Column, Table, text_column

__all__ = ["content_disposition", "export", "statistics_tables"]


def _individual_table(stats: dict) -> Table:
    labels = {"booked": _("Booked"), "walk_in": _("Walk-in (no booking)")}
    table = Table(
        "individual",
        _("Individual consultations: booked and walk-in"),
        [
            text_column("kind", ""),
            *(Column(f"m{m}", _("{month}月").format(month=m)) for m in stats["months"]),
            Column("total", _("Total")),
        ],
    )
    table.rows = [
        [labels[row["label"]], *map(count_cell, row["cells"]), count_cell(row["total"])]
        for row in stats["individual"]
    ]
    return table


def _booking_pairs(stats: dict) -> list[tuple[str, int | None]]:
    labels = {
        "attended": _("Held"),
        "no_show": pgettext("support booking", "Did not come"),
        "cancelled_by_family": _("Cancelled by the family"),
        "cancelled_by_hub": _("Cancelled by the hub"),
        "waiting": _("Still to come"),
    }
    return [(labels[code], value) for code, value in stats["outcomes"]]


def _slot_pairs(stats: dict) -> list[tuple[str, int | None]]:
    return [
        *stats["sources"],
        (_("Slots published"), stats["slots_published"]),
        (_("Slots booked"), stats["slots_booked"]),
        (_("Slots held (incl. did not come)"), stats["slots_held"]),
    ]


def _case_pairs(cases: dict) -> list[tuple[str, int | None]]:
    return [
        (_("Opened"), cases["opened"]),
        (_("Closed"), cases["closed"]),
        *((f"　{row.label}", row.value) for row in cases["by_closure_reason"]),
        (_("Open at the end of the year"), cases["open_at_year_end"]),
    ]


def _linkage_pairs(linkages: dict) -> list[tuple[str, int | None]]:
    return [
        *((row.label, row.value) for row in linkages["by_service_kind"]),
        (_("Total"), linkages["total"]),
        (_("Warm hand-overs"), linkages["warm_handovers"]),
        (_("Follow-ups done on time"), linkages["follow_ups_on_time"]),
        (_("Follow-ups done late"), linkages["follow_ups_late"]),
    ]


def _activity_table(activities: dict) -> Table:
    table = Table(
        "activities",
        _("Community liaison (地域連携)"),
        [
            text_column("kind", ""),
            Column("times", _("Times")),
            Column("people", _("Participants")),
        ],
    )
    table.rows = [
        [row.label, count_cell(row.count), count_cell(row.participants)]
        for row in activities["by_kind"]
    ]
    table.total = [
        _("Total"),
        count_cell(activities["total"]),
        count_cell(activities["participants"]),
    ]
    return table


def statistics_tables(stats: dict) -> list[Table]:
    figures = stats["cases"]
    item = _("Item")
    return [
        _individual_table(stats),
        pairs_table("bookings", _("What happened to the bookings"), item, _booking_pairs(stats)),
        pairs_table("slots", _("How families booked"), item, _slot_pairs(stats)),
        pairs_table("cases", _("Support cases"), item, _case_pairs(figures["cases"])),
        pairs_table(
            "linkages", _("Linkages to services"), item, _linkage_pairs(figures["linkages"])
        ),
        _activity_table(figures["activities"]),
    ]


def export(stats: dict, fmt: str) -> bytes:
    kind = _("User-support statistics")
    return tables.export_bytes(statistics_tables(stats), about(stats, kind), fmt)


def content_disposition(stats: dict, fmt: str) -> str:
    return disposition(stats, fmt, _("User-support statistics"), "user-support")
