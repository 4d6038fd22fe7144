"""Writes to users and memberships: invite, change role, remove, unlock, reset two-factor.

Every function is atomic and audited; e-mail goes out only after the transaction commits.
Callers have checked the actor's permission; these functions enforce the rules that must hold
whoever calls them (no self-lockout, a hub keeps a manager, no acting above one's own reach).
"""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from hiroba.accounts.choices import HUB_ROLES, ROLE_LEVEL, Role, ScopeLevel
from hiroba.accounts.models import Membership, User
from hiroba.accounts.permissions import MANAGE_STAFF
from hiroba.accounts.scope import forget_scope, scope_for
from hiroba.core import audit
from hiroba.core import services as core_services
from hiroba.core.models import Hub, Municipality, Ward


class AccountError(Exception):
    """A rule about accounts was broken; the message is shown to the user."""


def _invite_url(user: User, base_url: str) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def _send_invitation(user_id: int, place: str, base_url: str) -> None:
    user = User.objects.get(pk=user_id)
    context = {
        "user": user,
        "place": place,
        "url": _invite_url(user, base_url),
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invite_subject.txt", context).strip()
        body = render_to_string("accounts/email/invite_body.txt", context)
    send_mail(subject, body, None, [user.email])


def _check_hub_role(role: Role) -> None:
    if role not in HUB_ROLES:
        raise AccountError(_("That role cannot be given at a hub."))


def _scope_fields(role: Role, place: Hub | Ward | Municipality) -> dict:
    """The membership column for ``place``; the role must belong to that level."""
    level = ROLE_LEVEL[role]
    expected = {ScopeLevel.HUB: Hub, ScopeLevel.WARD: Ward, ScopeLevel.MUNICIPALITY: Municipality}
    if not isinstance(place, expected[level]):
        raise AccountError(_("That role cannot be given there."))
    return {level.value: place}


@transaction.atomic
def invite(
    place: Hub | Ward | Municipality,
    *,
    actor: User | None,
    email: str,
    full_name: str,
    role: Role,
    full_name_kana: str = "",
    base_url: str,
) -> Membership:
    """Give ``email`` a role at a hub, ward or city; a new person gets an e-mail with a link to
    set a password (valid for PASSWORD_RESET_TIMEOUT)."""
    scope = _scope_fields(role, place)
    email = email.strip().lower()  # sign-in is case-insensitive: accounts store lower case
    hub = place if isinstance(place, Hub) else None
    ward = place if isinstance(place, Ward) else getattr(hub, "ward", None)
    user = User.objects.filter(email=email).first()
    created_user = user is None
    if user is not None and not person_within_reach(user, actor):
        # Adding a role would bring someone else's staff member into this hub's reach.
        raise AccountError(
            _(
                "This e-mail address belongs to someone with roles elsewhere. Ask "
                "a city administrator to add the role."
            )
        )
    if created_user:
        user = User.objects.create_user(
            email=email, password=None, full_name=full_name, full_name_kana=full_name_kana
        )
        audit.record("accounts.user.invited", actor=actor, obj=user, hub=hub, ward=ward)
    membership = Membership.objects.filter(user=user, role=role, **scope).first()
    if membership and membership.is_active:
        raise AccountError(
            _("{name} already has this role here.").format(name=user.full_name or user.email)
        )
    if membership:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        audit.record(
            "accounts.membership.reactivated", actor=actor, obj=membership, hub=hub, ward=ward
        )
    else:
        membership = Membership.objects.create(user=user, role=role, **scope)
        audit.record(
            "accounts.membership.created",
            actor=actor,
            obj=membership,
            hub=hub,
            ward=ward,
            payload={"role": role.value},
        )
    if created_user:
        place_name = str(place)
        transaction.on_commit(lambda: _send_invitation(user.pk, place_name, base_url))
    return membership


def _check_not_self(membership: Membership, actor: User) -> None:
    if membership.user_id == actor.pk:
        raise AccountError(_("You cannot change or remove your own role."))


def _lock_hub(hub_id: int) -> None:
    Hub.objects.select_for_update(no_key=True).only("pk").get(pk=hub_id)


def _lock_municipality(municipality_id: int) -> None:
    Municipality.objects.select_for_update(no_key=True).only("pk").get(pk=municipality_id)


def _lock_for_role_change(membership: Membership) -> Membership:
    """Role changes at one hub (or one city) queue up behind the hub's (city's) row, so two
    people cannot each remove "the other" manager at the same moment (docs/concurrency.md,
    rule 2). Lock order: the place, then the membership."""
    if membership.hub_id:
        _lock_hub(membership.hub_id)
    elif membership.municipality_id:
        _lock_municipality(membership.municipality_id)
    return Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)


def _check_keeps_manager(membership: Membership) -> None:
    """A hub keeps at least one manager and a city at least one administrator."""
    if not membership.is_active:
        return
    if membership.role == Role.HUB_MANAGER:
        place = {"hub": membership.hub_id}
        message = _("A hub needs at least one manager. Appoint another manager first.")
    elif membership.role == Role.CITY_ADMIN:
        place = {"municipality": membership.municipality_id}
        message = _("A city needs at least one administrator. Add another one first.")
    else:
        return
    others = Membership.objects.active().filter(role=membership.role, **place)
    if not others.exclude(pk=membership.pk).exists():
        raise AccountError(message)


@transaction.atomic
def change_role(membership: Membership, role: Role, *, actor: User) -> Membership:
    _check_hub_role(role)
    _check_not_self(membership, actor)
    membership = _lock_for_role_change(membership)
    if membership.role == role:
        return membership
    if Membership.objects.filter(user=membership.user, role=role, hub=membership.hub).exists():
        raise AccountError(_("This person already has that role at this hub."))
    _check_keeps_manager(membership)
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        "accounts.membership.changed",
        actor=actor,
        obj=membership,
        payload={"from": previous, "to": role.value},
    )
    forget_scope(membership.user)
    return membership


@transaction.atomic
def deactivate_membership(membership: Membership, *, actor: User) -> Membership:
    _check_not_self(membership, actor)
    membership = _lock_for_role_change(membership)
    if not membership.is_active:
        return membership
    _check_keeps_manager(membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record("accounts.membership.deactivated", actor=actor, obj=membership)
    if not Membership.objects.active().filter(user=membership.user).exists():
        # No role left anywhere: end the person's open sessions now (ASVS 7.4.2).
        end_sessions(membership.user)
    return membership


@transaction.atomic
def reactivate_membership(membership: Membership, *, actor: User) -> Membership:
    updated = Membership.objects.filter(pk=membership.pk, is_active=False).update(is_active=True)
    if updated:
        membership.is_active = True
        audit.record("accounts.membership.reactivated", actor=actor, obj=membership)
    return membership


def end_sessions(user: User) -> int:
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


def person_within_reach(target: User, actor: User | None) -> bool:
    """True when every active role of ``target`` lies inside what ``actor`` manages: hub roles at
    hubs where the actor may manage staff, ward and city roles in a city the actor administers.
    Account-wide actions (unlock, reset two-factor, adding a role) need this, because they affect
    the person everywhere. ``actor=None`` is the operator at the command line."""
    if actor is None:
        return True
    managed_hubs = scope_for(actor).hub_ids(MANAGE_STAFF)
    cities = set(
        Membership.objects.active()
        .filter(user=actor, role=Role.CITY_ADMIN)
        .values_list("municipality_id", flat=True)
    )
    roles = (
        Membership.objects.active()
        .filter(user=target)
        .values_list("hub_id", "ward__municipality_id", "municipality_id")
    )
    return all(
        hub_id in managed_hubs if hub_id else (ward_city or city) in cities
        for hub_id, ward_city, city in roles
    )


def _check_reach(target: User, actor: User | None) -> None:
    if not person_within_reach(target, actor):
        raise AccountError(
            _("This person also has roles that you do not manage. Ask a city administrator.")
        )


@transaction.atomic
def unlock_account(membership: Membership, *, actor: User) -> int:
    """Lift a lockout after failed sign-ins before the cool-down ends; returns attempts reset."""
    user = membership.user
    _check_reach(user, actor)
    count = axes_reset(username=user.email) or 0
    audit.record("accounts.user.unlocked", actor=actor, obj=user, hub=membership.hub)
    return count


@transaction.atomic
def clear_mfa(membership: Membership, *, actor: User) -> int:
    """For a lost phone: remove the person's authenticators and sign them out everywhere. They
    set up a new authenticator at the next sign-in."""
    user = membership.user
    _check_not_self(membership, actor)
    _check_reach(user, actor)
    removed, _detail = Authenticator.objects.filter(user=user).delete()
    end_sessions(user)
    audit.record(
        "accounts.mfa.cleared",
        actor=actor,
        obj=user,
        hub=membership.hub,
        payload={"removed": removed},
    )
    return removed


@transaction.atomic
def update_profile(user: User, *, actor: User, full_name: str, full_name_kana: str) -> User:
    core_services.save_changes(
        user,
        {"full_name": full_name, "full_name_kana": full_name_kana},
        allowed=("full_name", "full_name_kana"),
        action="accounts.user.updated",
        actor=actor,
    )
    return user
