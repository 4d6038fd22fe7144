"""Consultation services: case numbers, validation, compare-and-set edits, consent-gated
referrals and their states, follow-ups, family hooks, encryption at rest."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.consultations import services
from hiroba.consultations.choices import DEFAULT_TOPICS, ReferralStatus
from hiroba.consultations.errors import ConsultationError
from hiroba.consultations.models import (
    Consultation,
    ConsultationTopic,
    Referral,
    ReferralEvent,
)
from hiroba.consultations.tests.factories import (
    CANARY,
    agency,
    consultation,
    referral_data,
    topics,
)
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory, MunicipalityFactory
from hiroba.families import merging
from hiroba.families.services import anonymise_household
from hiroba.families.tests.factories import family

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def manager(world):
    return world.a.person(Role.HUB_MANAGER)


def test_a_new_city_gets_the_default_topic_list():
    city = MunicipalityFactory()
    codes = list(ConsultationTopic.objects.filter(municipality=city).values_list("code", flat=True))
    assert codes == [code for code, _label in DEFAULT_TOPICS]


def test_case_numbers_run_per_hub_and_fiscal_year(world, manager):
    hub = world.a.hub
    march = datetime(2026, 3, 31, 15, 0, tzinfo=TOKYO)
    april = datetime(2026, 4, 1, 9, 0, tzinfo=TOKYO)
    numbers = [
        (c.fiscal_year, c.case_number)
        for c in [
            consultation(hub, actor=manager, happened_at=march),
            consultation(hub, actor=manager, happened_at=march),
            consultation(hub, actor=manager, happened_at=april),
            consultation(world.a.satellite, actor=manager, happened_at=april),
            consultation(hub, actor=manager, happened_at=april),
        ]
    ]
    assert numbers == [(2025, 1), (2025, 2), (2026, 1), (2026, 1), (2026, 2)]
    assert Consultation.objects.get(hub=hub, fiscal_year=2026, case_number=2).reference == (
        "R8年度-0002"
    )


def test_a_refused_record_takes_no_number(world, manager):
    hub = world.a.hub
    consultation(hub, actor=manager)
    with pytest.raises(ConsultationError) as refused:
        consultation(hub, actor=manager, topics=topics(world.b.hub))
    assert refused.value.code == "topic_elsewhere"
    assert consultation(hub, actor=manager).case_number == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"happened_at": timezone.now() + timedelta(hours=1)}, "in_future"),
        ({"follow_up_on": timezone.localdate() - timedelta(days=3)}, "follow_up_before"),
    ],
)
def test_impossible_dates_are_refused(world, manager, change, code):
    with pytest.raises(ConsultationError) as refused:
        consultation(world.a.hub, actor=manager, **change)
    assert refused.value.code == code
    assert not Consultation.objects.exists()


def test_families_and_staff_of_other_hubs_cannot_be_linked(world, manager):
    with pytest.raises(ConsultationError) as refused:
        consultation(world.a.hub, actor=manager, household=family(world.b.hub))
    assert refused.value.code == "household_elsewhere"
    with pytest.raises(ConsultationError) as refused:
        consultation(world.a.hub, actor=manager, assigned=[world.b.person(Role.HUB_STAFF)])
    assert refused.value.code == "staff_elsewhere"
    volunteer = world.a.person(Role.VOLUNTEER)  # no consultation access at all
    with pytest.raises(ConsultationError):
        consultation(world.a.hub, actor=manager, assigned=[volunteer])


def test_a_satellite_links_families_of_its_main_hubs_registry(world, manager):
    household = family(world.a.hub)
    record = consultation(world.a.satellite, actor=manager, household=household)
    assert record.household == household


def _data_of(record, **changes):
    values = {
        "happened_at": record.happened_at,
        "channel": record.channel,
        "caregiver": record.caregiver,
        "outcome": record.outcome,
        "topics": list(record.topics.all()),
        "summary": record.summary,
    }
    values.update(changes)
    return services.ConsultationData(**values)


def test_an_edit_made_on_an_old_copy_is_refused_not_lost(world, manager):
    record = consultation(world.a.hub, actor=manager)
    first = services.update_consultation(
        record, _data_of(record, summary="一人目の編集"), revision=1, actor=manager
    )
    assert first.revision == 2
    with pytest.raises(ConsultationError) as refused:
        services.update_consultation(
            record, _data_of(record, summary="二人目の編集"), revision=1, actor=manager
        )
    assert refused.value.code == "stale"
    assert Consultation.objects.get(pk=record.pk).summary == "一人目の編集"
    row = AuditLog.objects.filter(action="consultations.consultation.updated").get()
    assert row.payload == {"case": record.reference, "changed": 1}  # not which: 要配慮 would show


def test_a_new_follow_up_date_reopens_the_follow_up(world, manager):
    today = timezone.localdate()
    record = consultation(world.a.hub, actor=manager, follow_up_on=today)
    services.complete_follow_up(record, actor=manager)
    record.refresh_from_db()
    later = today + timedelta(days=7)
    services.update_consultation(
        record, _data_of(record, follow_up_on=later), revision=record.revision, actor=manager
    )
    assert Consultation.objects.open_follow_ups().get().follow_up_on == later


def test_an_edit_cannot_move_a_record_to_another_fiscal_year(world, manager):
    april = datetime(2026, 4, 2, 10, 0, tzinfo=TOKYO)
    record = consultation(world.a.hub, actor=manager, happened_at=april)
    march = datetime(2026, 3, 30, 10, 0, tzinfo=TOKYO)
    with pytest.raises(ConsultationError) as refused:
        services.update_consultation(
            record, _data_of(record, happened_at=march), revision=1, actor=manager
        )
    assert refused.value.code == "other_fiscal_year"


def test_a_merged_card_cannot_be_linked(world, manager):
    kept, merged = family(world.a.hub), family(world.a.hub)
    merging.merge_households(kept, merged, actor=manager)
    merged.refresh_from_db()
    with pytest.raises(ConsultationError) as refused:
        consultation(world.a.hub, actor=manager, household=merged)
    assert refused.value.code == "household_elsewhere"


def test_a_referral_needs_consent_and_saves_nothing_without_it(world, manager):
    record = consultation(world.a.hub, actor=manager)
    for missing in ({"consent_given": False}, {"consent_given_at": None}, {"consent_method": ""}):
        with pytest.raises(ConsultationError) as refused:
            services.refer(record, referral_data(agency(world.a), **missing), actor=manager)
        assert refused.value.code == "no_consent"
    assert not Referral.objects.exists()
    assert not AuditLog.objects.filter(action="consultations.referral.made").exists()


def test_a_referral_records_who_took_consent_and_when(world, manager):
    record = consultation(world.a.hub, actor=manager)
    given = timezone.now() - timedelta(minutes=10)
    referral = services.refer(
        record, referral_data(agency(world.a), consent_given_at=given), actor=manager
    )
    assert (referral.consent_recorded_by, referral.consent_given_at) == (manager, given)
    assert referral.status == ReferralStatus.REQUESTED
    made = AuditLog.objects.get(action="consultations.referral.made")
    # The audit log is read by people without consultation access: ids only, no agency.
    assert made.payload == {"case": record.reference, "referral": referral.pk}


def test_referrals_go_only_to_agencies_of_the_ward_or_city(world, manager):
    record = consultation(world.a.hub, actor=manager)
    with pytest.raises(ConsultationError) as refused:
        services.refer(record, referral_data(agency(world.b)), actor=manager)
    assert refused.value.code == "agency_elsewhere"
    other_ward = HubFactory(ward__municipality=world.a.municipality)
    with pytest.raises(ConsultationError):
        services.refer(record, referral_data(agency(other_ward)), actor=manager)
    city_wide = agency(world.a, ward=None, name="児童相談所")
    assert services.refer(record, referral_data(city_wide), actor=manager).agency == city_wide
    closed = agency(world.a, is_active=False)
    with pytest.raises(ConsultationError) as refused:
        services.refer(record, referral_data(closed), actor=manager)
    assert refused.value.code == "agency_inactive"


def test_referral_states_follow_the_agreed_path(world, manager):
    record = consultation(world.a.hub, actor=manager)
    referral = services.refer(record, referral_data(agency(world.a)), actor=manager)
    with pytest.raises(ConsultationError):
        services.move_referral(referral, ReferralStatus.DONE, actor=manager)
    services.move_referral(referral, ReferralStatus.ACCEPTED, note="受理", actor=manager)
    services.move_referral(referral, ReferralStatus.DONE, feedback="訪問済み", actor=manager)
    with pytest.raises(ConsultationError):
        services.move_referral(referral, ReferralStatus.IN_PROGRESS, actor=manager)
    referral.refresh_from_db()
    assert (referral.status, referral.feedback) == (ReferralStatus.DONE, "訪問済み")
    steps = list(ReferralEvent.objects.filter(referral=referral).values_list("status", flat=True))
    assert steps == ["requested", "accepted", "done"]


def test_a_follow_up_is_completed_once(world, manager):
    record = consultation(
        world.a.hub, actor=manager, follow_up_on=timezone.localdate() + timedelta(days=2)
    )
    assert Consultation.objects.open_follow_ups().get() == record
    services.complete_follow_up(record, actor=manager)
    assert not Consultation.objects.open_follow_ups().exists()
    with pytest.raises(ConsultationError):
        services.complete_follow_up(record, actor=manager)


def test_records_follow_a_merged_card_and_are_unlinked_on_anonymising(world, manager):
    kept, merged = family(world.a.hub), family(world.a.hub)
    record = consultation(world.a.hub, actor=manager, household=merged)
    merging.merge_households(kept, merged, actor=manager)
    record.refresh_from_db()
    assert record.household == kept
    anonymise_household(kept, actor=manager)
    record.refresh_from_db()
    assert record.household is None and record.summary == CANARY  # the record itself stays


@pytest.mark.django_db(transaction=True)  # VACUUM INTO cannot run inside a transaction
def test_text_is_encrypted_at_rest_and_the_canary_is_in_no_dump(world, manager, tmp_path):
    record = consultation(world.a.hub, actor=manager)
    services.add_note(record, f"経過: {CANARY}", actor=manager)
    services.refer(record, referral_data(agency(world.a), reason=CANARY), actor=manager)
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM consultations_consultation")
        (raw,) = cursor.fetchone()
    assert raw.startswith("hb1:") and CANARY not in raw
    assert Consultation.objects.get().summary == CANARY  # and it reads back
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:  # a copy of the whole database
            cursor.execute("VACUUM INTO %s", [str(copy)])
        assert b"hb1:" in copy.read_bytes() and CANARY.encode() not in copy.read_bytes()
        dump = "\n".join(sqlite3.connect(copy).iterdump())
        assert "hb1:" in dump and CANARY not in dump


def test_notes_need_text(world, manager):
    record = consultation(world.a.hub, actor=manager)
    with pytest.raises(ConsultationError):
        services.add_note(record, "  \n ", actor=manager)


def test_months_are_signed_off_once_they_are_over(world, manager):
    hub = world.a.hub
    with time_machine.travel(datetime(2026, 11, 21, 10, 0, tzinfo=TOKYO), tick=False):
        with pytest.raises(ConsultationError) as refused:
            services.review_month(hub, datetime(2026, 11, 1).date(), actor=manager)
        assert refused.value.code == "month_not_over"
        services.review_month(hub, datetime(2026, 10, 15).date(), actor=manager)
        with pytest.raises(ConsultationError) as refused:
            services.review_month(hub, datetime(2026, 10, 1).date(), actor=manager)
        assert refused.value.code == "already_reviewed"


def test_rotation_re_encrypts_consultation_text(world, manager, settings):
    consultation(world.a.hub, actor=manager)
    old = list(settings.HIROBA_FIELD_KEYS)
    settings.HIROBA_FIELD_KEYS = [("new1", bytes(range(32))), *old]
    call_command("rotate_field_keys")
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM consultations_consultation")
        (raw,) = cursor.fetchone()
    assert raw.startswith("hb1:new1:")
    settings.HIROBA_FIELD_KEYS = [("new1", bytes(range(32)))]
    assert Consultation.objects.get().summary == CANARY
