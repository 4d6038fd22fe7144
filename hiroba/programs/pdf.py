"""The printable roster (名簿) of one program session, typeset with Typst.

Staff print it before a class: who is confirmed, with a box to tick at the door, the totals,
and the waiting list with phone numbers for calling families when a seat frees up.

``roster_data`` turns the rows into plain JSON-able data (every label translated here, so the
Typst source holds no human text); ``roster_pdf`` hands that data to the Typst source
``templates/programs/print/roster.typ`` through ``sys.inputs`` and returns the PDF bytes.
Names, titles and messages only ever travel as JSON strings, which Typst places as text and
never reads as markup: a name like ``#set $x$`` prints exactly as typed.

Typesetting and the font are shared: ``hiroba.core.typeset``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from hiroba.core.typeset import FONT_FAMILY, compile_typst
from hiroba.families.choices import MemberKind
from hiroba.families.models import Member
from hiroba.families.templatetags.family_tags import age
from hiroba.lib.text import format_phone
from hiroba.lib.wareki import format_wareki_date
from hiroba.programs import queries
from hiroba.programs.choices import EntryStatus
from hiroba.programs.models import Entry, Program, ProgramSession

PRINT_DIR = Path(__file__).resolve().parent / "templates" / "programs" / "print"
ROSTER_TEMPLATE = PRINT_DIR / "roster.typ"
NO_VALUE = "—"


def roster_pdf(program: Program, session: ProgramSession) -> bytes:
    """The roster of ``session`` as an A4 PDF (see the module docstring)."""
    return compile_typst(ROSTER_TEMPLATE, roster_data(program, session))


# -- the data the Typst source reads ----------------------------------------------------------
def roster_data(program: Program, session: ProgramSession, *, now: datetime | None = None) -> dict:
    """Everything the roster prints, as strings and numbers. Four queries for the entries
    (``queries.roster``) and one for the session number, whatever the number of families."""
    on = timezone.localtime(session.starts_at).date()
    entries = list(queries.roster(program))
    confirmed = sorted(
        (e for e in entries if e.status == EntryStatus.CONFIRMED), key=_reading_order
    )
    waiting = sorted(
        (e for e in entries if e.status == EntryStatus.WAITLISTED), key=lambda e: e.waitlist_seq
    )
    offered = sorted(
        (e for e in entries if e.status == EntryStatus.OFFERED),
        key=lambda e: (e.offer_expires_at, e.pk),
    )
    now = timezone.localtime(now or timezone.now())
    return {
        "lang": (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0],
        "font": FONT_FAMILY,
        "document_title": _("Roster: {title}, {date}").format(
            title=program.title, date=on.isoformat()
        ),
        "kind": _("Roster"),
        "title": program.title,
        "facts": _facts(program, session, on),
        "labels": _labels(),
        "confirmed": [_confirmed_row(n, e, on) for n, e in enumerate(confirmed, start=1)],
        "totals": _totals(confirmed),
        "waiting": [_waiting_row(n, e) for n, e in enumerate(waiting, start=1)],
        "offered": [_offered_row(e) for e in offered],
        "footer": _("Printed {when}").format(when=formats.date_format(now, "DATETIME_FORMAT")),
    }


def _labels() -> dict:
    """Every fixed text of the page, translated in the active language."""
    return {
        "confirmed": _("Confirmed families"),
        "confirmed_columns": [
            _("Came"),
            _("No."),
            _("Card number"),
            _("Contact (furigana)"),
            _("Children (age on the day)"),
            _("Adults"),
            _("Children"),
            _("Applied by"),
            _("Message to staff"),
        ],
        "no_confirmed": _("No family is confirmed yet."),
        "total": _("Total"),
        "tally": _(
            "On the day — came: ____ families, ____ people; "
            "without sign-up: ____ families, ____ people"
        ),
        "waiting": _("Waiting list"),
        "waiting_columns": [
            _("Position"),
            _("Card number"),
            _("Contact (furigana)"),
            _("Phone"),
            _("Adults"),
            _("Children"),
        ],
        "no_waiting": _("Nobody is on the waiting list."),
        "offered": _("Seats offered, not answered yet"),
        "offered_columns": [
            _("Card number"),
            _("Contact (furigana)"),
            _("Phone"),
            _("Offer open until"),
        ],
    }


def _facts(program: Program, session: ProgramSession, on: date) -> list[dict]:
    """The lines under the title: date (和暦 and 西暦) and time, session number, venue, hub,
    capacity and the session's note."""
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    when = _("{wareki} ({western}) {start}–{end}").format(
        wareki=format_wareki_date(on, style="long_weekday"),
        western=formats.date_format(on, "DATE_FORMAT"),
        start=f"{starts:%H:%M}",
        end=f"{ends:%H:%M}" if ends.date() == on else formats.date_format(ends, "DATETIME_FORMAT"),
    )
    facts = [(_("Date"), when)]
    number, count = _session_number(program, session)
    if count > 1:
        facts.append((_("Session"), _("{number} of {count}").format(number=number, count=count)))
    facts += [
        (_("Venue"), program.venue.name),
        (_("Hub"), program.hub.name),
        (_("Capacity"), _capacity(program)),
    ]
    if session.note:
        facts.append((_("Note"), session.note))
    return [{"label": label, "value": value} for label, value in facts]


def _session_number(program: Program, session: ProgramSession) -> tuple[int, int]:
    """(n, total): the session's place in its series, by start time."""
    ids = list(program.sessions.order_by("starts_at", "pk").values_list("pk", flat=True))
    return (ids.index(session.pk) + 1 if session.pk in ids else 1), len(ids)


def _capacity(program: Program) -> str:
    families, people = program.capacity_families, program.capacity_people
    if families is not None and people is not None:
        return _("{families} families / {people} people").format(families=families, people=people)
    if families is not None:
        return _("{families} families").format(families=families)
    if people is not None:
        return _("{people} people").format(people=people)
    return _("No limit")


# -- rows ------------------------------------------------------------------------------------
def _members(entry: Entry) -> list[Member]:
    """Who comes, caregivers first (prefetched by ``queries.roster``)."""
    return sorted(entry.members.all(), key=lambda m: (m.kind != MemberKind.CAREGIVER, m.pk))


def _contact(entry: Entry) -> Member | None:
    """The person staff call: the entry's contact, else the first caregiver who comes."""
    if entry.contact is not None:
        return entry.contact
    return next((m for m in _members(entry) if m.kind == MemberKind.CAREGIVER), None)


def _reading_order(entry: Entry) -> tuple:
    """Families in あいうえお order of the contact's furigana, as staff look names up at the
    door; the card number breaks ties and orders families without a contact."""
    contact = _contact(entry)
    reading = contact.furigana if contact else ""
    return (reading == "", reading, entry.household.card_number, entry.pk)


def _person(entry: Entry) -> dict:
    contact = _contact(entry)
    return {
        "card": entry.household.card_number,
        "name": str(contact) if contact else NO_VALUE,
        "furigana": contact.furigana if contact else "",
    }


def _phone(entry: Entry) -> str:
    """The contact's phone, else that of another caregiver who comes."""
    contact = _contact(entry)
    candidates = [contact] if contact else []
    candidates += [m for m in _members(entry) if m.kind == MemberKind.CAREGIVER]
    number = next((m.phone for m in candidates if m.phone), "")
    if not number:
        return NO_VALUE
    try:
        return format_phone(number)
    except ValueError:
        return number


def _child_line(child: Member, contact: Member | None, on: date) -> str:
    """ "はなこ 1歳3か月": the given name when the family name is the contact's, the age on
    the session's day; a pregnancy shows its due date."""
    same_family = contact is not None and child.family_name == contact.family_name
    name = child.given_name if same_family and child.given_name else str(child)
    if child.birth_date is None and child.due_date is not None:
        due = formats.date_format(child.due_date, "SHORT_DATE_FORMAT")
        return _("Expecting, due {date}").format(date=due)
    years_months = age(child, on)
    return f"{name} {years_months}".strip()


def _children(entry: Entry, on: date) -> list[str]:
    contact = _contact(entry)
    return [_child_line(m, contact, on) for m in _members(entry) if m.kind == MemberKind.CHILD]


def _confirmed_row(number: int, entry: Entry, on: date) -> dict:
    return {
        "number": number,
        **_person(entry),
        "children": _children(entry, on),
        "adults": entry.adults,
        "kids": entry.children,
        "channel": entry.get_channel_display(),
        "message": entry.message,
    }


def _totals(confirmed: Iterable[Entry]) -> dict:
    rows = list(confirmed)
    adults = sum(e.adults for e in rows)
    kids = sum(e.children for e in rows)
    return {
        "families": len(rows),
        "adults": adults,
        "kids": kids,
        "summary": _("{families} families, {people} people").format(
            families=len(rows), people=adults + kids
        ),
    }


def _waiting_row(position: int, entry: Entry) -> dict:
    return {
        "position": position,
        **_person(entry),
        "phone": _phone(entry),
        "adults": entry.adults,
        "kids": entry.children,
    }


def _offered_row(entry: Entry) -> dict:
    until = timezone.localtime(entry.offer_expires_at)
    return {
        **_person(entry),
        "phone": _phone(entry),
        "until": formats.date_format(until, "SHORT_DATETIME_FORMAT"),
    }


# -- the download ----------------------------------------------------------------------------
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


def roster_file_name(program: Program, session: ProgramSession) -> str:
    """ "名簿_離乳食教室_2026-11-05.pdf": characters that file systems refuse become "_"."""
    on = timezone.localtime(session.starts_at).date()
    title = _UNSAFE_IN_FILE_NAMES.sub("_", program.title).strip("_")[:60] or "program"
    return "{kind}_{title}_{date}.pdf".format(kind=_("Roster"), title=title, date=on.isoformat())


def content_disposition(program: Program, session: ProgramSession) -> str:
    """Shown in the browser (inline), saved under the Japanese name (RFC 6266 ``filename*``)
    with an ASCII name for old clients."""
    on = timezone.localtime(session.starts_at).date()
    ascii_name = f"roster-{on.isoformat()}-{session.pk}.pdf"
    japanese = quote(roster_file_name(program, session), safe="")
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{japanese}"
