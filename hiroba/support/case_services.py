"""All writes to support cases and the 地域連携 log: atomic, audited, actor keyword-only.

Audit payloads hold ids and field-group names, never the text and never codes that say why
(a closure reason "handed over to the ward" or a service kind such as 産後ケア would): the
audit browser is read by people who may not read cases. A closed case takes no changes until
it is reopened, so what was closed stays as it was closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES
from hiroba.families.queries import registry_hub_id
from hiroba.support.choices import (
    CLOSING_REASONS,
    LINKAGE_TRANSITIONS,
    CaseStatus,
    ClosureReason,
    LinkageStatus,
)
from hiroba.support.errors import SupportError
from hiroba.support.models import CommunityActivity, Linkage, PlanItem, SupportCase
from hiroba.support.permissions import MANAGE_CASES

CLOCK_SKEW = timedelta(minutes=5)

CASE_PARTS = ("family", "needs", "topics", "plan", "linkages", "closure", "consultations")
"""The field groups the case page shows; written to the audit row of every read."""


@dataclass
class Consent:
    """The family's consent as staff note it: how and when (None: not given)."""

    given: bool
    method: str = ""
    given_at: datetime | None = None


def _check_consent(consent: Consent | None, code: str) -> None:
    if consent is None or not consent.given or not consent.method or consent.given_at is None:
        raise SupportError(code)
    if consent.given_at > timezone.now() + CLOCK_SKEW:
        raise SupportError("consent_in_future")


def _refuse_if_closed(case: SupportCase) -> None:
    if case.status != CaseStatus.OPEN:
        raise SupportError("case_closed")


def _check_agency(agency, hub: Hub) -> None:
    """An agency of the hub's ward or a city-wide one of its city, still in use."""
    if agency is None:
        return
    if agency.municipality_id != hub.ward.municipality_id or agency.ward_id not in (
        None,
        hub.ward_id,
    ):
        raise SupportError("agency_elsewhere")
    if not agency.is_active:
        raise SupportError("agency_inactive")


def _not_before_case(day: date | None, case: SupportCase) -> None:
    if day is not None and day < case.opened_on:
        raise SupportError("date_before_case")


# -- cases --------------------------------------------------------------------------------------
@dataclass
class CaseData:
    opened_on: date
    assigned_to: object
    needs: str
    household: object | None = None
    need_topics: list = field(default_factory=list)
    consultations: list = field(default_factory=list)


_CASE_FIELDS = ("opened_on", "assigned_to", "needs", "household")


def _check_case(hub: Hub, data: CaseData) -> None:
    if not data.needs.strip():
        raise SupportError("needs_empty")
    if data.opened_on > timezone.localdate():
        raise SupportError("opened_in_future")
    household = data.household
    if household is not None and (
        household.hub_id != registry_hub_id(hub)
        or household.status not in CURRENT_HOUSEHOLD_STATUSES
    ):
        raise SupportError("household_elsewhere")
    if any(topic.municipality_id != hub.ward.municipality_id for topic in data.need_topics):
        raise SupportError("topic_elsewhere")
    if any(record.hub_id != hub.pk for record in data.consultations):
        raise SupportError("consultation_elsewhere")


def _check_assignee(hub: Hub, user) -> None:
    if not scope_for(user).can(MANAGE_CASES, hub_id=hub.pk):
        raise SupportError("assignee_elsewhere")


@transaction.atomic
def open_case(hub: Hub, data: CaseData, consent: Consent, *, actor) -> SupportCase:
    """Open a case. The needs are assessed with the family's consent, so it is refused
    without a recorded consent (how and when), like a referral."""
    _check_consent(consent, "no_assessment_consent")
    _check_case(hub, data)
    _check_assignee(hub, data.assigned_to)
    now = timezone.now()
    case = SupportCase.objects.create(
        hub=hub,
        opened_by=actor,
        consent_method=consent.method,
        consent_given_at=consent.given_at,
        consent_recorded_by=actor,
        created_at=now,
        updated_at=now,
        **{name: getattr(data, name) for name in _CASE_FIELDS},
    )
    case.need_topics.set(data.need_topics)
    case.consultations.set(data.consultations)
    audit.record("support.case.opened", actor=actor, obj=case, payload={"case": case.pk})
    return case


def _same_set(related, items) -> bool:
    return {obj.pk for obj in related.all()} == {obj.pk for obj in items}


@transaction.atomic
def update_case(case: SupportCase, data: CaseData, *, revision: int, actor) -> SupportCase:
    """Save an edit made on ``revision``; refuses it if the case changed meanwhile (an edit,
    a closure), so a second editor working on the same copy loses cleanly."""
    _refuse_if_closed(case)
    _check_case(case.hub, data)
    # A colleague who has left stays assigned until someone else is chosen.
    if data.assigned_to.pk != case.assigned_to_id:
        _check_assignee(case.hub, data.assigned_to)
    changed = [name for name in _CASE_FIELDS if getattr(case, name) != getattr(data, name)]
    changed += [
        name
        for name in ("need_topics", "consultations")
        if not _same_set(getattr(case, name), getattr(data, name))
    ]
    updated = SupportCase.objects.filter(
        pk=case.pk, revision=revision, status=CaseStatus.OPEN
    ).update(
        **{name: getattr(data, name) for name in _CASE_FIELDS},
        updated_at=timezone.now(),
        revision=revision + 1,
    )
    if not updated:
        raise SupportError("case_stale")
    case.refresh_from_db()
    case.need_topics.set(data.need_topics)
    case.consultations.set(data.consultations)
    audit.record(
        "support.case.updated",
        actor=actor,
        obj=case,
        payload={"case": case.pk, "changed": len(changed)},
    )
    return case


def _locked(case: SupportCase) -> SupportCase:
    """The case row, locked until commit. No joins: on PostgreSQL a join would lock the hub
    row too. Changes to a case's items lock the case first, so a closure cannot slip in."""
    return SupportCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def close_case(
    case: SupportCase, reason: str, *, closed_on: date, note: str = "", actor
) -> SupportCase:
    if reason not in dict(CLOSING_REASONS):
        raise SupportError("closure_reason_needed")
    locked = _locked(case)
    _refuse_if_closed(locked)
    if closed_on < locked.opened_on:
        raise SupportError("closed_before_opened")
    if closed_on > timezone.localdate():
        raise SupportError("closed_in_future")
    _close(locked, reason, closed_on=closed_on, note=note, actor=actor)
    return locked


def _close(case: SupportCase, reason: str, *, closed_on: date, note: str, actor) -> None:
    case.status, case.closed_on, case.closure_reason = CaseStatus.CLOSED, closed_on, reason
    case.closure_note, case.closed_by = note, actor
    case.revision += 1
    case.updated_at = timezone.now()
    case.save()
    audit.record("support.case.closed", actor=actor, obj=case, payload={"case": case.pk})


@transaction.atomic
def reopen_case(case: SupportCase, *, actor) -> SupportCase:
    """Reopen a closed case: the closure is cleared (the audit log keeps that it happened)."""
    locked = _locked(case)
    if locked.status != CaseStatus.CLOSED:
        raise SupportError("case_not_closed")
    if locked.closure_reason == ClosureReason.ANONYMISED:
        raise SupportError("case_anonymised")  # nothing is left to work on
    locked.status, locked.closed_on, locked.closure_reason = CaseStatus.OPEN, None, ""
    locked.closure_note, locked.closed_by = "", None
    locked.revision += 1
    locked.updated_at = timezone.now()
    locked.save()
    audit.record("support.case.reopened", actor=actor, obj=locked, payload={"case": locked.pk})
    return locked


def end_cases_of_household(household, *, actor) -> int:
    """The family card is anonymised (runs inside the families transaction): open cases are
    closed with their own reason, every case's text is wiped and the card unlinked. The coded
    columns stay for the statistics. Returns how many cases were closed."""
    cases = list(SupportCase.objects.select_for_update().filter(household=household))
    closed = 0
    for case in cases:
        if case.is_open:
            _close(
                case,
                ClosureReason.ANONYMISED,
                closed_on=max(timezone.localdate(), case.opened_on),
                note="",
                actor=actor,
            )
            closed += 1
        case.consultations.clear()
    ids = [case.pk for case in cases]
    SupportCase.objects.filter(pk__in=ids).update(household=None, needs="", closure_note="")
    PlanItem.objects.filter(case_id__in=ids).update(text="")
    Linkage.objects.filter(case_id__in=ids).update(handover_note="", result_note="")
    return closed


# -- plan items ---------------------------------------------------------------------------------
@transaction.atomic
def add_plan_item(case: SupportCase, text: str, *, due_on: date | None = None, actor) -> PlanItem:
    locked = _locked(case)  # one order number per item, also on a double submit
    _refuse_if_closed(locked)
    if not text.strip():
        raise SupportError("plan_text_empty")
    _not_before_case(due_on, locked)
    last = PlanItem.objects.filter(case=locked).aggregate(last=Max("order"))["last"]
    item = PlanItem.objects.create(
        case=locked, text=text, due_on=due_on, order=(last or 0) + 1, created_by=actor
    )
    audit.record(
        "support.plan_item.added",
        actor=actor,
        obj=locked,
        payload={"case": locked.pk, "plan_item": item.pk},
    )
    return item


def _locked_item(item: PlanItem) -> PlanItem:
    case = _locked(item.case)
    _refuse_if_closed(case)
    locked = PlanItem.objects.select_for_update().get(pk=item.pk)
    locked.case = case
    return locked


@transaction.atomic
def update_plan_item(item: PlanItem, text: str, *, due_on: date | None, actor) -> PlanItem:
    locked = _locked_item(item)
    if not text.strip():
        raise SupportError("plan_text_empty")
    _not_before_case(due_on, locked.case)
    locked.text, locked.due_on = text, due_on
    locked.save(update_fields=["text", "due_on"])
    audit.record(
        "support.plan_item.updated",
        actor=actor,
        obj=locked.case,
        payload={"case": locked.case_id, "plan_item": locked.pk},
    )
    return locked


@transaction.atomic
def set_plan_item_done(item: PlanItem, done: bool, *, actor) -> PlanItem:
    """Mark done (today) or not done again; a repeat of the same mark is refused, so a double
    submit is reported rather than moving the date."""
    locked = _locked_item(item)
    if done and locked.done_on is not None:
        raise SupportError("plan_done_already")
    if not done and locked.done_on is None:
        raise SupportError("plan_not_done")
    locked.done_on = timezone.localdate() if done else None
    locked.save(update_fields=["done_on"])
    audit.record(
        "support.plan_item.done" if done else "support.plan_item.undone",
        actor=actor,
        obj=locked.case,
        payload={"case": locked.case_id, "plan_item": locked.pk},
    )
    return locked


# -- linkages -----------------------------------------------------------------------------------
@dataclass
class LinkageData:
    service_kind: str
    agency: object | None = None
    warm_handover: bool = False
    consent: Consent | None = None
    handover_note: str = ""
    follow_up_on: date | None = None


@transaction.atomic
def add_linkage(case: SupportCase, data: LinkageData, *, actor) -> Linkage:
    """Link the family to a service. A warm hand-over passes the family's situation on, so it
    is refused without the family's recorded consent and a note of what is handed over."""
    locked = _locked(case)
    _refuse_if_closed(locked)
    consent = data.consent if data.consent and data.consent.given else None
    if data.warm_handover:
        _check_consent(consent, "handover_no_consent")
        if not data.handover_note.strip():
            raise SupportError("handover_note_needed")
    elif consent is not None:
        _check_consent(consent, "handover_no_consent")
    _check_agency(data.agency, locked.hub)
    _not_before_case(data.follow_up_on, locked)
    now = timezone.now()
    linkage = Linkage.objects.create(
        case=locked,
        service_kind=data.service_kind,
        agency=data.agency,
        warm_handover=data.warm_handover,
        consent_method=consent.method if consent else "",
        consent_given_at=consent.given_at if consent else None,
        consent_recorded_by=actor if consent else None,
        handover_note=data.handover_note,
        status=LinkageStatus.PROPOSED,
        status_changed_at=now,
        follow_up_on=data.follow_up_on,
        created_by=actor,
        created_at=now,
    )
    audit.record(
        "support.linkage.added",
        actor=actor,
        obj=locked,
        payload={"case": locked.pk, "linkage": linkage.pk},
    )
    return linkage


def _locked_linkage(linkage: Linkage) -> Linkage:
    case = _locked(linkage.case)
    _refuse_if_closed(case)
    locked = Linkage.objects.select_for_update().get(pk=linkage.pk)
    locked.case = case
    return locked


@transaction.atomic
def move_linkage(
    linkage: Linkage,
    status: str,
    *,
    result_note: str | None = None,
    follow_up_on: date | None = None,
    actor,
) -> Linkage:
    """Move along 提案 → 連絡 → 利用 / 利用せず. A new follow-up date is a follow-up to do;
    "not used" without one ends the open follow-up (there is nothing left to follow)."""
    locked = _locked_linkage(linkage)
    if status not in LINKAGE_TRANSITIONS.get(locked.status, frozenset()):
        raise SupportError("bad_linkage_transition")
    _not_before_case(follow_up_on, locked.case)
    locked.status, locked.status_changed_at = status, timezone.now()
    if result_note is not None:
        locked.result_note = result_note
    if follow_up_on is not None and follow_up_on != locked.follow_up_on:
        locked.follow_up_on, locked.follow_up_done_at = follow_up_on, None
    elif follow_up_on is None and status == LinkageStatus.NOT_USED and locked.has_open_follow_up:
        locked.follow_up_on = None
    locked.save()
    audit.record(
        "support.linkage.moved",
        actor=actor,
        obj=locked.case,
        payload={"case": locked.case_id, "linkage": locked.pk},
    )
    return locked


@transaction.atomic
def complete_linkage_follow_up(linkage: Linkage, *, actor) -> Linkage:
    locked = _locked_linkage(linkage)
    if not locked.has_open_follow_up:
        raise SupportError("no_linkage_follow_up")
    locked.follow_up_done_at = timezone.now()
    locked.save(update_fields=["follow_up_done_at"])
    audit.record(
        "support.linkage.followed_up",
        actor=actor,
        obj=locked.case,
        payload={"case": locked.case_id, "linkage": locked.pk},
    )
    return locked


# -- reads of the content -----------------------------------------------------------------------
def record_case_read(case: SupportCase, *, parts: tuple[str, ...], actor) -> None:
    """Write the audit row of a read before the content is sent; in its own transaction (or
    the caller's), so a failed write means no page.

    Same payload shape as ``audit.record_view`` (``fields``), under the action code
    ``support.case.viewed``: ``record_view`` would name it after the model
    (``support.supportcase.viewed``)."""
    with transaction.atomic():
        audit.record(
            "support.case.viewed",
            actor=actor,
            obj=case,
            payload={"case": case.pk, "fields": list(parts)},
        )


def record_case_list_read(hub: Hub, case_ids: list[int], *, actor) -> None:
    """The list shows each case's family and need topics: a read of those cases too."""
    if not case_ids:
        return
    with transaction.atomic():
        audit.record(
            "support.case.listed",
            actor=actor,
            hub=hub,
            payload={"ids": case_ids, "fields": ["family", "topics"]},
        )


# -- the 地域連携 log ---------------------------------------------------------------------------
@dataclass
class ActivityData:
    happened_on: date
    kind: str
    title: str
    partners: str = ""
    agencies: list = field(default_factory=list)
    participants: int | None = None
    minutes: int | None = None
    summary: str = ""


ACTIVITY_FIELDS = (
    "happened_on",
    "kind",
    "title",
    "partners",
    "participants",
    "minutes",
    "summary",
)


def _check_activity(hub: Hub, data: ActivityData, keep=()) -> None:
    if not data.title.strip():
        raise SupportError("activity_title_needed")
    if data.happened_on > timezone.localdate():
        raise SupportError("activity_in_future")
    kept = {agency.pk for agency in keep}
    for agency in data.agencies:
        if agency.pk not in kept:  # an edit keeps an agency taken out of use meanwhile
            _check_agency(agency, hub)


@transaction.atomic
def record_activity(hub: Hub, data: ActivityData, *, actor) -> CommunityActivity:
    _check_activity(hub, data)
    now = timezone.now()
    activity = CommunityActivity.objects.create(
        hub=hub,
        recorded_by=actor,
        created_at=now,
        updated_at=now,
        **{name: getattr(data, name) for name in ACTIVITY_FIELDS},
    )
    activity.agencies.set(data.agencies)
    audit.record(
        "support.community_activity.recorded",
        actor=actor,
        obj=activity,
        payload={"activity": activity.pk, "kind": activity.kind},
    )
    return activity


@transaction.atomic
def update_activity(activity: CommunityActivity, data: ActivityData, *, actor) -> CommunityActivity:
    """Not personal data, so the audit row names the changed fields."""
    locked = CommunityActivity.objects.select_for_update().get(pk=activity.pk)  # no joins
    current = list(locked.agencies.all())
    _check_activity(activity.hub, data, keep=current)
    changed = [n for n in ACTIVITY_FIELDS if getattr(locked, n) != getattr(data, n)]
    if {a.pk for a in current} != {a.pk for a in data.agencies}:
        changed.append("agencies")
    for name in ACTIVITY_FIELDS:
        setattr(locked, name, getattr(data, name))
    locked.updated_at = timezone.now()
    locked.save()
    locked.agencies.set(data.agencies)
    audit.record(
        "support.community_activity.updated",
        actor=actor,
        obj=locked,
        payload={"activity": locked.pk, "fields": sorted(changed)},
    )
    return locked
