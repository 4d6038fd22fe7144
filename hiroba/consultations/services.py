"""All writes to consultation records: atomic, audited, actor keyword-only.

Audit payloads name fields and ids, never the content (ASVS 16.2.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.consultations import alerts
from hiroba.consultations.access import BREAK_GLASS_MINUTES, content_basis, may_break_glass
from hiroba.consultations.choices import (
    DEFAULT_TOPICS,
    REFERRAL_TRANSITIONS,
    ReferralStatus,
)
from hiroba.consultations.errors import ConsultationError
from hiroba.consultations.models import (
    AccessReview,
    Agency,
    BreakGlassOpening,
    Consultation,
    ConsultationNote,
    ConsultationTopic,
    Referral,
    ReferralEvent,
)
from hiroba.consultations.permissions import RECORD_CONSULTATIONS
from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES
from hiroba.families.queries import registry_hub_id
from hiroba.lib.fiscal import fiscal_year_of

CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class ConsultationData:
    happened_at: datetime
    channel: str
    caregiver: str
    outcome: str
    topics: list[ConsultationTopic] = field(default_factory=list)
    summary: str = ""
    duration_minutes: int | None = None
    household: object | None = None
    expecting: bool = False
    child_ages: list[int] = field(default_factory=list)
    needs_care: bool = False
    follow_up_on: date | None = None
    assigned_staff: list = field(default_factory=list)


_PLAIN_FIELDS = (
    "happened_at",
    "channel",
    "caregiver",
    "outcome",
    "summary",
    "duration_minutes",
    "household",
    "expecting",
    "child_ages",
    "needs_care",
    "follow_up_on",
)


# -- case numbers -------------------------------------------------------------------------------
_NEXT_NUMBER_SQL = (
    "INSERT INTO consultations_casecounter (hub_id, fiscal_year, last_number) VALUES (%s, %s, 1) "
    "ON CONFLICT (hub_id, fiscal_year) DO UPDATE "
    "SET last_number = consultations_casecounter.last_number + 1 RETURNING last_number"
)


def next_case_number(hub_id: int, fiscal_year: int) -> int:
    """Take the next number in one statement, inside the caller's transaction.

    The row lock the upsert takes is held until commit, so a concurrent taker waits and then
    reads the bumped value (no duplicates); a rollback undoes the bump with the insert that
    used it (no gaps). SQLite serialises writers anyway (IMMEDIATE transactions).
    """
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_NUMBER_SQL, [hub_id, fiscal_year])
        return cursor.fetchone()[0]


# -- consultations ------------------------------------------------------------------------------
def _check(hub: Hub, data: ConsultationData) -> None:
    if data.happened_at > timezone.now() + CLOCK_SKEW:
        raise ConsultationError("in_future")
    day = timezone.localtime(data.happened_at).date()
    if data.follow_up_on is not None and data.follow_up_on < day:
        raise ConsultationError("follow_up_before")
    city_id = hub.ward.municipality_id
    if any(topic.municipality_id != city_id for topic in data.topics):
        raise ConsultationError("topic_elsewhere")
    household = data.household
    if household is not None and (
        household.hub_id != registry_hub_id(hub)
        or household.status not in CURRENT_HOUSEHOLD_STATUSES
    ):
        raise ConsultationError("household_elsewhere")
    for user in data.assigned_staff:
        if not scope_for(user).can(RECORD_CONSULTATIONS, hub_id=hub.pk):
            raise ConsultationError("staff_elsewhere")


@transaction.atomic
def record_consultation(hub: Hub, data: ConsultationData, *, actor) -> Consultation:
    _check(hub, data)
    fiscal_year = fiscal_year_of(timezone.localtime(data.happened_at).date())
    now = timezone.now()
    consultation = Consultation(
        hub=hub,
        fiscal_year=fiscal_year,
        case_number=next_case_number(hub.pk, fiscal_year),
        author=actor,
        created_at=now,
        updated_at=now,
        **{name: getattr(data, name) for name in _PLAIN_FIELDS},
    )
    consultation.save()
    consultation.topics.set(data.topics)
    consultation.assigned_staff.set(data.assigned_staff)
    audit.record(
        "consultations.consultation.recorded",
        actor=actor,
        obj=consultation,
        payload={"case": consultation.reference, "channel": data.channel},
    )
    return consultation


@transaction.atomic
def update_consultation(
    consultation: Consultation, data: ConsultationData, *, revision: int, actor
) -> Consultation:
    """Save an edit made on ``revision``; refuses it if the record changed meanwhile."""
    _check(consultation.hub, data)
    if fiscal_year_of(timezone.localtime(data.happened_at).date()) != consultation.fiscal_year:
        raise ConsultationError("other_fiscal_year")  # the case number belongs to its year
    changed = [n for n in _PLAIN_FIELDS if getattr(consultation, n) != getattr(data, n)]
    if set(consultation.topics.all()) != set(data.topics):
        changed.append("topics")
    if set(consultation.assigned_staff.all()) != set(data.assigned_staff):
        changed.append("assigned_staff")
    values = {name: getattr(data, name) for name in _PLAIN_FIELDS}
    if data.follow_up_on != consultation.follow_up_on:
        values["follow_up_done_at"] = None  # a new follow-up date is a follow-up to do
    now = timezone.now()
    # Compare-and-set on the revision: a second editor working on the same copy loses cleanly.
    updated = Consultation.objects.filter(pk=consultation.pk, revision=revision).update(
        **values, updated_at=now, revision=revision + 1
    )
    if not updated:
        raise ConsultationError("stale")
    consultation.refresh_from_db()
    consultation.topics.set(data.topics)
    consultation.assigned_staff.set(data.assigned_staff)
    audit.record(
        "consultations.consultation.updated",
        actor=actor,
        obj=consultation,
        # Which fields changed would say e.g. that the 要配慮 flag was set: counts only.
        payload={"case": consultation.reference, "changed": len(changed)},
    )
    return consultation


@transaction.atomic
def add_note(consultation: Consultation, text: str, *, actor) -> ConsultationNote:
    if not text.strip():
        raise ConsultationError("note_empty")
    note = ConsultationNote.objects.create(consultation=consultation, author=actor, text=text)
    audit.record(
        "consultations.note.added",
        actor=actor,
        obj=consultation,
        payload={"case": consultation.reference, "note": note.pk},
    )
    return note


@transaction.atomic
def complete_follow_up(consultation: Consultation, *, actor) -> Consultation:
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.has_open_follow_up:
        raise ConsultationError("no_follow_up")
    locked.follow_up_done_at = timezone.now()
    locked.save(update_fields=["follow_up_done_at"])
    audit.record(
        "consultations.follow_up.completed",
        actor=actor,
        obj=locked,
        payload={"case": locked.reference},
    )
    return locked


# -- reads of the content -----------------------------------------------------------------------
def record_content_read(
    consultation: Consultation, *, basis: str, parts: tuple[str, ...], actor
) -> None:
    """Write the audit row of a read before the content is sent (S3). Runs in its own
    transaction (autocommit or the caller's) so a failed write means no page."""
    with transaction.atomic():
        audit.record_view(
            consultation,
            actor=actor,
            fields=parts,
            extra={"case": consultation.reference, "basis": basis},
        )


def record_list_read(hub: Hub, consultation_ids: list[int], *, actor) -> None:
    """A list showing topics of readable records is a read of those records' content too."""
    if not consultation_ids:
        return
    with transaction.atomic():
        audit.record(
            "consultations.consultation.listed",
            actor=actor,
            hub=hub,
            payload={"ids": consultation_ids, "fields": ["topics"]},
        )


def record_reasons_read(hub: Hub, opening_ids: set[int], *, actor) -> None:
    if not opening_ids:
        return
    with transaction.atomic():
        audit.record(
            "consultations.break_glass.reasons_viewed",
            actor=actor,
            hub=hub,
            payload={"openings": sorted(opening_ids)},
        )


# -- break-glass --------------------------------------------------------------------------------
@transaction.atomic
def open_break_glass(
    consultation: Consultation, reason: str, *, actor, tell_managers: bool = True
) -> BreakGlassOpening:
    reason = reason.strip()
    if not reason:
        raise ConsultationError("reason_needed")
    # Locked so that a double submit opens once (the second finds the first opening).
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    if content_basis(actor, consultation) is not None:
        raise ConsultationError("not_needed")
    if not may_break_glass(actor, consultation):
        raise PermissionError("break-glass is not allowed here")
    now = timezone.now()
    opening = BreakGlassOpening.objects.create(
        consultation=consultation,
        hub=consultation.hub,
        user=actor,
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(minutes=BREAK_GLASS_MINUTES),
    )
    audit.record(
        "consultations.break_glass.opened",
        actor=actor,
        obj=consultation,
        payload={"case": consultation.reference, "opening": opening.pk},
    )
    if tell_managers:  # only the demo data turns this off (fictional people get no mail)
        transaction.on_commit(lambda: alerts.tell_managers_of_break_glass(opening.pk))
    return opening


@transaction.atomic
def acknowledge_break_glass(opening: BreakGlassOpening, *, actor) -> BreakGlassOpening:
    locked = BreakGlassOpening.objects.select_for_update().get(pk=opening.pk)
    if locked.acknowledged_at is not None:
        raise ConsultationError("already_acknowledged")
    locked.acknowledged_by = actor
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record(
        "consultations.break_glass.acknowledged",
        actor=actor,
        obj=locked.consultation,
        payload={"opening": locked.pk},
    )
    return locked


@transaction.atomic
def review_month(hub: Hub, month: date, note: str = "", *, actor) -> AccessReview:
    first = month.replace(day=1)
    if first >= timezone.localdate().replace(day=1):
        raise ConsultationError("month_not_over")
    Hub.objects.select_for_update().filter(pk=hub.pk).first()  # one sign-off at a time
    if AccessReview.objects.filter(hub=hub, month=first).exists():
        raise ConsultationError("already_reviewed")
    review = AccessReview.objects.create(hub=hub, month=first, reviewed_by=actor, note=note)
    audit.record(
        "consultations.access.reviewed",
        actor=actor,
        obj=review,
        hub=hub,
        payload={"month": first.isoformat()},
    )
    return review


# -- referrals ----------------------------------------------------------------------------------
@dataclass
class ReferralData:
    agency: Agency
    method: str
    reason: str
    consent_given: bool
    consent_method: str
    consent_given_at: datetime | None
    follow_up_on: date | None = None


@transaction.atomic
def refer(consultation: Consultation, data: ReferralData, *, actor) -> Referral:
    """Refer the family to an agency. Refused without recorded consent (Primero's rule)."""
    if not data.consent_given or data.consent_given_at is None or not data.consent_method:
        raise ConsultationError("no_consent")
    if data.consent_given_at > timezone.now() + CLOCK_SKEW:
        raise ConsultationError("consent_in_future")
    agency, hub = data.agency, consultation.hub
    if agency.municipality_id != hub.ward.municipality_id or agency.ward_id not in (
        None,
        hub.ward_id,
    ):
        raise ConsultationError("agency_elsewhere")
    if not agency.is_active:
        raise ConsultationError("agency_inactive")
    now = timezone.now()
    referral = Referral.objects.create(
        consultation=consultation,
        agency=agency,
        method=data.method,
        reason=data.reason,
        consent_method=data.consent_method,
        consent_given_at=data.consent_given_at,
        consent_recorded_by=actor,
        follow_up_on=data.follow_up_on,
        status=ReferralStatus.REQUESTED,
        status_changed_at=now,
        created_at=now,
        created_by=actor,
    )
    ReferralEvent.objects.create(referral=referral, status=referral.status, at=now, by=actor)
    audit.record(
        "consultations.referral.made",
        actor=actor,
        obj=consultation,
        # No agency, status or consent details: the audit log is read by people without
        # consultation access, and the agency alone can say why (e.g. 児童相談所).
        payload={"case": consultation.reference, "referral": referral.pk},
    )
    return referral


@transaction.atomic
def move_referral(
    referral: Referral,
    status: str,
    *,
    note: str = "",
    feedback: str | None = None,
    follow_up_on: date | None = None,
    actor,
) -> Referral:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in REFERRAL_TRANSITIONS.get(locked.status, frozenset()):
        raise ConsultationError("bad_transition")
    now = timezone.now()
    locked.status, locked.status_changed_at = status, now
    fields = ["status", "status_changed_at"]
    if feedback is not None:
        locked.feedback = feedback
        fields.append("feedback")
    if follow_up_on is not None or status in (ReferralStatus.DONE, ReferralStatus.DECLINED):
        locked.follow_up_on = follow_up_on
        fields.append("follow_up_on")
    locked.save(update_fields=fields)
    ReferralEvent.objects.create(referral=locked, status=status, at=now, by=actor, note=note)
    audit.record(
        "consultations.referral.moved",
        actor=actor,
        obj=locked.consultation,
        payload={"referral": locked.pk},
    )
    return locked


# -- lists kept by the city ---------------------------------------------------------------------
def ensure_default_topics(municipality) -> int:
    """Give a city the default topic list if it has none yet; returns how many were made."""
    if ConsultationTopic.objects.filter(municipality=municipality).exists():
        return 0
    topics = [
        ConsultationTopic(municipality=municipality, code=code, label=label, order=index * 10)
        for index, (code, label) in enumerate(DEFAULT_TOPICS, start=1)
    ]
    ConsultationTopic.objects.bulk_create(topics, ignore_conflicts=True)
    return len(topics)


AGENCY_FIELDS = ("kind", "name", "contact_person", "phone", "email", "ward", "is_active")


@transaction.atomic
def save_agency(agency: Agency | None, values: dict, *, municipality, actor) -> Agency:
    created = agency is None
    agency = agency or Agency(municipality=municipality)
    changed = [name for name in AGENCY_FIELDS if getattr(agency, name, None) != values.get(name)]
    for name in AGENCY_FIELDS:
        setattr(agency, name, values.get(name, getattr(agency, name)))
    agency.save()
    audit.record(
        "consultations.agency.created" if created else "consultations.agency.updated",
        actor=actor,
        obj=agency,
        ward=agency.ward,
        payload={"fields": sorted(changed)},
    )
    return agency
