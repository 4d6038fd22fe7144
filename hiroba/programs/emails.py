"""E-mails about entries: received, confirmed, lottery result, seat offer, lapsed offer,
cancellation, a changed date or time and the reminder the day before, each with a calendar
file where it helps.

Sent after commit (``notify``), in the family's language, to the entry's contact person (or
the family's main contact) when the family prefers e-mail. Families who prefer a phone call,
or have no address, get none: the roster shows staff whom to call. A seat offer made during
the quiet hours (21:00–8:00) is held back and sent by ``programs_tick`` in the morning; its
clock only starts then (``signup.offer_expiry``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from hiroba.families.choices import site_language
from hiroba.programs import calendar, links, notify
from hiroba.programs.choices import EntryStatus
from hiroba.programs.contacts import recipient
from hiroba.programs.models import Entry
from hiroba.programs.queries import waitlist_position
from hiroba.programs.rules import program_rules

_SUBJECTS_BY_STATUS = {
    (notify.ENTRY_RECEIVED, EntryStatus.CONFIRMED): gettext_lazy("[Confirmed] {title}"),
    (notify.ENTRY_RECEIVED, EntryStatus.WAITLISTED): gettext_lazy("[Waiting list] {title}"),
    (notify.ENTRY_RECEIVED, None): gettext_lazy("[Application received] {title}"),
    (notify.LOTTERY_RESULT, EntryStatus.CONFIRMED): gettext_lazy(
        "[Lottery: you have a seat] {title}"
    ),
    (notify.LOTTERY_RESULT, EntryStatus.NOT_DRAWN): gettext_lazy("[Lottery: not drawn] {title}"),
    (notify.LOTTERY_RESULT, None): gettext_lazy("[Lottery: waiting list] {title}"),
    (notify.ENTRY_CONFIRMED, None): gettext_lazy("[Confirmed] {title}"),
    (notify.ENTRY_CANCELLED, None): gettext_lazy("[Cancelled] {title}"),
    (notify.OFFER_MADE, None): gettext_lazy("[A seat is free for you] {title}"),
    (notify.OFFER_LAPSED, None): gettext_lazy("[Offer ended] {title}"),
    (notify.REMINDER, None): gettext_lazy("[Tomorrow] {title}"),
    (notify.SCHEDULE_CHANGED, None): gettext_lazy("[New date or time] {title}"),
}
"""Subjects by message kind and, where the news depends on it, the entry's status."""


def _subject(kind: str, entry: Entry) -> str:
    subject = _SUBJECTS_BY_STATUS.get((kind, entry.status)) or _SUBJECTS_BY_STATUS[(kind, None)]
    return str(subject).format(title=entry.program.title)


def in_quiet_hours(entry: Entry, now=None) -> bool:
    rules = program_rules(entry.program)
    hour = timezone.localtime(now or timezone.now()).hour
    return hour >= rules["quiet_hours_start"] or hour < rules["quiet_hours_end"]


def _my_page_url() -> str:
    return settings.HIROBA_PUBLIC_URL + reverse("portal:my-page")


def entry_url(entry: Entry) -> str:
    """The signed link to this entry: the parent can see, cancel, accept or decline it
    straight from the message, without signing in (``links``)."""
    token = links.entry_token(entry)
    return settings.HIROBA_PUBLIC_URL + reverse("portal:entry-link", kwargs={"token": token})


def _body(kind: str, entry: Entry) -> str:
    context = {
        "kind": kind,
        "entry": entry,
        "program": entry.program,
        "sessions": list(entry.program.sessions.all()),
        "venue": entry.program.venue,
        "hub": entry.program.hub,
        "position": waitlist_position(entry),
        "my_page_url": _my_page_url(),
        "entry_url": entry_url(entry),
    }
    return render_to_string("programs/email/entry.txt", context)


def _attachment(kind: str, entry: Entry) -> bytes | None:
    if kind == notify.ENTRY_CANCELLED:
        return calendar.program_ics(entry.program, cancelled=True)
    if entry.status in (EntryStatus.CONFIRMED, EntryStatus.OFFERED):
        return calendar.program_ics(entry.program)
    return None


_ONCE_ONLY = {notify.OFFER_MADE: "offer_notified_at", notify.REMINDER: "reminded_at"}
"""Messages sent at most once per entry: the stamp is claimed before sending (a
compare-and-set), so two ticks or a tick and the commit hook never both send one."""


def _claim(entry: Entry, stamp: str) -> bool:
    claimed = Entry.objects.filter(pk=entry.pk, **{f"{stamp}__isnull": True}).update(
        **{stamp: timezone.now()}
    )
    return bool(claimed)


def send(kind: str, entry_id: int, *, now=None) -> bool:
    """Send one message; False when the family gets none (phone, no address, quiet hours)."""
    entry = (
        Entry.objects.select_related(
            "program__venue", "program__hub__ward__municipality", "household", "contact"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        return False
    if kind == notify.OFFER_MADE and (
        entry.status != EntryStatus.OFFERED or in_quiet_hours(entry, now)
    ):
        return False
    address = recipient(entry)
    if address is None:
        return False
    with translation.override(site_language(entry.household.language)):
        message = EmailMessage(_subject(kind, entry), _body(kind, entry), None, [address])
        ics = _attachment(kind, entry)
    if ics:
        message.attach("program.ics", ics, "text/calendar; charset=utf-8")
    stamp = _ONCE_ONLY.get(kind)
    if stamp and not _claim(entry, stamp):
        return False  # another tick (or the commit hook) is sending it
    try:
        message.send()
    except Exception:
        if stamp:
            Entry.objects.filter(pk=entry.pk).update(**{stamp: None})
        raise
    return True
