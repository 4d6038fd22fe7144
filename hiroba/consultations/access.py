"""Need-to-know: who may read a consultation's content (peers.md §2.3, Primero's model).

Content means the topics, summary, outcome, 要配慮 flag, children's ages, notes and referrals.
Anyone who may record consultations at the hub sees that a record exists (its number, date,
channel, author and whether a follow-up is open) so follow-ups are never missed; the content is
for the author, the assigned staff, roles with consultation access, and break-glass openings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from hiroba.accounts.scope import scope_for
from hiroba.consultations.choices import AccessBasis
from hiroba.consultations.models import BreakGlassOpening, Consultation
from hiroba.consultations.permissions import (
    BREAK_GLASS,
    READ_ALL_CONSULTATIONS,
    RECORD_CONSULTATIONS,
)

BREAK_GLASS_MINUTES = 30

CONTENT_PARTS = ("topics", "summary", "outcome", "children", "notes", "referrals")
"""The field groups a full read shows; written to the audit row of every read."""


def _open_break_glass(user, consultation_ids: Iterable[int], now: datetime) -> set[int]:
    return set(
        BreakGlassOpening.objects.filter(
            user=user, consultation_id__in=list(consultation_ids), expires_at__gt=now
        ).values_list("consultation_id", flat=True)
    )


def content_bases(user, consultations: Iterable[Consultation], *, now=None) -> dict[int, str]:
    """For each consultation the user may read in full: why (an ``AccessBasis``).

    Consultations missing from the answer are closed to the user. ``assigned_staff`` should be
    prefetched when many records are checked.
    """
    consultations = list(consultations)
    scope = scope_for(user)
    now = now or timezone.now()
    bases: dict[int, str] = {}
    pending = []
    for consultation in consultations:
        hub_id = consultation.hub_id
        if not scope.can(RECORD_CONSULTATIONS, hub_id=hub_id) and not scope.can(
            READ_ALL_CONSULTATIONS, hub_id=hub_id
        ):
            continue
        if consultation.author_id == user.pk:
            bases[consultation.pk] = AccessBasis.AUTHOR
        elif any(staff.pk == user.pk for staff in consultation.assigned_staff.all()):
            bases[consultation.pk] = AccessBasis.ASSIGNED
        elif scope.can(READ_ALL_CONSULTATIONS, hub_id=hub_id):
            bases[consultation.pk] = AccessBasis.ROLE
        else:
            pending.append(consultation.pk)
    for consultation_id in _open_break_glass(user, pending, now) if pending else ():
        bases[consultation_id] = AccessBasis.BREAK_GLASS
    return bases


def content_basis(user, consultation: Consultation, *, now=None) -> str | None:
    return content_bases(user, [consultation], now=now).get(consultation.pk)


def may_break_glass(user, consultation: Consultation) -> bool:
    return scope_for(user).can(BREAK_GLASS, hub_id=consultation.hub_id)


def may_edit(user, consultation: Consultation, basis: str | None) -> bool:
    """Editing needs full access by need-to-know (not a break-glass opening, which is for
    reading in an emergency) and the right to record consultations here."""
    return basis in (
        AccessBasis.AUTHOR,
        AccessBasis.ASSIGNED,
        AccessBasis.ROLE,
    ) and scope_for(user).can(RECORD_CONSULTATIONS, hub_id=consultation.hub_id)
