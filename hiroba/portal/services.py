"""Portal actions. Pre-registration writes through ``families.services`` only; this module
adds what a public form needs around it: a per-address rate limit and replay of a double tap.

Both live in the cache (``HIROBA_CACHE``; production shares one database cache between app
servers). A fixed one-hour window per IP address is enough here: the limit only has to stop a
script filling the registry, while a family at the hub's Wi-Fi may still register a few cards.

The limit is a set of slots per address and window, taken with ``cache.add``: add is atomic on
every backend we use (locmem under its lock, the database cache by the key's primary key), so
parallel submissions can never take more slots than the limit. ``cache.incr`` is not atomic on
the database cache (Django reads, adds and writes back, and resets the expiry), so a counter
would let a burst of parallel requests past the limit in production.

What counts: a submission takes a slot before anything else is done, so the limit holds
however many arrive at once. A submission that created no card (the form had mistakes, a
double tap, the registry refused it) gives its slot back with ``release_registration``: a
parent correcting a typo on a phone must not lock the hub's Wi-Fi out, and such submissions do
not fill the registry. Robots caught by the honeypot keep their slot.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

from hiroba.core import ratelimit
from hiroba.core.models import Hub
from hiroba.families import services as family_services
from hiroba.families.choices import HouseholdStatus, MemberKind, RegistrationSource
from hiroba.families.models import Household
from hiroba.families.services import HouseholdData, MemberData, RegistryError

DEFAULT_REGISTRATIONS_PER_HOUR = 5
WINDOW_SECONDS = 60 * 60
REPLAY_SECONDS = 60 * 60
IN_PROGRESS = "…"


class RegistrationFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- rate limit ----------------------------------------------------------------------------------
def _limit() -> int:
    return getattr(settings, "HIROBA_PORTAL_REGISTRATIONS_PER_HOUR", DEFAULT_REGISTRATIONS_PER_HOUR)


def _name(ip: str | None) -> str:
    return f"portal:registrations:{ip or 'unknown'}"


def reserve_registration(ip: str | None) -> bool:
    """Take a slot for one submission from ``ip``; False, taking nothing, when every slot of
    this hour is taken. Call before the submission is handled."""
    return ratelimit.take_slot(_name(ip), _limit(), WINDOW_SECONDS)


def release_registration(ip: str | None) -> None:
    """Give back the slot of a submission that created no card (see the module docstring)."""
    ratelimit.give_back(_name(ip), _limit(), WINDOW_SECONDS)


def registrations_taken(ip: str | None) -> int:
    return ratelimit.taken(_name(ip), _limit(), WINDOW_SECONDS)


def registrations_exhausted(ip: str | None) -> bool:
    """The check the register view makes before handling a submission. It takes the
    submission's slot at once (``reserve_registration``): checking and counting separately let
    parallel submissions all pass the check before any was counted."""
    return not reserve_registration(ip)


# -- a double tap registers once -----------------------------------------------------------------
def _replay_key(key: str) -> str:
    return f"portal:registration:{key}"


def claim(key: str) -> str | None:
    """None when this form submission is the first with ``key``; otherwise the card token of
    the family it registered ("" while the first submission is still being saved)."""
    if not key or cache.add(_replay_key(key), IN_PROGRESS, REPLAY_SECONDS):
        return None
    for _attempt in range(10):  # the first tap is usually done within a moment
        token = cache.get(_replay_key(key))
        if token != IN_PROGRESS:
            return token or ""
        time.sleep(0.2)
    return ""


def release(key: str, card_token: str | None) -> None:
    """Remember the result of the submission (or forget it when it failed)."""
    if not key:
        return
    if card_token:
        cache.set(_replay_key(key), card_token, REPLAY_SECONDS)
    else:
        cache.delete(_replay_key(key))


# -- the registration itself ---------------------------------------------------------------------
def household_data(form, children) -> HouseholdData:
    """What the parent typed, as the registry's ``HouseholdData``."""
    data = form.cleaned_data
    parent = MemberData(
        kind=MemberKind.CAREGIVER,
        family_name=data["family_name"],
        given_name=data["given_name"],
        family_name_kana=data["family_name_kana"],
        given_name_kana=data["given_name_kana"],
        relation=data["relation"],
        phone=data["phone"],
        email=data.get("email") or "",
        is_primary_contact=True,
    )
    kids = [
        MemberData(
            kind=MemberKind.CHILD,
            family_name=parent.family_name,
            family_name_kana=parent.family_name_kana,
            given_name=child.cleaned_data.get("given_name") or "",
            given_name_kana=child.cleaned_data.get("given_name_kana") or "",
            birth_date=child.cleaned_data.get("birth_date"),
            due_date=child.cleaned_data.get("due_date"),
        )
        for child in children
    ]
    return HouseholdData(
        members=[parent, *kids],
        postal_code=data["postal_code"],
        address_region=data.get("address_region") or "",
        address_rest=data.get("address_rest") or "",
        language=data["language"],
        how_heard=data.get("how_heard") or "",
        consents=form.consents(),
    )


def pre_register(hub: Hub, data: HouseholdData) -> Household:
    """A parent's pre-registration: a PENDING card that staff confirm at the first visit."""
    try:
        return family_services.register_household(
            hub,
            data,
            actor=None,
            source=RegistrationSource.PORTAL,
            status=HouseholdStatus.PENDING,
        )
    except RegistryError as error:
        raise RegistrationFailed(error.message) from error
    except ValidationError as error:
        raise RegistrationFailed(" ".join(error.messages)) from error
