"""Scoped reads of 子サポ requests, and the facts the ranking needs, in a fixed number of queries.

``candidates_for`` costs the same nine queries whatever the branch's size: the providers with
their profile, districts, weekly times, days away and training; their commitments that overlap
the request; their past pairings with the family; their current weekly load; and the answers logged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hiroba.core.models import Hub
from hiroba.families.queries import registry_hub_id, registry_hub_ids
from hiroba.kosapo import eligibility, matching
from hiroba.kosapo.choices import (
    COMMITTED_REQUEST_STATUSES,
    OPEN_REQUEST_STATUSES,
    MemberKind,
    MemberStatus,
    RequestKind,
    RequestStatus,
)
from hiroba.kosapo.models import (
    CareRequest,
    KosapoMember,
    ProviderContact,
    ProviderProfile,
    ProviderTraining,
    Unavailability,
    WeeklyAvailability,
)
from hiroba.kosapo.permissions import MATCH_REQUESTS
from hiroba.kosapo.rules import member_rules
from hiroba.lib.ages import age_in_months

OFFERABLE_STATUSES = (MemberStatus.ACTIVE, MemberStatus.RENEWAL_DUE)


def _requests() -> QuerySet[CareRequest]:
    return CareRequest.objects.select_related(
        "hub__ward__municipality",
        "member__person",
        "household__district",
        "household__town_block",
        "provider__person",
    )


def get_request_for_user(user, pk, permission: str = MATCH_REQUESTS) -> CareRequest:
    """A request of a branch the user reaches (404 outside it, 403 without the permission)."""
    reach = registry_hub_ids(user)
    found = _requests().filter(pk=pk, hub_id__in=reach).first() if reach else None
    if found is None:
        raise Http404
    if found.hub_id not in registry_hub_ids(user, permission):
        raise PermissionDenied
    return found


def requests_of(hub: Hub, *, status: str = "") -> QuerySet[CareRequest]:
    found = _requests().filter(hub_id=registry_hub_id(hub)).prefetch_related("children")
    if status == "open":
        return found.filter(status__in=OPEN_REQUEST_STATUSES).order_by("first_on", "pk")
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at", "-pk")


def requests_of_member(member: KosapoMember) -> QuerySet[CareRequest]:
    return _requests().filter(Q(member=member) | Q(provider=member)).order_by("-created_at")


def contacts_of(request: CareRequest) -> QuerySet[ProviderContact]:
    return request.contacts.select_related("provider__person", "recorded_by")


def schedule_of(request: CareRequest) -> matching.Schedule:
    return _schedule(
        (
            request.pk,
            request.first_on,
            request.last_on,
            request.weekdays,
            request.starts,
            request.ends,
        )
    )


def _point(town_block) -> tuple[float, float] | None:
    if town_block is None or town_block.latitude is None or town_block.longitude is None:
        return None
    return (float(town_block.latitude), float(town_block.longitude))


def request_facts(request: CareRequest) -> matching.RequestFacts:
    household = request.household
    return matching.RequestFacts(
        schedule=schedule_of(request),
        escorts=RequestKind(request.kind).escorts,
        care_place=request.care_place if request.kind != RequestKind.ESCORT else "",
        children_months=tuple(
            age_in_months(c.birth_date, request.first_on)
            for c in request.children.all()
            if c.birth_date
        ),
        point=_point(household.town_block),
        district_id=household.district_id,
        district_name=household.district.name if household.district else "",
    )


def _branch_providers(hub_id: int) -> dict:
    """The branch's offerable providers as lookups, used through a relation (``member__…``)
    rather than as a list of ids: the statements stay the same from one request to the next
    (PostgreSQL prepares them once) and carry no list of a hundred parameters."""
    return {
        "hub_id": hub_id,
        "kind__in": [MemberKind.PROVIDER.value, MemberKind.BOTH.value],
        "status__in": [s.value for s in OFFERABLE_STATUSES],
    }


def _via(relation: str, scope: dict) -> dict:
    return {f"{relation}__{lookup}": value for lookup, value in scope.items()}


def _providers(hub_id: int) -> QuerySet[KosapoMember]:
    return KosapoMember.objects.filter(**_branch_providers(hub_id)).select_related(
        "person", "household__town_block", "profile"
    )


class _Training(NamedTuple):
    item: str
    minutes: int
    completed_on: date


def _grouped(rows) -> dict[int, list]:
    """(owner id, *values) rows → {owner id: [values, ...]}; tuples, not model instances, as
    the ranking reads hundreds of rows per request."""
    found: dict[int, list] = defaultdict(list)
    for owner, *values in rows:
        found[owner].append(tuple(values))
    return found


def _provider_rows(scope: dict, since: date) -> tuple[dict, dict, dict, dict]:
    trainings = _grouped(
        ProviderTraining.objects.filter(**_via("member", scope)).values_list(
            "member_id", "item", "minutes", "completed_on"
        )
    )
    weekly = _grouped(
        WeeklyAvailability.objects.filter(**_via("member", scope)).values_list(
            "member_id", "weekday", "starts", "ends"
        )
    )
    away = _grouped(
        Unavailability.objects.filter(**_via("member", scope), ends_on__gte=since).values_list(
            "member_id", "starts_on", "ends_on"
        )
    )
    districts = _grouped(
        ProviderProfile.districts.through.objects.filter(
            **_via("providerprofile__member", scope)
        ).values_list("providerprofile_id", "district_id")
    )
    return trainings, weekly, away, districts


SCHEDULE_FIELDS = ("pk", "provider_id", "first_on", "last_on", "weekdays", "starts", "ends")


def _schedule(row: tuple) -> matching.Schedule:
    """(pk, first_on, last_on, weekdays, starts, ends) → the request's Schedule."""
    pk, *fields = row
    return matching.Schedule.of(*fields, label=f"R{pk}")


def _commitments(scope: dict, request: CareRequest) -> dict[int, list[matching.Schedule]]:
    rows = (
        CareRequest.objects.filter(
            **_via("provider", scope),
            status__in=COMMITTED_REQUEST_STATUSES,
            first_on__lte=request.last_on,
            last_on__gte=request.first_on,
        )
        .exclude(pk=request.pk)
        .values_list(*SCHEDULE_FIELDS)
    )
    found: dict[int, list[matching.Schedule]] = defaultdict(list)
    for pk, provider_id, *times in rows:
        found[provider_id].append(_schedule((pk, *times)))
    return found


def _past_pairings(scope: dict, request: CareRequest) -> dict[int, int]:
    rows = (
        CareRequest.objects.filter(
            household_id=request.household_id,
            **_via("provider", scope),
            status__in=[*COMMITTED_REQUEST_STATUSES, RequestStatus.CLOSED],
        )
        .exclude(pk=request.pk)
        .values_list("provider_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def latest_answers(request: CareRequest) -> dict[int, tuple[str, str]]:
    """Each asked provider's latest answer to ``request`` and its reason."""
    answers: dict[int, tuple[str, str]] = {}
    rows = request.contacts.order_by("contacted_at", "pk").values_list(
        "provider_id", "response", "reason"
    )
    for provider_id, response, reason in rows:
        answers[provider_id] = (response, reason)
    return answers


def weekly_load(scope: dict, on: date) -> dict[int, int]:
    """Minutes a week each provider in ``scope`` has promised in requests running on ``on``."""
    rows = CareRequest.objects.filter(
        **_via("provider", scope),
        status__in=COMMITTED_REQUEST_STATUSES,
        first_on__lte=on + timedelta(days=6),
        last_on__gte=on,
    ).values_list(*SCHEDULE_FIELDS)
    load: dict[int, int] = defaultdict(int)
    for pk, provider_id, *times in rows:
        schedule = _schedule((pk, *times))
        load[provider_id] += schedule.minutes() * len(schedule.days_used())
    return load


def _provider_facts(member: KosapoMember, rows, on: date, rules: dict) -> matching.ProviderFacts:
    trainings, weekly, away, districts = rows
    status = eligibility.training_status(
        [_Training(*row) for row in trainings.get(member.pk, ())], on, rules
    )
    profile = getattr(member, "profile", None)
    facts = matching.ProviderFacts(
        member_id=member.pk,
        number=member.number,
        name=str(member.person),
        blockers=eligibility.matching_blockers(member, status),
        point=_point(member.household.town_block),
        district_id=member.household.district_id,
        weekly=weekly.get(member.pk, []),
        away=away.get(member.pk, []),
        has_profile=profile is not None,
    )
    if profile is not None:
        facts.served_district_ids = frozenset(d for (d,) in districts.get(member.pk, ()))
        facts.max_distance_km = float(profile.max_distance_km)
        facts.escort_modes = profile.escort_modes()
        facts.care_places = frozenset(profile.care_places())
        facts.accepts_infants = profile.accepts_infants
        facts.accepts_siblings = profile.accepts_siblings
        facts.has_pets = profile.has_pets
        facts.smoking_household = profile.smoking_household
    return facts


def candidates_for(request: CareRequest, *, on: date | None = None) -> matching.Ranking:
    """The branch's providers ranked for ``request`` (who is offered, who is not, and why)."""
    on = on or timezone.localdate()
    rules = member_rules(request.hub.ward.municipality, on)
    providers = [
        p
        for p in _providers(request.hub_id)
        if p.household_id != request.household_id  # never the requesting family itself
    ]
    scope = _branch_providers(request.hub_id)
    rows = _provider_rows(scope, request.first_on)
    commitments = _commitments(scope, request)
    pairings = _past_pairings(scope, request)
    load = weekly_load(scope, on)
    answers = latest_answers(request)
    facts = []
    for provider in providers:
        # Valid through the whole request, not only today: a course lapsing mid-way counts.
        fact = _provider_facts(provider, rows, max(on, request.last_on), rules)
        fact.commitments = commitments.get(provider.pk, [])
        fact.past_pairings = pairings.get(provider.pk, 0)
        fact.committed_minutes_per_week = load.get(provider.pk, 0)
        fact.answer, fact.answer_reason = answers.get(provider.pk, ("", ""))
        facts.append(fact)
    return matching.rank(request_facts(request), facts)


def provider_blockers(request: CareRequest, provider: KosapoMember, on: date) -> list[str]:
    """Why ``provider`` may not be offered at all today (membership, training, safety)."""
    municipality = request.hub.ward.municipality  # the provider's too: same branch
    status = eligibility.provider_training(provider, on, municipality=municipality)
    return eligibility.matching_blockers(provider, status)


def clashing_commitment(request: CareRequest, provider: KosapoMember) -> str:
    """The provider's other request at a clashing time ("R12"), or "" when they are free."""
    schedule = schedule_of(request)
    for other in _commitments({"pk": provider.pk}, request).get(provider.pk, []):
        if matching.schedules_clash(schedule, other):
            return other.label
    return ""
