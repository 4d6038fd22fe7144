"""All writes to 子サポ membership: atomic, audited, actor keyword-only.

The life of a member: registered as provisional after the briefing desk takes the application
(``register_member``), the briefing and identity check noted (``record_briefing``), providers'
training recorded (``record_training``), registered with a card (``activate_member``, which
also issues trial coupons), renewed every fiscal year (``renew_member``; ``mark_renewals_due``
moves those near their date to 更新待ち), suspended, reinstated or withdrawn. Audit payloads
hold ids and codes, never names or notes.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.sequences import take_free_number
from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES
from hiroba.families.models import Household, Member
from hiroba.families.queries import registry_hub_id
from hiroba.kosapo import eligibility
from hiroba.kosapo.choices import (
    CURRENT_STATUSES,
    CouponEntry,
    MemberKind,
    MemberStatus,
    TrainingItem,
)
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.fees import FeeTable, coupons_for_children
from hiroba.kosapo.models import CouponLedgerEntry, KosapoMember, MemberSequence, ProviderTraining
from hiroba.kosapo.rules import fee_values, member_rules
from hiroba.lib.fiscal import fiscal_year_bounds, fiscal_year_of

MAX_TRAINING_MINUTES = 1200


def _today() -> date:
    return timezone.localdate()


def _locked(member: KosapoMember, expected_revision: int | None) -> KosapoMember:
    """Lock the member row; refuse when someone saved it since the page was shown."""
    locked = KosapoMember.objects.select_for_update().select_related("hub__ward__municipality")
    current = locked.get(pk=member.pk)
    if expected_revision is not None and current.revision != expected_revision:
        raise KosapoError("stale")
    return current


def _save(member: KosapoMember, fields: list[str]) -> None:
    member.revision += 1
    member.save(update_fields=[*fields, "revision", "updated_at"])


def _municipality(hub: Hub):
    return hub.ward.municipality


def _eligibility_problems(kind: str, person: Member, hub: Hub, on: date) -> list[str]:
    rules = member_rules(_municipality(hub), on)
    problems: list[str] = []
    if MemberKind(kind).uses:
        problems += eligibility.user_problems(person.household, _municipality(hub), on, rules)
    if MemberKind(kind).provides:
        problems += eligibility.provider_problems(person, _municipality(hub), on, rules)
    return list(dict.fromkeys(problems))


def _refuse(problems: list[str]) -> None:
    if problems:
        raise KosapoError(problems[0])


def _next_number(hub: Hub) -> str:
    MemberSequence.objects.get_or_create(hub=hub)
    sequence = MemberSequence.objects.select_for_update().get(hub=hub)
    taken = set(KosapoMember.objects.filter(hub=hub).values_list("number", flat=True))
    return take_free_number(sequence, taken, width=5)


def register_member(
    *,
    hub: Hub,
    household: Household,
    person: Member,
    kind: str,
    notes: str = "",
    actor,
    on: date | None = None,
) -> KosapoMember:
    """Take an application: a provisional member with the branch's next number."""
    on = on or _today()
    if household.hub_id != registry_hub_id(hub):
        raise KosapoError("household_elsewhere")
    if household.status not in CURRENT_HOUSEHOLD_STATUSES:
        raise KosapoError("household_not_current")
    if person.household_id != household.pk or person.is_child:
        raise KosapoError("person_not_adult_member")
    if person.left_on is not None:
        raise KosapoError("person_left")
    branch = household.hub
    _refuse(_eligibility_problems(kind, person, branch, on))
    with transaction.atomic():
        existing = KosapoMember.objects.select_for_update().filter(
            person=person, status__in=[s.value for s in CURRENT_STATUSES]
        )
        if found := existing.first():
            raise KosapoError("already_member", number=found.number)
        try:
            with transaction.atomic():
                member = KosapoMember.objects.create(
                    hub=branch,
                    household=household,
                    person=person,
                    kind=kind,
                    number=_next_number(branch),
                    notes=notes,
                )
        except IntegrityError as exc:  # another desk registered the same person just now
            raise KosapoError("already_member", number="—") from exc
        audit.record("kosapo.member.registered", actor=actor, obj=member, payload={"kind": kind})
    return member


def record_briefing(
    member: KosapoMember,
    *,
    briefing_on: date,
    identity_checked_on: date | None,
    identity_document: str,
    photo_received: bool,
    actor,
    expected_revision: int | None = None,
) -> KosapoMember:
    today = _today()
    if briefing_on > today or (identity_checked_on and identity_checked_on > today):
        raise KosapoError("briefing_in_future")
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if not member.is_current:
            raise KosapoError("not_current")
        member.briefing_on = briefing_on
        member.identity_checked_on = identity_checked_on
        member.identity_document = identity_document if identity_checked_on else ""
        member.photo_received = photo_received
        _save(
            member,
            ["briefing_on", "identity_checked_on", "identity_document", "photo_received"],
        )
        audit.record("kosapo.member.briefing_recorded", actor=actor, obj=member)
    return member


def record_training(
    member: KosapoMember,
    *,
    item: str,
    minutes: int,
    completed_on: date,
    note: str = "",
    actor,
) -> ProviderTraining:
    if not 1 <= minutes <= MAX_TRAINING_MINUTES:
        raise KosapoError("training_minutes")
    if completed_on > _today():
        raise KosapoError("training_in_future")
    TrainingItem(item)
    with transaction.atomic():
        member = _locked(member, None)
        if not member.is_current:
            raise KosapoError("not_current")
        training = ProviderTraining.objects.create(
            member=member,
            item=item,
            minutes=minutes,
            completed_on=completed_on,
            note=note,
            recorded_by=actor,
        )
        _save(member, [])
        audit.record(
            "kosapo.training.recorded",
            actor=actor,
            obj=member,
            payload={"training": training.pk, "item": item, "minutes": minutes},
        )
    return training


def provider_training(member: KosapoMember, on: date) -> eligibility.TrainingStatus:
    return eligibility.provider_training(member, on)


def _fiscal_year_end(on: date) -> date:
    return fiscal_year_bounds(fiscal_year_of(on))[1]


def activate_member(
    member: KosapoMember,
    *,
    on: date | None = None,
    issue_card: bool = True,
    actor,
    expected_revision: int | None = None,
) -> KosapoMember:
    """Register a provisional member: valid to the end of the fiscal year, card issued."""
    on = on or _today()
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if member.status != MemberStatus.PROVISIONAL:
            raise KosapoError("not_provisional")
        if member.briefing_on is None or member.identity_checked_on is None:
            raise KosapoError("briefing_needed")
        _refuse(_eligibility_problems(member.kind, member.person, member.hub, on))
        if member.provides:
            _check_provider_training(member, on)
        member.status = MemberStatus.ACTIVE
        member.registered_on = on
        member.expires_on = _fiscal_year_end(on)
        member.card_issued_on = on if issue_card else None
        member.status_reason = ""
        _save(member, ["status", "registered_on", "expires_on", "card_issued_on", "status_reason"])
        audit.record("kosapo.member.activated", actor=actor, obj=member)
        if member.uses:
            _issue_coupons(member, on=on, actor=actor)
    return member


def _check_provider_training(member: KosapoMember, on: date) -> None:
    status = provider_training(member, on)
    if not status.training_complete:
        raise KosapoError("training_incomplete", missing="、".join(status.missing_training()))
    if not status.safety_valid:
        raise KosapoError(
            "safety_course_lapsed",
            years=status.valid_years,
            missing="、".join(status.missing_safety()),
        )


def issue_coupons(member: KosapoMember, *, on: date | None = None, actor) -> int:
    """Issue trial coupons for children who qualify and have none yet (a child born later)."""
    with transaction.atomic():
        member = _locked(member, None)
        if member.status not in (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE):
            raise KosapoError("not_renewable")
        return _issue_coupons(member, on=on or _today(), actor=actor)


def _issue_coupons(member: KosapoMember, *, on: date, actor) -> int:
    table = FeeTable.from_values(fee_values(_municipality(member.hub), on))
    already = set(
        CouponLedgerEntry.objects.filter(
            child__household=member.household, entry=CouponEntry.ISSUED
        ).values_list("child_id", flat=True)
    )
    issued = 0
    for child in member.household.members.children().present():
        if child.pk in already or not coupons_for_children(table, [child.birth_date]):
            continue
        try:
            with transaction.atomic():
                CouponLedgerEntry.objects.create(
                    household=member.household,
                    member=member,
                    child=child,
                    entry=CouponEntry.ISSUED,
                    coupons=table.coupons_per_child,
                    on=on,
                    recorded_by=actor,
                )
        except IntegrityError:  # the other caregiver's registration issued them just now
            continue
        issued += table.coupons_per_child
    if issued:
        audit.record("kosapo.coupons.issued", actor=actor, obj=member, payload={"coupons": issued})
    return issued


def _renewal_opens(member: KosapoMember) -> date:
    notice = member_rules(_municipality(member.hub), member.expires_on)["renewal_notice_days"]
    return member.expires_on - timedelta(days=notice)


def renewal_open(member: KosapoMember, on: date | None = None) -> bool:
    """Renewal is taken from ``renewal_notice_days`` before the end of the year (or after it)."""
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE):
        return False
    return member.expires_on is None or (on or _today()) >= _renewal_opens(member)


def renew_member(
    member: KosapoMember, *, on: date | None = None, actor, expected_revision: int | None = None
) -> KosapoMember:
    """Renew for the next fiscal year after checking the member still qualifies then.

    A provider's training is not a condition of membership: a provider whose safety course has
    lapsed stays a member and is simply not offered for matching until retrained.
    """
    on = on or _today()
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if member.status not in (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE):
            raise KosapoError("not_renewable")
        if not renewal_open(member, on):
            raise KosapoError("renewal_not_open", day=_renewal_opens(member).isoformat())
        start = max(on, (member.expires_on or on) + timedelta(days=1))
        # Eligibility is for the year renewed: a 6th-grader's family renewing in March has no
        # child to care for from April.
        _refuse(_eligibility_problems(member.kind, member.person, member.hub, start))
        member.expires_on = _fiscal_year_end(start)
        member.status = MemberStatus.ACTIVE
        _save(member, ["expires_on", "status"])
        audit.record(
            "kosapo.member.renewed",
            actor=actor,
            obj=member,
            payload={"until": member.expires_on.isoformat()},
        )
    return member


def suspend_member(
    member: KosapoMember, *, reason: str, actor, expected_revision: int | None = None
) -> KosapoMember:
    return _end(member, MemberStatus.SUSPENDED, reason, actor, expected_revision)


def withdraw_member(
    member: KosapoMember, *, reason: str, actor, expected_revision: int | None = None
) -> KosapoMember:
    return _end(member, MemberStatus.WITHDRAWN, reason, actor, expected_revision)


def _end(member, status, reason, actor, expected_revision) -> KosapoMember:
    reason = (reason or "").strip()
    if not reason:
        raise KosapoError("reason_needed")
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if not member.is_current:
            raise KosapoError("not_current")
        if member.status == status:
            raise KosapoError("already_suspended")
        member.status = status
        member.status_reason = reason[:200]
        _save(member, ["status", "status_reason"])
        action = "suspended" if status == MemberStatus.SUSPENDED else "withdrawn"
        audit.record(f"kosapo.member.{action}", actor=actor, obj=member)
    return member


def reinstate_member(
    member: KosapoMember, *, actor, expected_revision: int | None = None
) -> KosapoMember:
    """Back from 休止: active while the year runs, otherwise waiting for renewal."""
    with transaction.atomic():
        member = _locked(member, expected_revision)
        if member.status != MemberStatus.SUSPENDED:
            raise KosapoError("not_suspended")
        if member.registered_on is None:
            member.status = MemberStatus.PROVISIONAL
        elif member.expires_on and member.expires_on >= _today():
            member.status = MemberStatus.ACTIVE
        else:
            member.status = MemberStatus.RENEWAL_DUE
        member.status_reason = ""
        _save(member, ["status", "status_reason"])
        audit.record("kosapo.member.reinstated", actor=actor, obj=member)
    return member


def mark_renewals_due(*, today: date | None = None, actor=None) -> int:
    """Move active members whose year ends within the notice period to 更新待ち."""
    today = today or _today()
    moved = 0
    for hub_id in (
        KosapoMember.objects.filter(status=MemberStatus.ACTIVE)
        .values_list("hub_id", flat=True)
        .distinct()
    ):
        hub = Hub.objects.select_related("ward__municipality").get(pk=hub_id)
        notice = member_rules(_municipality(hub), today)["renewal_notice_days"]
        with transaction.atomic():
            due = list(
                KosapoMember.objects.select_for_update().filter(
                    hub=hub, status=MemberStatus.ACTIVE, expires_on__lte=today + timedelta(notice)
                )
            )
            for member in due:
                member.status = MemberStatus.RENEWAL_DUE
                _save(member, ["status"])
            if due:
                audit.record(
                    "kosapo.member.renewals_due",
                    actor=actor,
                    hub=hub,
                    payload={"members": [m.pk for m in due]},
                )
            moved += len(due)
    return moved
