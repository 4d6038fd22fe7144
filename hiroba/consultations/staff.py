"""Staff of a hub for consultations: who can be assigned, who is told of break-glass openings.

A role at a main hub covers its satellites, so both hubs' memberships count
(``accounts.queries.memberships_covering``)."""

from __future__ import annotations

from django.db.models import QuerySet

from hiroba.accounts.queries import staff_with
from hiroba.consultations.permissions import RECORD_CONSULTATIONS


def staff_who_record(hub) -> QuerySet:
    return staff_with(hub, RECORD_CONSULTATIONS)
