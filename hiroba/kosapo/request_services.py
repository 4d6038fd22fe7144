"""Writes for 子サポ requests and matching: atomic, audited, actor keyword-only.

The path of a request: taken by phone or at the counter (``create_request``); providers asked
and their answers logged (``record_contact``, which moves it to 調整中); one provider introduced
(``introduce_provider``); or closed as 不成立 / cancelled by the family (``end_request``).

Two guards hold under concurrency (``tests/test_request_concurrency.py``):
- the request row is locked and its revision compared, so two coordinators cannot introduce
  two providers, and a page older than the last change is refused;
- the provider's member row is locked before their commitments are read, so the same provider
  cannot be introduced to two clashing requests by two coordinators at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.utils import timezone

from hiroba.core import audit
from hiroba.families.models import Member
from hiroba.kosapo import eligibility, matching
from hiroba.kosapo.choices import (
    OPEN_REQUEST_STATUSES,
    CarePlace,
    ContactResponse,
    MemberStatus,
    ReceivedVia,
    RequestKind,
    RequestPattern,
    RequestStatus,
)
from hiroba.kosapo.errors import KosapoError
from hiroba.kosapo.models import CareRequest, KosapoMember, ProviderContact
from hiroba.kosapo.request_queries import (
    clashing_commitment,
    latest_answers,
    provider_blockers,
)
from hiroba.kosapo.rules import member_rules

REQUESTING_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE)


def _today() -> date:
    return timezone.localdate()


@dataclass
class RequestDetails:
    """What the family asks for, as entered on the form."""

    kind: str
    pattern: str
    first_on: date
    last_on: date | None
    weekdays: str
    starts: time
    ends: time
    reason: str
    care_place: str = ""
    escort_from: str = ""
    escort_to: str = ""
    notes: str = ""
    received_via: str = ReceivedVia.PHONE


def _check_member(member: KosapoMember) -> None:
    if not member.uses:
        raise KosapoError("not_a_user_member")
    if member.status not in REQUESTING_STATUSES:
        raise KosapoError("member_not_registered")


def _check_children(member: KosapoMember, children: list[Member], on: date, last_on: date) -> None:
    if not children:
        raise KosapoError("no_children")
    rules = member_rules(member.hub.ward.municipality, on)
    for child in children:
        if child.household_id != member.household_id or not child.is_child or child.left_on:
            raise KosapoError("child_not_in_family")
        for day in (on, last_on):  # a weekly request may run past the end of 6th grade
            if not eligibility.child_is_eligible(child, day, rules):
                raise KosapoError("child_not_eligible", name=child.given_name, day=day.isoformat())


def _normalised(details: RequestDetails, member: KosapoMember, today: date) -> RequestDetails:
    """Check the dates, times and places; a one-off request ends on its day."""
    if details.ends <= details.starts:
        raise KosapoError("times_order")
    if details.first_on < today:
        raise KosapoError("request_in_past")
    if details.pattern == RequestPattern.ONCE:
        details.last_on = details.first_on
        details.weekdays = ""
    else:
        details.weekdays = "".join(sorted(set(details.weekdays) & set("0123456")))
        if not details.weekdays:
            raise KosapoError("weekdays_needed")
        if details.last_on is None or details.last_on < details.first_on:
            raise KosapoError("dates_order")
    schedule = matching.Schedule.of(
        details.first_on, details.last_on, details.weekdays, details.starts, details.ends
    )
    if not schedule.dates():
        raise KosapoError("no_dates")
    if member.expires_on and details.last_on > member.expires_on:
        raise KosapoError("beyond_membership", day=member.expires_on.isoformat())
    kind = RequestKind(details.kind)
    if kind != RequestKind.ESCORT and details.care_place not in CarePlace.values:
        raise KosapoError("care_place_needed")
    if kind == RequestKind.ESCORT:
        details.care_place = ""
    if kind.escorts and not (details.escort_from.strip() and details.escort_to.strip()):
        raise KosapoError("escort_places_needed")
    return details


def create_request(
    member: KosapoMember, *, children: list[Member], details: RequestDetails, actor
) -> CareRequest:
    """Take a request for ``member``'s family; eligibility is judged on the first day."""
    with transaction.atomic():
        member = KosapoMember.objects.select_related("hub__ward__municipality").get(pk=member.pk)
        _check_member(member)
        details = _normalised(details, member, _today())
        _check_children(member, children, details.first_on, details.last_on)
        request = CareRequest.objects.create(
            hub=member.hub,
            member=member,
            household_id=member.household_id,
            kind=details.kind,
            pattern=details.pattern,
            first_on=details.first_on,
            last_on=details.last_on,
            weekdays=details.weekdays,
            starts=details.starts,
            ends=details.ends,
            care_place=details.care_place,
            escort_from=details.escort_from.strip(),
            escort_to=details.escort_to.strip(),
            reason=details.reason,
            received_via=details.received_via,
            notes=details.notes.strip(),
            created_by=actor,
        )
        request.children.set(children)
        audit.record(
            "kosapo.request.created",
            actor=actor,
            obj=request,
            payload={"member": member.pk, "kind": request.kind, "children": len(children)},
        )
    return request


def _locked(request: CareRequest, expected_revision: int | None) -> CareRequest:
    current = (
        CareRequest.objects.select_for_update()
        .select_related("hub__ward__municipality", "member")
        .get(pk=request.pk)
    )
    if expected_revision is not None and current.revision != expected_revision:
        raise KosapoError("stale")
    return current


def _save(request: CareRequest, fields: list[str]) -> None:
    request.revision += 1
    request.save(update_fields=[*fields, "revision", "updated_at"])


def _check_provider(request: CareRequest, provider: KosapoMember) -> None:
    if provider.hub_id != request.hub_id:
        raise KosapoError("provider_elsewhere")
    if not provider.provides:
        raise KosapoError("not_a_provider")
    if provider.household_id == request.household_id:
        raise KosapoError("provider_is_requester")


def record_contact(
    request: CareRequest, provider: KosapoMember, *, response: str, reason: str = "", actor
) -> ProviderContact:
    """Log a call to a provider and the answer (可 / 不可 / 保留).

    It does not change the request's revision: a colleague logging calls must not make the
    coordinator's introduction fail as stale.
    """
    reason = reason.strip()
    if response not in ContactResponse.values:
        raise ValueError(response)
    if response != ContactResponse.YES and not reason:
        raise KosapoError("contact_reason_needed")
    with transaction.atomic():
        request = (
            CareRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
        )
        if request.status not in OPEN_REQUEST_STATUSES:
            raise KosapoError("request_closed")
        _check_provider(request, provider)
        contact = ProviderContact.objects.create(
            request=request, provider=provider, response=response, reason=reason, recorded_by=actor
        )
        if request.status == RequestStatus.RECEIVED:
            request.status = RequestStatus.ARRANGING
            request.save(update_fields=["status", "updated_at"])
        audit.record(
            "kosapo.request.contact_recorded",
            actor=actor,
            obj=request,
            payload={"provider": provider.pk, "response": response},
        )
    return contact


def introduce_provider(
    request: CareRequest,
    provider: KosapoMember,
    *,
    actor,
    expected_revision: int | None = None,
    on: date | None = None,
) -> CareRequest:
    """Introduce ``provider`` to the family: compare-and-set on the request, and the provider
    locked while their other commitments are checked (never booked twice)."""
    on = on or _today()
    with transaction.atomic():
        request = _locked(request, expected_revision)
        if request.status not in OPEN_REQUEST_STATUSES:
            raise KosapoError("request_closed")
        provider = KosapoMember.objects.select_for_update().get(pk=provider.pk)
        _check_provider(request, provider)
        blockers = provider_blockers(request, provider, max(on, request.last_on))
        if blockers:
            raise KosapoError("provider_blocked", reasons="、".join(map(str, blockers)))
        clash = clashing_commitment(request, provider)
        if clash:
            raise KosapoError("provider_double_booked", request=clash)
        answer, _reason = latest_answers(request).get(provider.pk, ("", ""))
        if answer == ContactResponse.NO:
            raise KosapoError("provider_declined")
        if answer != ContactResponse.YES:
            ProviderContact.objects.create(
                request=request, provider=provider, response=ContactResponse.YES, recorded_by=actor
            )
        request.provider = provider
        request.status = RequestStatus.INTRODUCED
        request.introduced_on = on
        request.status_reason = ""
        _save(request, ["provider", "status", "introduced_on", "status_reason"])
        audit.record(
            "kosapo.request.introduced", actor=actor, obj=request, payload={"provider": provider.pk}
        )
    return request


def withdraw_introduction(
    request: CareRequest, *, reason: str, actor, expected_revision: int | None = None
) -> CareRequest:
    """The introduced provider cannot do it after all: back to 調整中, the answer logged."""
    reason = reason.strip()
    if not reason:
        raise KosapoError("reason_needed")
    with transaction.atomic():
        request = _locked(request, expected_revision)
        if request.status != RequestStatus.INTRODUCED or request.provider_id is None:
            raise KosapoError("not_introduced")
        ProviderContact.objects.create(
            request=request,
            provider_id=request.provider_id,
            response=ContactResponse.NO,
            reason=reason,
            recorded_by=actor,
        )
        previous = request.provider_id
        request.provider = None
        request.introduced_on = None
        request.status = RequestStatus.ARRANGING
        _save(request, ["provider", "introduced_on", "status"])
        audit.record(
            "kosapo.request.introduction_withdrawn",
            actor=actor,
            obj=request,
            payload={"provider": previous},
        )
    return request


def end_request(
    request: CareRequest,
    *,
    status: str,
    reason: str,
    actor,
    expected_revision: int | None = None,
) -> CareRequest:
    """Close a request still being arranged: 不成立 (no provider found) or cancelled."""
    if status not in (RequestStatus.UNMATCHED, RequestStatus.CANCELLED):
        raise ValueError(status)
    reason = reason.strip()
    if not reason:
        raise KosapoError("reason_needed")
    with transaction.atomic():
        request = _locked(request, expected_revision)
        if request.status not in (*OPEN_REQUEST_STATUSES, RequestStatus.INTRODUCED):
            raise KosapoError("request_closed")
        request.status = status
        request.status_reason = reason[:200]
        if status == RequestStatus.UNMATCHED:
            # Not matched after all: the provider neither helped nor stays booked.
            request.provider = None
            request.introduced_on = None
        _save(request, ["status", "status_reason", "provider", "introduced_on"])
        audit.record("kosapo.request.ended", actor=actor, obj=request, payload={"status": status})
    return request
