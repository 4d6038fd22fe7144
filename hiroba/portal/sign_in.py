"""Signing parents in by e-mail link: no passwords to forget, nothing to register.

A parent types an address; if a caregiver of a current family (registered or pre-registered)
has it, we e-mail a link signed with ``TimestampSigner`` (30 minutes, a salt of its own).
The page answers the same whether or not the address is known, and as fast: the e-mail
goes out after the answer (``core.after_response``), so nobody can find out who is
registered, not even by timing. Requests are limited per connection and per address
(hashed, never stored in clear) in the cache, counted whether or not the address is known
for the same reason.

The link names the family and the caregiver and carries a digest of the address, so it stops
working when staff change the caregiver's e-mail. It works once: opening it shows a button,
and only the POST of that button (which mail scanners do not send) signs in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hiroba.core import ratelimit
from hiroba.core.models import IdempotencyRecord
from hiroba.families.choices import MemberKind
from hiroba.families.models import Household, Member

SALT = "hiroba.portal.parent-sign-in"
MAX_AGE_SECONDS = 30 * 60
WINDOW_SECONDS = 60 * 60
DEFAULT_LINKS_PER_ADDRESS = 5
DEFAULT_REQUESTS_PER_IP = 20


# -- rate limits ---------------------------------------------------------------------------------
def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()


def over_limit(ip: str | None, address: str) -> bool:
    """Count this request; True when the connection or the address asked too often. Slots
    (``core.ratelimit``) keep the count right under parallel requests."""
    per_ip = getattr(settings, "HIROBA_PORTAL_SIGN_IN_PER_IP", DEFAULT_REQUESTS_PER_IP)
    per_address = getattr(settings, "HIROBA_PORTAL_SIGN_IN_PER_ADDRESS", DEFAULT_LINKS_PER_ADDRESS)
    by_ip = ratelimit.take_slot(f"portal:sign-in:ip:{ip or 'unknown'}", per_ip, WINDOW_SECONDS)
    by_address = ratelimit.take_slot(
        f"portal:sign-in:address:{_digest(address)}", per_address, WINDOW_SECONDS
    )
    return not (by_ip and by_address)


# -- who may sign in -----------------------------------------------------------------------------
def caregivers_with_address(address: str) -> list[Member]:
    """Present caregivers of current families with this address, one per family."""
    members = (
        Member.objects.present()
        .filter(
            kind=MemberKind.CAREGIVER,
            email__iexact=address.strip(),
            household__in=Household.objects.current(),
        )
        .select_related("household__hub")
        .order_by("household_id", "-is_primary_contact", "sort_order", "pk")
    )
    by_family: dict[int, Member] = {}
    for member in members[:20]:
        by_family.setdefault(member.household_id, member)
    return list(by_family.values())


# -- the signed link -----------------------------------------------------------------------------
def make_token(member: Member) -> str:
    payload = {
        "h": member.household_id,
        "m": member.pk,
        "a": _digest(member.email)[:16],
        "n": secrets.token_urlsafe(6),  # every link is new, so "used once" is per link
    }
    return signing.TimestampSigner(salt=SALT).sign_object(payload)


@dataclass(frozen=True)
class LinkResult:
    member: Member | None = None
    problem: str = ""  # "expired" or "invalid"


def read_token(token: str) -> LinkResult:
    """The caregiver the link was made for, if it is genuine, recent and still fits."""
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return LinkResult(problem="expired")
    except signing.BadSignature:
        return LinkResult(problem="invalid")
    if not isinstance(payload, dict):
        return LinkResult(problem="invalid")
    member = (
        Member.objects.present()
        .filter(
            pk=payload.get("m"),
            household_id=payload.get("h"),
            kind=MemberKind.CAREGIVER,
            household__in=Household.objects.current(),
        )
        .select_related("household")
        .first()
    )
    if member is None or _digest(member.email)[:16] != payload.get("a"):
        return LinkResult(problem="invalid")
    return LinkResult(member=member)


def claim_token(token: str) -> bool:
    """Mark the link used; False when it was used before. Kept in the database (a unique row
    of ``core.IdempotencyRecord``, pruned after 24 hours, far beyond the link's 30 minutes),
    not the cache, which may cull entries and is per process unless shared."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                scope="portal:sign-in-link", key=_digest(token), fingerprint="used"
            )
    except IntegrityError:
        return False
    return True


# -- the e-mail ----------------------------------------------------------------------------------
def link_url(member: Member, next_path: str = "") -> str:
    url = settings.HIROBA_PUBLIC_URL + reverse(
        "portal:sign-in-link", kwargs={"token": make_token(member)}
    )
    return url + ("?" + urlencode({"next": next_path}) if next_path else "")


def send_links(address: str, members: list[Member], next_path: str = "") -> None:
    """One message with a link per family that has this address (a parent may hold the
    card of two families, e.g. after a separation), in the language the parent is using."""
    families = [
        {"member": m, "hub": m.household.hub, "url": link_url(m, next_path)} for m in members
    ]
    body = render_to_string(
        "portal/sign_in/email.txt", {"families": families, "minutes": MAX_AGE_SECONDS // 60}
    )
    EmailMessage(_("Your sign-in link for Hiroba"), body, None, [address]).send()
