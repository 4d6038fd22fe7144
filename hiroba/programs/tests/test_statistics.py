"""Program statistics: exact figures on a known fiscal year (sessions, lectures and months
without one, participants with walk-ins, fill rate and waiting list at the start, no-shows),
only the current hub's published programs, the page for hub teams and ward officials without
names, XLSX/CSV downloads and a fixed number of queries."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hiroba.accounts.choices import Role
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.programs import services, statistics
from hiroba.programs.choices import AttendanceStatus, ProgramCategory, SignupMode
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")
EVIL = '=HYPERLINK("http://example.com","x")'
SECRETS = ("山田", "花子", "タロウ", "ヤマダ", "佐藤")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(_at("2026-11-20 12:00"), tick=False):
        yield


def _families(hub, n: int, start: int = 0):
    return [
        family(
            hub,
            caregiver(family_name="佐藤", given_name=f"花子{i}"),
            child(family_name="佐藤", given_name=f"太郎{i}"),
        )
        for i in range(start, start + n)
    ]


def _apply(prog, household):
    return services.apply(prog, household, caregivers_and_children(household))


@dataclass
class Year:
    """Hub A's fiscal year 2026 (April 2026 – March 2027), figures worked out by hand."""

    weaning: object
    outreach: object
    fathers: object
    december: object


@pytest.fixture
def year(world) -> Year:
    hub = world.a.hub
    with time_machine.travel(_at("2026-10-01 10:00"), tick=False):
        # November: a class for 3 families, 4 apply; one attends, one does not come, one
        # sends apologies (and is cancelled by staff after the start), one keeps waiting.
        weaning = program(hub, title="離乳食教室", starts_at=_at("2026-11-05 10:00"),
                          capacity_families=3)  # fmt: skip
        came, no_show, apologised, waiting = (_apply(weaning, h) for h in _families(hub, 4))
        # October and November: a two-session fathers' series, 2 seats, 1 family.
        fathers = program(hub, title="パパの会", category=ProgramCategory.FATHERS,
                          starts_at=_at("2026-10-28 10:00"), sessions=2,
                          capacity_families=2)  # fmt: skip
        dad = _apply(fathers, _families(hub, 1, start=10)[0])
        # October: outreach without sign-up (not a lecture), 5 families / 11 people came.
        outreach = program(hub, title="出張ひろば", category=ProgramCategory.OUTREACH,
                           signup_mode=SignupMode.DROP_IN, capacity_families=None,
                           counts_as_lecture=False, starts_at=_at("2026-10-10 10:00"))  # fmt: skip
        # December: planned, not held yet.
        december = program(hub, title="クリスマス会", starts_at=_at("2026-12-10 10:00"))
        # Not counted: another hub, the satellite, a cancelled program, the previous year.
        program(world.b.hub, starts_at=_at("2026-11-06 10:00"))
        program(world.a.satellite, starts_at=_at("2026-11-06 10:00"))
        services.cancel_program(program(hub, starts_at=_at("2026-11-07 10:00")), actor=None)
        program(hub, starts_at=_at("2026-10-02 10:00"), publish=False)
    with time_machine.travel(_at("2026-03-20 10:00"), tick=False):
        program(hub, title="去年度", starts_at=_at("2026-03-25 10:00"))

    session = weaning.sessions.get()
    services.record_attendance(session, came, AttendanceStatus.ATTENDED, actor=None)
    services.record_attendance(session, no_show, AttendanceStatus.ABSENT, actor=None)
    services.record_attendance(session, apologised, AttendanceStatus.EXCUSED, actor=None)
    services.record_walk_ins(session, 1, 2, actor=None)
    with time_machine.travel(_at("2026-11-05 11:00"), tick=False):
        services.cancel(apologised, by_staff=True)
    services.record_walk_ins(outreach.sessions.get(), 5, 11, actor=None)
    second = fathers.sessions.order_by("starts_at")[1]
    services.record_attendance(second, dad, AttendanceStatus.ATTENDED, actor=None)
    assert waiting.status == "waitlisted"
    return Year(weaning, outreach, fathers, december)


def _month(stats, month: int):
    return next(row for row in stats.months if row.month.month == month)


def test_monthly_figures_are_exact(world, year):
    stats = statistics.program_statistics(world.a.hub, 2026)
    assert [row.month.month for row in stats.months] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    october, november = _month(stats, 10).figures, _month(stats, 11).figures
    assert (october.sessions, october.lecture_sessions) == (2, 1)
    assert (october.families, october.people) == (5, 11)
    assert (october.capacity_families, october.confirmed_at_start, october.fill_rate) == (
        2,
        1,
        50.0,
    )
    assert (november.sessions, november.lecture_sessions) == (2, 2)
    assert (november.attended_families, november.walk_in_families, november.families) == (2, 1, 3)
    assert (november.attended_adults, november.attended_children, november.people) == (2, 2, 6)
    assert (november.absent, november.excused) == (1, 1)
    # Cancelled after the start: still a seat taken at the start.
    assert (november.capacity_families, november.confirmed_at_start) == (3, 3)
    assert (november.fill_rate, november.waiting_at_start) == (100.0, 1)
    total = stats.total
    assert (total.sessions, total.lecture_sessions, total.families, total.people) == (4, 3, 8, 17)
    assert (total.capacity_families, total.confirmed_at_start, total.fill_rate) == (5, 4, 80.0)
    assert (total.waiting_at_start, total.absent, total.excused) == (1, 1, 1)
    assert _month(stats, 12).figures.sessions == 0
    assert _month(stats, 12).figures.planned_lectures == 1


def test_months_without_a_lecture_are_flagged(world, year):
    stats = statistics.program_statistics(world.a.hub, 2026)
    statuses = {row.month.month: row.lecture_status for row in stats.months}
    assert [m for m, s in statuses.items() if s == statistics.LECTURE_MISSING] == [4, 5, 6, 7, 8, 9]
    assert statuses[10] == statuses[11] == statistics.LECTURE_HELD
    assert statuses[12] == statuses[3] == statistics.LECTURE_FUTURE
    early_december = statistics.program_statistics(world.a.hub, 2026, now=_at("2026-12-05 09:00"))
    assert _month(early_december, 12).lecture_status == statistics.LECTURE_PENDING
    after_it = statistics.program_statistics(world.a.hub, 2026, now=_at("2026-12-10 10:00"))
    assert _month(after_it, 12).lecture_status == statistics.LECTURE_HELD


def test_breakdowns_by_category_and_program(world, year):
    stats = statistics.program_statistics(world.a.hub, 2026)
    categories = {row.key: row.figures for row in stats.categories}
    assert list(categories) == [
        ProgramCategory.FATHERS,
        ProgramCategory.OUTREACH,
        ProgramCategory.CLASS,
    ]
    assert categories[ProgramCategory.FATHERS].families == 1
    assert categories[ProgramCategory.OUTREACH].people == 11
    assert categories[ProgramCategory.CLASS].fill_rate == 100.0
    assert [row.label for row in stats.programs] == [
        "出張ひろば",
        "パパの会",
        "離乳食教室",
        "クリスマス会",
    ]
    fathers = next(row for row in stats.programs if row.label == "パパの会")
    assert fathers.first_day.isoformat() == "2026-10-28"
    assert fathers.figures.sessions == 2


def test_fiscal_year_edges(world, year):
    previous = statistics.program_statistics(world.a.hub, 2025)
    assert previous.total.sessions == 1
    assert _month(previous, 3).figures.sessions == 1
    assert statistics.program_statistics(world.b.hub, 2026).total.sessions == 1


# -- the page ------------------------------------------------------------------------------------
def _get(client, user, name="statistics", **params):
    client.force_login(user)
    return client.get(reverse(f"programs:{name}"), params)


def test_the_page_shows_aggregates_without_names(client, world, year):
    for role in (Role.HUB_STAFF, Role.HUB_MANAGER, Role.WARD_OFFICIAL, Role.CITY_ADMIN):
        response = _get(client, world.a.person(role), fy="2026")
        assert response.status_code == 200, role
        text = response.content.decode()
        assert response.context["stats"].total.sessions == 4
        assert "離乳食教室" in text and "80.0" in text
        for secret in SECRETS:
            assert secret not in text


def test_roles_without_statistics_are_refused(client, world):
    for role in (Role.VOLUNTEER, Role.KOSAPO_COORDINATOR):
        assert _get(client, world.a.person(role)).status_code == 403
        assert _get(client, world.a.person(role), "statistics-export").status_code == 403


def test_a_bad_year_is_explained_and_the_current_year_shown(client, world, english):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _get(client, world.a.person(Role.HUB_STAFF), fy="2099")
    assert response.status_code == 200
    assert "Choose a fiscal year up to next year." in response.content.decode()
    assert response.context["stats"].fiscal_year == 2026
    wareki = _get(client, world.a.person(Role.HUB_STAFF), fy="R7")
    assert wareki.context["stats"].fiscal_year == 2025
    wide = _get(client, world.a.person(Role.HUB_STAFF), fy="２０２５年度")
    assert wide.context["stats"].fiscal_year == 2025


def test_months_without_a_lecture_are_named_on_the_page(client, world, year):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _get(client, world.a.person(Role.HUB_STAFF), fy="2026").content.decode()
    assert "at least one lecture" in text
    assert text.count("No lecture this month") == 6


def _queries(client, user) -> int:
    client.force_login(user)
    url = reverse("programs:statistics")
    client.get(url, {"fy": "2026"})  # warm up: session, sign-in bookkeeping
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {"fy": "2026"}).status_code == 200
    return len(captured)


def test_the_page_runs_a_fixed_number_of_queries(client, world):
    manager = world.a.person(Role.HUB_MANAGER)
    hub = world.a.hub
    with time_machine.travel(_at("2026-04-01 10:00"), tick=False):
        first = program(hub, starts_at=_at("2026-10-05 10:00"))
        _apply(first, _families(hub, 1)[0])
    small = _queries(client, manager)
    with time_machine.travel(_at("2026-04-01 10:00"), tick=False):
        for n in range(6):
            prog = program(hub, title=f"講座{n}", starts_at=_at(f"2026-{5 + n:02d}-10 10:00"),
                           sessions=2, capacity_families=2,
                           category=list(ProgramCategory)[n])  # fmt: skip
            entries = [_apply(prog, h) for h in _families(hub, 3, start=10 * (n + 1))]
            for session in prog.sessions.all():
                services.record_attendance(session, entries[0], "attended", actor=None)
                services.record_walk_ins(session, 1, 3, actor=None)
    assert _queries(client, manager) == small


# -- downloads -----------------------------------------------------------------------------------
@pytest.fixture
def evil(world, year):
    with time_machine.travel(_at("2026-10-01 10:00"), tick=False):
        return program(world.a.hub, title=EVIL, starts_at=_at("2026-11-10 10:00"))


def test_xlsx_has_a_sheet_per_table_with_numbers(client, world, evil):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _get(client, world.a.person(Role.HUB_MANAGER), "statistics-export",
                    fy="2026", format="xlsx")  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Report", "By month", "By category", "By program"]
    months = book["By month"]
    assert [c.value for c in months[1]][:3] == ["Month", "Sessions held", "Lectures held"]
    assert all(cell.font.bold for cell in months[1])
    total = [c.value for c in months[months.max_row]]
    assert total[0] == "Total" and total[1] == 5 and isinstance(total[1], int)
    october = [c.value for c in months[8]]
    assert october[-1] == "Held" and [c.value for c in months[2]][-1] == "No lecture this month"
    programs = book["By program"]
    cell = next(row[0] for row in programs.iter_rows(min_row=2) if row[0].value == EVIL)
    assert cell.data_type == "s"
    assert programs["C2"].number_format == "yyyy-mm-dd"


def test_csv_has_a_bom_escapes_formulas_and_no_names(client, world, evil):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _get(client, world.a.person(Role.WARD_OFFICIAL), "statistics-export",
                    fy="2026", format="csv")  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Program statistics"]
    assert ["By month"] in rows and ["By category"] in rows and ["By program"] in rows
    assert any(row and row[0] == "'" + EVIL for row in rows)
    assert not any(row and row[0] == EVIL for row in rows)
    for secret in SECRETS:
        assert secret not in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="hiroba-programs-2026.csv"')
    name = unquote(disposition.split("filename*=UTF-8''", 1)[1])
    assert world.a.hub.name in name and name.endswith("_2026.csv")


@pytest.mark.parametrize("params", [{"format": "pdf", "fy": "2026"}, {"format": "csv", "fy": "x"},
                                    {"fy": "2026"}, {"format": "csv", "fy": "2099"}])  # fmt: skip
def test_bad_download_parameters_are_refused(client, world, params):
    response = _get(client, world.a.person(Role.HUB_MANAGER), "statistics-export", **params)
    assert response.status_code == 400
