"""Calendar files (RFC 5545) for programs: one event per session, for e-mail attachments and
the per-hub feed. Built with ``icalendar``; times are written in UTC."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from hiroba.programs.models import Program, ProgramSession

PRODID = "-//Hiroba//Programs//JA"


def _calendar(name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(program: Program, session: ProgramSession, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"program-{program.pk}-session-{session.pk}@hiroba")
    event.add("summary", program.title)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", timezone.now())
    location = ", ".join(x for x in (program.venue.name, program.venue.address) if x)
    if location:
        event.add("location", location)
    if program.description:
        event.add("description", program.description)
    if cancelled:
        event.add("status", "CANCELLED")
    return event


def program_ics(program: Program, *, cancelled: bool = False) -> bytes:
    calendar = _calendar(program.title)
    if cancelled:
        calendar.add("method", "CANCEL")
    for session in program.sessions.all():
        calendar.add_component(_event(program, session, cancelled=cancelled))
    return calendar.to_ical()


def feed_ics(name: str, programs: Iterable[Program]) -> bytes:
    calendar = _calendar(name)
    for program in programs:
        for session in program.sessions.all():
            calendar.add_component(_event(program, session))
    return calendar.to_ical()
