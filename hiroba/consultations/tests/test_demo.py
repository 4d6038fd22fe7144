"""The demo consultations: numbered without gaps, encrypted, with referrals, follow-ups due
this week and a break-glass opening waiting for the manager."""

from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from hiroba.consultations.choices import Channel
from hiroba.consultations.demo import RECORDS
from hiroba.consultations.models import BreakGlassOpening, Consultation, Referral
from hiroba.testing.plugin import DEMO_CONSULTATIONS

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-11-20T13:00:00+09:00", tick=False)
def test_the_demo_hub_has_consultation_records(django_capture_on_commit_callbacks, demo_steps):
    demo_steps(*DEMO_CONSULTATIONS)
    with django_capture_on_commit_callbacks() as callbacks:
        call_command("seed_demo", "--quiet-logins")
    assert callbacks == []  # fictional people: no alert e-mail is queued
    records = Consultation.objects.all()
    assert records.exclude(channel=Channel.INDIVIDUAL).count() == RECORDS  # + user support
    for fiscal_year in set(records.values_list("fiscal_year", flat=True)):
        numbers = sorted(
            records.filter(fiscal_year=fiscal_year).values_list("case_number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))
    assert records.filter(household__isnull=False).exists()
    assert records.filter(household__isnull=True).exists()
    assert records.open_follow_ups().exists()
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert {"requested", "done"} <= statuses
    assert BreakGlassOpening.objects.filter(acknowledged_at__isnull=True).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM consultations_consultation")
        assert all(raw.startswith("hb1:") for (raw,) in cursor.fetchall())
