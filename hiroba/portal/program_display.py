"""Programs and entries in the parent's words: the sign-up state of a program card, the seats
left, an entry's status and which buttons it has. Short sentences; times in the hub's zone.

Kept apart from the views so the list, the detail page, My Page and the e-mail link page all
say the same thing the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from hiroba.programs import queries, services
from hiroba.programs.choices import EntryStatus, ProgramStatus
from hiroba.programs.models import Entry, Program


def when(value: datetime | None) -> str:
    """A short local date and time: "6/12 (Thu) 10:00" style, per the active language."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


@dataclass(frozen=True)
class SignupLabel:
    code: str
    text: str
    tone: str  # a tag modifier: success, warning, danger, muted, primary
    open: bool = False  # the apply button is shown


def _full(program: Program) -> bool:
    return program.waitlisted_families > 0 or not program.fits(1, 1)


def _open_label(program: Program) -> SignupLabel:
    if program.lottery_pending:
        text = (
            _("Lottery: apply by {date}").format(date=when(program.closes_at))
            if program.closes_at
            else _("Lottery: applications open")
        )
        return SignupLabel("lottery", text, "primary", open=True)
    if _full(program):
        if program.has_waitlist:
            return SignupLabel(
                "waitlist", _("Full: you can join the waiting list"), "warning", True
            )
        return SignupLabel("full", _("Full"), "danger")
    return SignupLabel("open", _("Open for sign-up"), "success", open=True)


def signup_label(program: Program, now: datetime | None = None) -> SignupLabel:
    now = now or timezone.now()
    if program.status == ProgramStatus.CANCELLED:
        return SignupLabel("cancelled", _("Cancelled"), "danger")
    refusal = services.signup_state(program, now)
    closed = {
        "no_signup_needed": (_("No sign-up needed: just come"), "muted"),
        "started": (_("Already started"), "muted"),
        "waiting_for_draw": (_("Lottery: being drawn"), "muted"),
        "closed": (_("Sign-up closed"), "muted"),
        "not_published": (_("Not open"), "muted"),
    }
    if refusal == "not_open_yet":
        text = _("Sign-up opens {date}").format(date=when(program.opens_at))
        return SignupLabel(refusal, text, "primary")
    if refusal in closed:
        text, tone = closed[refusal]
        return SignupLabel(refusal, str(text), tone)
    return _open_label(program)


def seats_text(program: Program) -> str:
    """Seats left in the unit the program counts; "" when nothing is left (the label
    already says "full") or sign-up is not needed."""
    if not program.takes_entries or 0 in (program.seats_left_families, program.seats_left_people):
        return ""
    if program.capacity_families is not None:
        left = program.seats_left_families
        return _("{left} of {total} families left").format(
            left=left, total=program.capacity_families
        )
    if program.capacity_people is not None:
        return _("{left} of {total} places left").format(
            left=program.seats_left_people, total=program.capacity_people
        )
    return _("No limit")


# -- entries -------------------------------------------------------------------------------------
@dataclass
class EntryView:
    entry: Entry
    text: str
    tone: str
    position: int | None = None
    cancel_until: datetime | None = None
    can_cancel: bool = False
    can_answer: bool = False  # accept or decline an offer
    is_past: bool = False


def _status_text(entry: Entry, position: int | None) -> tuple[str, str]:
    program = entry.program
    if entry.status == EntryStatus.APPLIED:
        if program.draw_at:
            return _("Applied. The lottery is drawn on {date}.").format(
                date=when(program.draw_at)
            ), "primary"
        return _("Applied. Please wait for the lottery."), "primary"
    if entry.status == EntryStatus.WAITLISTED:
        return _("Waiting list: number {position}").format(position=position), "warning"
    if entry.status == EntryStatus.OFFERED:
        return _("A seat is free for you! Please answer by {date}.").format(
            date=when(entry.offer_expires_at)
        ), "accent"
    texts = {
        EntryStatus.CONFIRMED: (_("Your seat is confirmed."), "success"),
        EntryStatus.CANCELLED: (_("Cancelled."), "muted"),
        EntryStatus.DECLINED: (_("You said no to the seat."), "muted"),
        EntryStatus.LAPSED: (_("The time to answer the offer has passed."), "muted"),
        EntryStatus.NOT_DRAWN: (_("Not drawn in the lottery this time."), "muted"),
    }
    text, tone = texts[entry.status]
    return str(text), tone


def entry_view(entry: Entry, now: datetime | None = None) -> EntryView:
    now = now or timezone.now()
    program = entry.program
    position = queries.waitlist_position(entry)
    text, tone = _status_text(entry, position)
    ended = program.last_ends_at is not None and program.last_ends_at < now
    deadline = services.cancel_deadline(program)
    in_time = deadline is None or now <= deadline
    offer_open = entry.status == EntryStatus.OFFERED and entry.offer_expires_at > now
    return EntryView(
        entry=entry,
        text=text,
        tone=tone,
        position=position,
        cancel_until=deadline if entry.is_active else None,
        can_cancel=entry.is_active and in_time and not ended and not offer_open,
        can_answer=offer_open and not ended,
        is_past=ended or not entry.is_active,
    )
