"""The parent's session on the portal: which family (and which caregiver of it) this browser
signed in as with an e-mail link (``sign_in``). Parents have no accounts and no passwords.

The session holds two ids under fixed keys (``SESSION_HOUSEHOLD``, ``SESSION_MEMBER``); the
rush benchmark writes such sessions directly, so the key names are part of the contract.
Every request re-reads the family and checks it is still current (a card merged or
anonymised since signs the parent out) and that the caregiver is still in it.
"""

from __future__ import annotations

from functools import wraps

from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from hiroba.families.choices import CURRENT_HOUSEHOLD_STATUSES, MemberKind
from hiroba.families.models import Household, Member

SESSION_HOUSEHOLD = "portal_household_id"
SESSION_MEMBER = "portal_member_id"
_CACHED = "_portal_parent"
MEMBER_ORDER = ("kind", "sort_order", "pk")


def _load(household_id, member_id) -> tuple[Household | None, Member | None]:
    """The current family with its present members and the signed-in caregiver, in one
    query (members joined to their household). The members are put where a prefetch would put
    them, so the apply form, the eligibility check and the contact person read them for free;
    the sign-up rush pays this on every request."""
    try:
        household_id, member_id = int(household_id), int(member_id)
    except (TypeError, ValueError):
        return None, None
    members = list(
        Member.objects.present()
        .filter(household_id=household_id, household__status__in=CURRENT_HOUSEHOLD_STATUSES)
        .select_related("household")
        .order_by(*MEMBER_ORDER)
    )
    member = next(
        (m for m in members if m.pk == member_id and m.kind == MemberKind.CAREGIVER), None
    )
    if member is None:  # not signed in, the card is no longer current, or the parent left
        return None, None
    household = member.household
    for person in members:
        person.household = household  # one object, as a prefetch would share it
    _cache_members(household, members)
    return household, member


def _cache_members(household: Household, members: list[Member]) -> None:
    """``household.members.all()`` returns ``members`` without a query: the attribute
    ``prefetch_related`` fills, holding a queryset of the present members (so a further
    ``.filter()`` on it still leaves out members who moved out, as the prefetch did)."""
    queryset = Member.objects.present().filter(household=household).order_by(*MEMBER_ORDER)
    queryset._result_cache = members
    queryset._prefetch_done = True
    household._prefetched_objects_cache = {"members": queryset}


def _parent(request) -> tuple[Household | None, Member | None]:
    cached = getattr(request, _CACHED, None)
    if cached is None:
        session = request.session
        cached = _load(session.get(SESSION_HOUSEHOLD), session.get(SESSION_MEMBER))
        setattr(request, _CACHED, cached)
    return cached


def current_household(request) -> Household | None:
    """The family this browser is signed in as, if its card is still current; the present
    members are prefetched (``household.members.all()`` costs no query)."""
    return _parent(request)[0]


def current_member(request) -> Member | None:
    """The caregiver who signed in (the entry's contact person)."""
    return _parent(request)[1]


def sign_in(request, household: Household, member: Member) -> None:
    """A new session key first (no session fixation), then the family's ids."""
    request.session.cycle_key()
    rotate_token(request)  # a CSRF token seen before signing in is not reused after
    request.session[SESSION_HOUSEHOLD] = household.pk
    request.session[SESSION_MEMBER] = member.pk
    if hasattr(request, _CACHED):
        delattr(request, _CACHED)


def sign_out(request) -> None:
    """Forget the family; a staff sign-in in the same browser is left alone."""
    request.session.pop(SESSION_HOUSEHOLD, None)
    request.session.pop(SESSION_MEMBER, None)
    request.session.cycle_key()
    if hasattr(request, _CACHED):
        delattr(request, _CACHED)


def is_signed_in(request) -> bool:
    return SESSION_HOUSEHOLD in request.session and current_household(request) is not None


def safe_next(request, value: str | None, default: str) -> str:
    """``value`` when it is a path on this site, otherwise ``default`` (no open redirect)."""
    is_path = bool(value) and value.startswith("/") and not value.startswith("//")
    if is_path and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default


def sign_in_url(next_path: str) -> str:
    return reverse("portal:sign-in") + "?" + urlencode({"next": next_path})


def parent_required(view=None, *, back_after_post=None):
    """The view needs a signed-in family: otherwise the sign-in page, coming back here
    afterwards (GET), or after a POST to ``back_after_post(request, **kwargs)`` (default:
    My Page), since a form cannot be re-sent through a redirect. Pages are never cached."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if current_household(request) is None:
                if SESSION_HOUSEHOLD in request.session:  # the card was merged: start again
                    sign_out(request)
                if request.method == "GET":
                    back = request.get_full_path()
                elif back_after_post is not None:
                    back = back_after_post(request, **kwargs)
                else:
                    back = reverse("portal:my-page")
                return redirect(sign_in_url(back))
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorator(view) if view is not None else decorator
