"""The consultation statistics as tables for the XLSX and CSV downloads (``hiroba.core.tables``
writes the files). Only counts leave: no names, no card numbers, no text of any record. A
hidden small cell is written as "<5", never as a number or a blank that could pass for 0."""

from __future__ import annotations

from django.utils.translation import gettext as _

from hiroba.consultations.statistics import SMALL_CELL
from hiroba.core import tables
from hiroba.core.tables import Column, Table, text_column
from hiroba.lib.wareki import format_fiscal_year

__all__ = [
    "about",
    "content_disposition",
    "count_cell",
    "disposition",
    "export",
    "pairs_table",
    "statistics_tables",
]


def count_cell(value):
    """A count as written to the file: a hidden small cell as "<5"."""
    return f"<{SMALL_CELL}" if value is None else value


def pairs_table(key: str, title: str, first: str, pairs, measure: str | None = None) -> Table:
    """A two-column table of (label, count) pairs."""
    table = Table(key, title, [text_column("label", first), Column("n", measure or _("Count"))])
    table.rows = [[str(label), count_cell(value)] for label, value in pairs]
    return table


def _age_label(band: str) -> str:
    named = {"pregnant": _("Pregnancy"), "none": _("Not recorded"), "3+": _("3 years and over")}
    return named.get(band) or _("{years} years").format(years=band)


def _month_table(stats: dict) -> Table:
    months = [_("{month}月").format(month=m) for m in stats["months"]]
    by_month = stats["by_month"]
    table = Table(
        "months",
        _("By month and channel"),
        [text_column("channel", _("Channel")), *(Column(f"m{i}", m) for i, m in enumerate(months))],
    )
    table.rows = [[str(label), *map(count_cell, cells)] for label, cells in by_month.rows]
    table.total = [_("Total"), *map(count_cell, by_month.total)]
    return table


def _summary_table(stats: dict) -> Table:
    share = stats["under_three_share"]
    rows = [
        (_("Consultations"), count_cell(stats["total"])),
        (_("Needs special care (要配慮)"), count_cell(stats["needs_care"])),
        (_("Share about children aged 0–2 (%)"), "" if share is None else share),
    ]
    table = Table("summary", _("Summary"), [text_column("label", ""), Column("n", _("Value"))])
    table.rows = [list(row) for row in rows]
    return table


def statistics_tables(stats: dict) -> list[Table]:
    topic = _("Topic")
    return [
        _summary_table(stats),
        _month_table(stats),
        pairs_table("topics", _("By topic"), topic, stats["by_topic"]),
        pairs_table(
            "ages",
            _("By the youngest child's age"),
            _("Age"),
            [(_age_label(band), value) for band, value in stats["by_age"]],
        ),
        pairs_table("outcomes", _("By outcome"), _("Outcome"), stats["by_outcome"]),
        pairs_table("referrals", _("Referrals by agency"), _("Agency"), stats["referrals"]),
        pairs_table(
            "referral_status", _("Referrals by status"), _("Status"), stats["referral_status"]
        ),
        pairs_table("follow_ups", _("Follow-ups"), _("Follow-up"), stats["follow_ups"]),
    ]


def about(stats: dict, kind: str) -> tables.About:
    """What a file is: ``kind``, the hub or ward, the fiscal year and, when small cells are
    hidden, how they are written."""
    area = stats["area"]
    lines = [
        (_("Ward") if area.whole_ward else _("Hub"), area.label),
        (_("Period"), format_fiscal_year(stats["fiscal_year"])),
    ]
    if stats["suppressed"]:
        lines.append(
            (_("Small counts"), _("Counts under {n} are shown as <{n}.").format(n=SMALL_CELL))
        )
    return tables.About(kind, tuple(lines))


def disposition(stats: dict, fmt: str, kind: str, slug: str) -> str:
    """ "相談統計_中央区_2026.csv" as RFC 5987, with an ASCII name for old clients."""
    fiscal_year = stats["fiscal_year"]
    name = f"{kind}_{tables.file_name_part(stats['area'].label)}_{fiscal_year}.{fmt}"
    return tables.attachment_disposition(name, f"hiroba-{slug}-{fiscal_year}.{fmt}")


def export(stats: dict, fmt: str) -> bytes:
    kind = _("Consultation statistics")
    return tables.export_bytes(statistics_tables(stats), about(stats, kind), fmt)


def content_disposition(stats: dict, fmt: str) -> str:
    return disposition(stats, fmt, _("Consultation statistics"), "consultations")
