"""Portal reads about programs that ``programs.queries`` does not shape for the parent's pages:
the program an apply form posts to (one query on the hot path), the filter choices, and the
family's entries with what their deadlines need."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from hiroba.core.models import Hub, Venue
from hiroba.core.queries import public_hubs
from hiroba.families.models import Household
from hiroba.programs import queries
from hiroba.programs.models import Entry, Program


def program_to_apply(program_id: int, *, with_sessions: bool = False) -> Program:
    """A published program with what sign-up reads (the hub's municipality for the rules);
    the venue and sessions only when a page shows them. 404 for drafts and cancelled
    programs."""
    programs = Program.objects.published().select_related("hub__ward__municipality")
    if with_sessions:
        programs = programs.select_related("venue").prefetch_related("sessions")
    program = programs.filter(pk=program_id).first()
    if program is None:
        raise Http404
    return program


def public_hub(hub_id: int) -> Hub:
    hub = public_hubs().filter(pk=hub_id).first()
    if hub is None:
        raise Http404
    return hub


def filter_hubs() -> list[Hub]:
    return list(public_hubs())


def filter_venues(hub_ids) -> list[Venue]:
    return list(Venue.objects.filter(hub_id__in=hub_ids, is_active=True).order_by("hub_id", "name"))


def hub_ids_for(hub: Hub | None, hubs: list[Hub]) -> list[int]:
    """A main hub's programs include its satellites' (families see them as one hub)."""
    if hub is None:
        return [h.pk for h in hubs]
    return [hub.pk, *(h.pk for h in hubs if h.parent_id == hub.pk)]


def entries_of(household: Household) -> QuerySet[Entry]:
    """The family's entries with the municipality each program's rules come from (the cancel
    deadline) and each waiting-list position, in a fixed number of queries."""
    entries = queries.entries_of_household(household).select_related(
        "program__hub__ward__municipality"
    )
    return queries.with_waitlist_positions(entries)


def active_entries(household: Household, programs) -> dict[int, Entry]:
    """The family's active entry per program of a list (one query), for the "applied" tag."""
    ids = [p.pk for p in programs]
    if not ids:
        return {}
    found = Entry.objects.active().filter(household=household, program_id__in=ids)
    return {e.program_id: e for e in found}
