"""Scoped reads of 子サポ members: by id only within the user's reach (404 outside it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from hiroba.core.models import Hub
from hiroba.families.queries import registry_hub_id, registry_hub_ids
from hiroba.kosapo.choices import CURRENT_STATUSES, MemberStatus
from hiroba.kosapo.models import CouponLedgerEntry, KosapoMember, ProviderTraining
from hiroba.kosapo.permissions import MANAGE_MEMBERS
from hiroba.lib.kana import kana_search_key


def _members() -> QuerySet[KosapoMember]:
    return KosapoMember.objects.select_related(
        "hub__ward__municipality", "person", "household__district"
    )


def get_member_for_user(user, pk, permission: str = MANAGE_MEMBERS) -> KosapoMember:
    """A member of a branch the user reaches (a satellite's staff reach the main hub's)."""
    reach = registry_hub_ids(user)
    member = _members().filter(pk=pk, hub_id__in=reach).first() if reach else None
    if member is None:
        raise Http404
    if member.hub_id not in registry_hub_ids(user, permission):
        raise PermissionDenied
    return member


def members_of(
    hub: Hub, *, kind: str = "", status: str = "", text: str = ""
) -> QuerySet[KosapoMember]:
    """The branch's members for the list; by default everyone not withdrawn."""
    found = _members().filter(hub_id=registry_hub_id(hub))
    if kind:
        found = found.filter(kind__in=[kind, "both"] if kind != "both" else ["both"])
    if status:
        found = found.filter(status=status)
    else:
        found = found.filter(status__in=[s.value for s in CURRENT_STATUSES])
    text = (text or "").strip()
    if text:
        key = kana_search_key(text)
        found = found.filter(
            Q(number=text.zfill(5))
            | Q(household__card_number=text.zfill(6))
            | Q(person__search_key__startswith=key)
            | Q(person__given_search_key__startswith=key)
        )
    return found.order_by("number")


def counts_by_status(hub: Hub) -> dict[str, int]:
    rows = (
        KosapoMember.objects.filter(hub_id=registry_hub_id(hub))
        .values_list("status")
        .order_by()
        .annotate(n=Count("pk"))
    )
    counts = {status.value: 0 for status in MemberStatus}
    counts.update(dict(rows))
    return counts


def trainings_of(member: KosapoMember) -> QuerySet[ProviderTraining]:
    return member.trainings.select_related("recorded_by").order_by("-completed_on", "-pk")


def coupon_ledger(member: KosapoMember) -> QuerySet[CouponLedgerEntry]:
    return CouponLedgerEntry.objects.filter(household_id=member.household_id).select_related(
        "child"
    )


def coupons_left(member: KosapoMember) -> int:
    """Issued minus used, plus returned: what the household may still use."""
    total = 0
    for entry in coupon_ledger(member):
        total += -entry.coupons if entry.entry == "used" else entry.coupons
    return total
