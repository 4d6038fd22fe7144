"""The demo programs: one of each kind at the demo hub, past ones with attendance, upcoming
ones with entries, a full one with a waiting list and an open offer, one lottery open and one
drawn; every program's counters agree with its entries; the same seed gives the same data.

Seeding takes seconds, so one test seeds twice (rolled back in between) and runs every check
on the first result."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from hiroba.core.models import Hub
from hiroba.families.choices import Language, Relation
from hiroba.programs import eligibility, lottery, queries, statistics
from hiroba.programs.choices import EntryStatus, ProgramStatus, SignupMode
from hiroba.programs.models import Attendance, Entry, LotteryDraw, Program
from hiroba.testing.plugin import DEMO_BASE

pytestmark = pytest.mark.django_db
NOW = "2026-11-20T13:00:00+09:00"
TITLES = {
    "離乳食教室",
    "プレパパ・プレママ教室",
    "父親の会",
    "0歳の集い",
    "二人目の会",
    "多胎の会",
    "出張ひろば",
    "助産師相談日",
    "子サポ入会説明会",
    "やさしい日本語の会",
}


def _check_every_program_passes_the_invariant_checks():
    programs = list(Program.objects.all())
    assert len(programs) > 40
    for program in programs:
        assert queries.invariant_violations(program).ok, program


def _check_the_hub_runs_one_of_each_kind_coming_up(demo):
    upcoming = Program.objects.filter(hub=demo, first_starts_at__gt=timezone.now())
    assert {p.title for p in upcoming} == TITLES
    assert all(p.status == ProgramStatus.PUBLISHED for p in upcoming)
    assert upcoming.get(title="父親の会").requires_father
    assert upcoming.get(title="子サポ入会説明会").requires_child is False
    assert upcoming.get(title="やさしい日本語の会").language == Language.EASY_JAPANESE
    baby = upcoming.get(title="0歳の集い")
    assert (baby.min_age_months, baby.max_age_months) == (0, 11)
    assert upcoming.get(title="出張ひろば").signup_mode == SignupMode.DROP_IN
    satellite = Program.objects.filter(hub__parent=demo, first_starts_at__gt=timezone.now())
    assert satellite.count() >= 2


def _check_entries_respect_each_programs_rules():
    entries = Entry.objects.select_related("program__hub__ward", "household").prefetch_related(
        "members", "household__members"
    )
    assert entries.count() > 150
    for entry in entries:
        members = list(entry.members.all())
        assert eligibility.problems(entry.program, entry.household, members) == []
        if entry.program.requires_father:
            assert any(m.relation == Relation.FATHER for m in members)
        if not entry.program.requires_child:
            assert entry.children == 0


def _check_a_full_program_has_a_waiting_list_and_an_open_offer():
    offer = Entry.objects.get(status=EntryStatus.OFFERED)
    assert offer.offer_expires_at > timezone.now()
    program = offer.program
    assert program.title == "助産師相談日"
    assert program.taken_families == program.capacity_families
    assert program.waitlisted_families >= 1
    assert Entry.objects.filter(program=program, status=EntryStatus.CANCELLED).count() == 1


def _check_one_lottery_is_drawn_and_one_still_open(demo):
    lotteries = Program.objects.filter(hub=demo, signup_mode=SignupMode.LOTTERY)
    drawn, pending = lotteries.filter(drawn_at__isnull=False), lotteries.filter(drawn_at=None)
    assert drawn.count() == 1 and pending.count() == 1
    draw = LotteryDraw.objects.get(program=drawn.get())
    assert lottery.verify(draw.seed, draw.applicants, draw.order)
    assert draw.confirmed >= 1
    assert not Entry.objects.filter(program=drawn.get(), status=EntryStatus.APPLIED).exists()
    open_one = pending.get()
    assert open_one.closes_at > timezone.now()
    assert Entry.objects.filter(program=open_one, status=EntryStatus.APPLIED).exists()


def _check_past_programs_have_attendance_and_the_statistics_read_them(demo):
    past = Program.objects.filter(hub=demo, last_ends_at__lt=timezone.now())
    assert past.count() > 25
    marks = set(Attendance.objects.values_list("status", flat=True))
    assert marks == {"attended", "absent", "excused"}
    stats = statistics.program_statistics(demo, 2026)
    assert stats.total.families > 100
    assert stats.total.fill_rate is not None
    assert stats.total.waiting_at_start >= 1
    flagged = [m.month for m in stats.months_without_lecture]
    assert flagged == [date(2026, 8, 1)]  # the summer break


def _digest() -> str:
    rows = Entry.objects.order_by("pk").values_list(
        "program__title",
        "program__first_starts_at",
        "household__card_number",
        "status",
        "adults",
        "children",
        "waitlist_seq",
        "offer_expires_at",
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_seed_demo_programs_are_realistic_consistent_and_deterministic(
    db, django_capture_on_commit_callbacks, demo_steps
):
    demo_steps(*DEMO_BASE, "programs.schedule")  # the visit history plays no part here
    digests = []
    with time_machine.travel(NOW, tick=False):
        for run in range(2):
            with transaction.atomic():
                with django_capture_on_commit_callbacks() as messages:
                    call_command("seed_demo", "--quiet-logins")
                assert messages == []  # fictional families: no e-mail is queued
                if run == 0:
                    demo = Hub.objects.get(parent__isnull=True)
                    _check_every_program_passes_the_invariant_checks()
                    _check_the_hub_runs_one_of_each_kind_coming_up(demo)
                    _check_entries_respect_each_programs_rules()
                    _check_a_full_program_has_a_waiting_list_and_an_open_offer()
                    _check_one_lottery_is_drawn_and_one_still_open(demo)
                    _check_past_programs_have_attendance_and_the_statistics_read_them(demo)
                digests.append(_digest())
                transaction.set_rollback(True)
    assert digests[0] == digests[1]
