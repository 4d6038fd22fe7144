"""Exports of the statistics: XLSX (one sheet per table, bold header, numbers as numbers,
formula-like text kept as text), CSV (UTF-8 with BOM, Excel-safe), Japanese file names, audit."""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import unquote

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from hiroba.accounts.choices import Role
from hiroba.core.choices import VenueKind
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.families.tests.factories import family
from hiroba.visits import services
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://example.com","x")'


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


@pytest.fixture
def in_english(client):
    """Pages and files in English (the interface is Japanese by default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def visits(world):
    room = VenueFactory(hub=world.a.hub, name="ひろば", kind=VenueKind.HIROBA_ROOM, sort_order=1)
    evil = VenueFactory(hub=world.a.hub, name=EVIL, kind=VenueKind.PARK, sort_order=2)
    household = family(world.a.hub)
    members = [m.pk for m in household.members.all()]
    services.check_in(household, room, members, actor=None, on=date(2026, 11, 4))
    services.check_in(household, room, members, actor=None, on=date(2026, 4, 1))
    services.record_walk_in(room, Counts(adults=2, fathers=1, children_1=1), actor=None,
                            on=date(2026, 11, 7))  # fmt: skip
    services.record_tally(evil, date(2026, 11, 8), Counts(pairs=4, adults=4, children_0=5),
                          actor=None)  # fmt: skip
    return room, evil


def _export(client, user, **params):
    client.force_login(user)
    return client.get(reverse("visits:report-export"), params)


def test_monthly_xlsx_has_a_sheet_per_table_with_numbers(client, world, visits, in_english):
    response = _export(
        client, world.a.person(Role.HUB_MANAGER), report="monthly", format="xlsx", month="2026-11"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Report",
        "Summary",
        "By kind of venue",
        "By venue",
        "By district of residence",
        "By day",
        "Opening days per week",
    ]
    summary = book["Summary"]
    header = [cell.value for cell in summary[1]]
    assert header[:3] == ["Day type", "Groups", "Person-visits"]
    assert all(cell.font.bold for cell in summary[1])
    total = [cell.value for cell in summary[summary.max_row]]
    assert total[0] == "Total"
    assert total[1:3] == [6, 14]  # groups: a family, a walk-in, a tally of 4; 2 + 3 + 9 people
    assert isinstance(total[1], int)
    assert summary.column_dimensions["A"].width >= 8
    venues = book["By venue"]
    evil = next(row[0] for row in venues.iter_rows(min_row=2) if row[0].value == EVIL)
    assert evil.data_type == "s"  # text, never a formula
    days = book["By day"]
    assert days["A2"].value.date() == date(2026, 11, 1)
    assert days["A2"].number_format == "yyyy-mm-dd"


def test_csv_has_a_bom_and_escapes_formulas(client, world, visits, in_english):
    response = _export(
        client, world.a.person(Role.HUB_STAFF), report="yearly", format="csv", fy="2026"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Yearly visit report"]
    assert ["By month"] in rows and ["By venue"] in rows
    assert any(row and row[0] == "'" + EVIL for row in rows)
    assert not any(row and row[0] == EVIL for row in rows)
    header = rows[rows.index(["By month"]) + 1]
    april = rows[rows.index(["By month"]) + 2]
    assert header[1] == "Groups" and april[1] == "1"


def test_file_names_are_japanese_with_an_ascii_fallback(client, world, visits):
    response = _export(
        client, world.a.person(Role.HUB_MANAGER), report="monthly", format="csv", month="2026-11"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="hiroba-visits-monthly-2026-11.csv"')
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    name = unquote(encoded)
    assert name.endswith("_2026-11.csv") and world.a.hub.name in name
    assert all(ord(ch) < 128 for ch in encoded)


def test_the_export_is_audited(client, world, visits):
    user = world.a.person(Role.HUB_MANAGER)
    _export(client, user, report="trend", format="xlsx", fy="2026")
    entry = AuditLog.objects.get(action="visits.report.exported")
    assert entry.actor == user
    assert entry.payload["report"] == "trend"
    assert entry.payload["format"] == "xlsx"
    assert entry.payload["period"] == "2017-2026"
    assert entry.hub == world.a.hub


def test_trend_export_has_ten_years(client, world, visits, in_english):
    response = _export(
        client, world.a.person(Role.HUB_MANAGER), report="trend", format="xlsx", fy="2026"
    )
    sheet = load_workbook(io.BytesIO(response.content))["By fiscal year"]
    assert sheet.max_row == 11
    assert [cell.value for cell in sheet[11]][1] == 7  # FY2026: 1 + 1 + 1 + 4 groups


def test_ward_officials_export_their_ward_only(client, world, visits):
    official = world.a.person(Role.WARD_OFFICIAL)
    own = _export(
        client, official, report="monthly", format="csv", month="2026-11", ward=world.a.ward.pk
    )
    assert own.status_code == 200
    text = own.content.decode("utf-8-sig")
    assert "山田" not in text and "花子" not in text
    entry = AuditLog.objects.get(action="visits.report.exported")
    assert entry.payload["ward"] == world.a.ward.pk and entry.ward == world.a.ward
    foreign = _export(
        client, official, report="monthly", format="csv", month="2026-11", ward=world.b.ward.pk
    )
    assert foreign.status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"report": "daily", "format": "csv", "month": "2026-11"},
        {"report": "monthly", "format": "pdf", "month": "2026-11"},
        {"report": "monthly", "format": "csv"},
        {"report": "monthly", "format": "csv", "month": "2027-01"},
        {"report": "yearly", "format": "xlsx", "fy": "x"},
    ],
)
def test_bad_export_parameters_are_refused(client, world, params):
    assert _export(client, world.a.person(Role.HUB_MANAGER), **params).status_code == 400
    assert not AuditLog.objects.filter(action="visits.report.exported").exists()


def test_the_bare_export_address_leads_back_to_the_report(client, world):
    response = _export(client, world.a.person(Role.HUB_MANAGER))
    assert response.status_code == 302
    assert response.url == reverse("visits:monthly-report")
