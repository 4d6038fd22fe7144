"""Signed links to one entry, for the e-mails: a parent opens the entry and may cancel,
accept or decline from the message without signing in (issue 4).

The token carries the entry id and the family id, signed with the project key and a salt of
its own, so it cannot be forged or reused for another kind of link. It needs no timestamp:
it stops working once the program has ended or the family card is merged or anonymised.
Anyone holding the link can act on the entry, as with the family card's token, so pages
showing it are never cached and send no Referer.
"""

from __future__ import annotations

from django.core import signing
from django.utils import timezone

from hiroba.programs.contacts import address_digest, recipient
from hiroba.programs.models import Entry

SALT = "hiroba.programs.entry-link"


def entry_token(entry: Entry) -> str:
    """A link for the person the message goes to: it stops working when that address is no
    longer the family's contact (the caregiver left the family, or the address changed)."""
    address = address_digest(recipient(entry))
    return signing.dumps({"e": entry.pk, "h": entry.household_id, "a": address}, salt=SALT)


def _ids(token: str) -> tuple[int, int, str] | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    entry_id, household_id, address = data.get("e"), data.get("h"), data.get("a")
    if not isinstance(entry_id, int) or not isinstance(household_id, int):
        return None
    if not isinstance(address, str):
        return None
    return entry_id, household_id, address


def entry_for_token(token: str, *, now=None) -> Entry | None:
    """The entry the link was made for; None for a forged or broken token, a program that
    has ended, or a family card that is no longer current."""
    ids = _ids(token or "")
    if ids is None:
        return None
    entry_id, household_id, address = ids
    entry = (
        Entry.objects.filter(pk=entry_id, household_id=household_id)
        .select_related("program__venue", "program__hub__ward__municipality", "household")
        .prefetch_related("members", "program__sessions")
        .first()
    )
    if entry is None or not entry.household.is_current:
        return None
    if address_digest(recipient(entry)) != address:
        return None
    ended = entry.program.last_ends_at
    if ended is not None and ended < (now or timezone.now()):
        return None
    return entry
