"""Importing past day tallies: formats, lenient venue names, every bad cell, idempotency,
conflicts with corrected files and with recorded visits, all-or-nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import VenueFactory
from hiroba.visits import imports, services
from hiroba.visits.choices import VisitKind
from hiroba.visits.models import Visit, VisitMonth
from hiroba.visits.services import Counts

pytestmark = pytest.mark.django_db
HEADER = "日付,会場,組数,大人,父親,祖父母,妊婦,0歳,1歳,2歳,3歳以上,初来館"
ROWS = [
    "R5.4.3,ひろば（本体）,12,13,2,1,0,5,4,3,1,2",
    "令和5年4月4日,ひろば(本体),10,10,0,0,1,4,4,2,0,0",
    "2023/4/5,髙島サテライト,5,5,1,0,0,2,2,1,0,1",
    "２０２３／４／６,ひろば （本体）,８,９,,,,３,３,２,１,",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-11-20T12:00:00+09:00", tick=False):
        yield


@pytest.fixture
def venues(world):
    main = VenueFactory(hub=world.a.hub, name="ひろば（本体）")
    satellite = VenueFactory(hub=world.a.satellite, name="髙島サテライト", is_active=False)
    VenueFactory(hub=world.b.hub, name="よその会場")
    return main, satellite


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return client


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _csv(*rows, header=HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def _upload(client, content, name="tally.csv", replace=False):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    data = {"file": upload, **({"replace": "on"} if replace else {})}
    return client.post(reverse("visits:tally-import"), data)


def _confirm(client, response):
    token = response.context["token"]
    return client.post(reverse("visits:tally-import-confirm"), {"token": token})


def _totals():
    return Visit.objects.aggregate(pairs=Sum("pairs"), adults=Sum("adults"), c0=Sum("children_0"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_each_encoding_imports_the_days(world, venues, manager, encoding):
    main, satellite = venues
    response = _upload(manager, _csv(*ROWS).encode(encoding))
    plan = response.context["plan"]
    assert plan.errors == [] and len(plan.new) == 4
    assert not Visit.objects.exists()  # the preview writes nothing
    assert _confirm(manager, response).status_code == 302
    visits = {(v.venue, v.visited_on): v for v in Visit.objects.all()}
    assert set(visits) == {
        (main, date(2023, 4, 3)),
        (main, date(2023, 4, 4)),
        (satellite, date(2023, 4, 5)),  # closed since, but its past days still count
        (main, date(2023, 4, 6)),
    }
    first = visits[(main, date(2023, 4, 3))]
    assert (first.kind, first.source_key, first.recorded_by) == (
        VisitKind.TALLY,
        "import",
        world.a.person(Role.HUB_MANAGER),
    )
    assert (first.pairs, first.adults, first.fathers, first.grandparents) == (12, 13, 2, 1)
    assert (first.children_0, first.children_3, first.first_visits) == (5, 1, 2)
    full_width = visits[(main, date(2023, 4, 6))]
    assert (full_width.pairs, full_width.adults, full_width.fathers, full_width.children_3) == (
        8,
        9,
        0,
        1,
    )
    assert VisitMonth.objects.aggregate(p=Sum("pairs"))["p"] == 35  # the rollup follows
    log = AuditLog.objects.get(action="visits.tally.imported")
    assert log.payload["created"] == 4 and log.payload["from"] == "2023-04-03"


def test_an_excel_workbook_with_date_cells(world, venues, manager):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["令和5年度 日計表"])
    sheet.append(HEADER.split(","))
    sheet.append([datetime(2023, 4, 3), "ひろば（本体）", 12, 13, 2, 1, 0, 5, 4, 3, 1, 2])
    sheet.append([datetime(2023, 4, 4), "ひろば（本体）", 3.0, 3, None, None, None, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(manager, buffer.getvalue(), name="tally.xlsx")
    assert response.context["plan"].errors == []
    _confirm(manager, response)
    assert _totals() == {"pairs": 15, "adults": 16, "c0": 8}


def test_the_same_file_twice_counts_nothing_twice(world, venues, manager, english):
    content = _csv(*ROWS).encode()
    _confirm(manager, _upload(manager, content))
    again = _upload(manager, content)
    plan = again.context["plan"]
    assert (len(plan.new), len(plan.unchanged), plan.can_apply) == (0, 4, False)
    assert "already been imported" in again.content.decode()
    assert _totals() == {"pairs": 35, "adults": 37, "c0": 14}


def test_a_replayed_confirmation_counts_nothing_twice(world, venues, manager, english):
    response = _upload(manager, _csv(*ROWS).encode())
    _confirm(manager, response)
    page = _confirm(manager, response)
    assert page.status_code == 302  # every day is there with the same figures: nothing to do
    assert Visit.objects.count() == 4
    assert _totals()["pairs"] == 35


def test_a_corrected_file_is_a_conflict_unless_replace_is_chosen(world, venues, manager, english):
    _confirm(manager, _upload(manager, _csv(*ROWS).encode()))
    corrected = [ROWS[0].replace(",12,13,", ",14,15,"), *ROWS[1:]]
    response = _upload(manager, _csv(*corrected).encode())
    assert response.context["plan"].errors == [
        "Row 2, 日付: already imported with other figures (12 groups, 26 people)"
    ]
    assert _totals()["pairs"] == 35
    response = _upload(manager, _csv(*corrected).encode(), replace=True)
    plan = response.context["plan"]
    assert (len(plan.replaced), len(plan.unchanged), len(plan.new)) == (1, 3, 0)
    _confirm(manager, response)
    assert Visit.objects.count() == 4
    assert _totals()["pairs"] == 37
    assert VisitMonth.objects.aggregate(p=Sum("pairs"))["p"] == 37
    assert AuditLog.objects.filter(action="visits.visit.cancelled").count() == 1


def test_days_with_recorded_visits_are_conflicts(world, venues, manager, english):
    main, _satellite = venues
    services.record_tally(main, date(2023, 4, 4), Counts(adults=2, children_1=2), actor=None)
    response = _upload(manager, _csv(*ROWS).encode())
    assert response.context["plan"].errors == [
        "Row 3, 日付: 1 visits are already recorded at this venue on this day; the day's "
        "total would count them twice"
    ]


BAD_ROWS = [
    ("R5.4.31,ひろば（本体）,1,1,0,0,0,1,0,0,0,0", "Row 2, 日付:", "does not exist"),
    ("2027/1/1,ひろば（本体）,1,1,0,0,0,1,0,0,0,0", "Row 2, 日付:", "future"),
    ("R5.4.3,よその会場,1,1,0,0,0,1,0,0,0,0", "Row 2, 会場:", "not a venue of this hub"),
    ("R5.4.3,,1,1,0,0,0,1,0,0,0,0", "Row 2, 会場:", "empty"),
    ("R5.4.3,ひろば（本体）,1,-1,0,0,0,1,0,0,0,0", "Row 2, 大人:", "negative"),
    ("R5.4.3,ひろば（本体）,1,two,0,0,0,1,0,0,0,0", "Row 2, 大人:", "not a whole number"),
    ("R5.4.3,ひろば（本体）,1,1.5,0,0,0,1,0,0,0,0", "Row 2, 大人:", "not a whole number"),
    ("R5.4.3,ひろば（本体）,2,2,3,0,0,1,0,0,0,0", "Row 2, 父親:", "more than the adults"),
    ("R5.4.3,ひろば（本体）,2,2,0,3,0,1,0,0,0,0", "Row 2, 祖父母:", "more than the adults"),
    ("R5.4.3,ひろば（本体）,2,2,0,0,3,1,0,0,0,0", "Row 2, 妊婦:", "more than the adults"),
    ("R5.4.3,ひろば（本体）,3,2,0,0,0,1,0,0,0,0", "Row 2, 組数:", "more groups than adults"),
    ("R5.4.3,ひろば（本体）,0,2,0,0,0,1,0,0,0,0", "Row 2, 組数:", "at least 1"),
    ("R5.4.3,ひろば（本体）,1,1,0,0,0,1,0,0,0,2", "Row 2, 初来館:", "more than the groups"),
    ("R5.4.3,ひろば（本体）,1,0,0,0,0,0,0,0,0,0", "Row 2, 大人:", "at least one adult"),
    ("R5.4.3,ひろば（本体）,1,2001,0,0,0,1,0,0,0,0", "Row 2, 大人:", "too large"),
]


@pytest.mark.parametrize("case", BAD_ROWS, ids=lambda case: case[1] + case[2])
def test_each_bad_cell_is_reported_with_row_and_column(world, venues, manager, english, case):
    row, where, why = case
    response = _upload(manager, _csv(row).encode())
    errors = response.context["plan"].errors
    assert len(errors) == 1 and errors[0].startswith(where) and why in errors[0], errors
    assert response.context["token"] == ""
    assert not Visit.objects.exists()


def test_duplicate_days_in_the_file_and_one_bad_row_import_nothing(world, venues, manager, english):
    rows = [*ROWS, "2023-04-03,ひろば（本体）,1,1,0,0,0,1,0,0,0,0"]
    errors = _upload(manager, _csv(*rows).encode()).context["plan"].errors
    assert errors == ["Row 6, 日付: the same venue and date as row 2"]
    assert not Visit.objects.exists()


def test_closed_days_are_skipped_and_units_are_tolerated(world, venues, manager):
    rows = ["R5.4.1,ひろば（本体）,0,0,0,0,0,0,0,0,0,0", "R5.4.2,ひろば（本体）,,,,,,,,,,", ROWS[0]]
    rows.append("R5.4.7,ひろば（本体）,3組,4人,,,,2,,,,")
    plan = _upload(manager, _csv(*rows).encode()).context["plan"]
    assert (plan.empty_days, len(plan.new), plan.errors) == (2, 2, [])


def test_optional_columns_default_to_zero(world, venues, manager):
    response = _upload(
        manager, _csv("R5.4.3,ひろば（本体）,2,3", header="日付,会場,組数,大人").encode()
    )
    _confirm(manager, response)
    visit = Visit.objects.get()
    assert (visit.pairs, visit.adults, visit.children_0, visit.first_visits) == (2, 3, 0, 0)


def test_a_day_recorded_between_preview_and_confirm_rolls_everything_back(
    world, venues, manager, english
):
    main, _satellite = venues
    response = _upload(manager, _csv(*ROWS).encode())
    services.record_walk_in(main, Counts(adults=1, children_0=1), actor=None, on=date(2023, 4, 6))
    page = _confirm(manager, response)
    assert page.status_code == 200
    assert "Nothing was imported" in page.content.decode()
    assert Visit.objects.count() == 1  # only the walk-in
    assert not AuditLog.objects.filter(action="visits.tally.imported").exists()


def test_a_failure_while_recording_rolls_back_every_day(world, venues, manager, monkeypatch):
    response = _upload(manager, _csv(*ROWS).encode())
    real = imports.services.record_tally
    calls = []

    def fail_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise services.VisitError("too_many")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports.services, "record_tally", fail_on_third)
    assert _confirm(manager, response).status_code == 200
    assert not Visit.objects.exists() and not VisitMonth.objects.exists()


def test_file_problems_get_clear_messages(world, venues, manager, english):
    cases = [
        ("会場,大人\r\nひろば,1\r\n".encode(), "missing these columns: 日付, 組数"),
        (HEADER.encode() + b"\r\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "could not be read"),
    ]
    for content, message in cases:
        assert message in _upload(manager, content).content.decode()


def test_a_hub_without_venues_is_told_so(world, manager, english):
    response = _upload(manager, _csv(*ROWS).encode())
    assert response.context["plan"].errors == ["This hub has no venues yet. Add its venues first."]


def test_only_managers_may_import_and_only_at_their_hubs(world, venues, client):
    client.force_login(world.a.person(Role.HUB_STAFF))
    assert client.get(reverse("visits:tally-import")).status_code == 403
    client.force_login(world.b.person(Role.HUB_MANAGER))
    plan = _upload(client, _csv(*ROWS).encode()).context["plan"]
    assert all("not a venue" in e or "会場" in e for e in plan.errors)
    assert not Visit.objects.exists()


def test_a_preview_for_another_hub_is_refused(world, venues, client):
    VenueFactory(hub=world.b.hub, name="ひろば（本体）")
    client.force_login(world.b.person(Role.HUB_MANAGER))
    response = _upload(client, _csv(ROWS[0]).encode())
    client.force_login(world.a.person(Role.HUB_MANAGER))
    page = _confirm(client, response)
    assert page.url == reverse("visits:tally-import")
    assert not Visit.objects.exists()
