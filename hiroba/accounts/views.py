"""Staff management (hub managers and the city) and the signed-in user's own profile."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiroba.accounts import queries, services
from hiroba.accounts.choices import Role
from hiroba.accounts.context import current_hub, reachable_hubs, set_current_hub
from hiroba.accounts.forms import (
    CityAccountInviteForm,
    MembershipRoleForm,
    ProfileForm,
    StaffInviteForm,
    assignable_hub_roles,
)
from hiroba.accounts.permissions import (
    CHECK_ANY,
    CHECK_OBJECT,
    MANAGE_CITY_ACCOUNTS,
    MANAGE_STAFF,
    USE_CONSOLE,
    VIEW_STAFF,
    staff_view,
)
from hiroba.accounts.scope import scope_for
from hiroba.core.htmx import redirect_after_post


@staff_view(VIEW_STAFF)
def staff_list(request):
    hub = current_hub(request)
    memberships = list(queries.memberships_at(hub))
    rows = queries.account_rows(memberships)
    return render(
        request,
        "accounts/staff_list.html",
        {
            "hub": hub,
            "rows": rows,
            "can_manage": scope_for(request.user).can(MANAGE_STAFF, hub_id=hub.pk),
        },
    )


@staff_view(MANAGE_STAFF)
def staff_invite(request):
    hub = current_hub(request)
    form = StaffInviteForm(request.POST or None, roles=assignable_hub_roles())
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invite(
                hub,
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                full_name_kana=form.cleaned_data["full_name_kana"],
                role=Role(form.cleaned_data["role"]),
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("{name} was added as {role}.").format(
                    name=membership.user, role=membership.get_role_display()
                ),
            )
            return redirect_after_post(request, reverse("accounts:staff-list"))
    return render(request, "accounts/staff_invite.html", {"hub": hub, "form": form})


@staff_view(VIEW_STAFF, check=CHECK_OBJECT)
def staff_detail(request, membership_id: int):
    membership = queries.get_membership_for_user(request.user, membership_id, VIEW_STAFF)
    user = membership.user
    scope = scope_for(request.user)
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "membership": membership,
            "person": user,
            "other_memberships": queries.other_roles_in_reach(membership, request.user),
            "locked": bool(queries.locked_emails([user.email])),
            "mfa": bool(queries.user_ids_with_totp([user.pk])),
            "role_form": MembershipRoleForm(
                initial={"role": membership.role}, roles=assignable_hub_roles()
            ),
            "can_manage": scope.can(MANAGE_STAFF, hub_id=membership.hub_id),
            "is_self": user.pk == request.user.pk,
        },
    )


def _act(request, membership, action, back_url: str):
    """Run ``action`` (a service call returning the success message) and go back."""
    try:
        messages.success(request, action(membership))
    except services.AccountError as error:
        messages.error(request, str(error))
    return redirect_after_post(request, back_url)


def _membership_action(request, membership_id: int, action):
    membership = queries.get_membership_for_user(request.user, membership_id, MANAGE_STAFF)
    back = reverse("accounts:staff-detail", kwargs={"membership_id": membership.pk})
    return _act(request, membership, action, back)


@require_POST
@staff_view(MANAGE_STAFF, check=CHECK_OBJECT)
def staff_change_role(request, membership_id: int):
    form = MembershipRoleForm(request.POST, roles=assignable_hub_roles())

    def change(membership):
        if not form.is_valid():
            raise services.AccountError(_("Choose a role."))
        role = Role(form.cleaned_data["role"])
        if role == membership.role:
            return _("The role is unchanged.")
        services.change_role(membership, role, actor=request.user)
        return _("The role was changed.")

    return _membership_action(request, membership_id, change)


@require_POST
@staff_view(MANAGE_STAFF, check=CHECK_OBJECT)
def staff_deactivate(request, membership_id: int):
    def deactivate(membership):
        services.deactivate_membership(membership, actor=request.user)
        return _("The role was removed. The person can no longer open this hub's pages.")

    return _membership_action(request, membership_id, deactivate)


@require_POST
@staff_view(MANAGE_STAFF, check=CHECK_OBJECT)
def staff_reactivate(request, membership_id: int):
    def reactivate(membership):
        services.reactivate_membership(membership, actor=request.user)
        return _("The role was restored.")

    return _membership_action(request, membership_id, reactivate)


@require_POST
@staff_view(MANAGE_STAFF, check=CHECK_OBJECT)
def staff_unlock(request, membership_id: int):
    def unlock(membership):
        services.unlock_account(membership, actor=request.user)
        return _("The account was unlocked. The person can sign in again now.")

    return _membership_action(request, membership_id, unlock)


@require_POST
@staff_view(MANAGE_STAFF, check=CHECK_OBJECT)
def staff_clear_mfa(request, membership_id: int):
    def clear(membership):
        services.clear_mfa(membership, actor=request.user)
        return _(
            "Two-factor authentication was reset. The person sets up a new authenticator "
            "at the next sign-in."
        )

    return _membership_action(request, membership_id, clear)


@staff_view(USE_CONSOLE, check=CHECK_ANY)
def profile(request):
    form = ProfileForm(
        request.POST or None,
        initial={
            "full_name": request.user.full_name,
            "full_name_kana": request.user.full_name_kana,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.update_profile(request.user, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect_after_post(request, reverse("accounts:profile"))
    scope = scope_for(request.user)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": request.user.memberships.active().select_related(
                "hub", "ward", "municipality"
            ),
            "mfa": bool(queries.user_ids_with_totp([request.user.pk])),
            "requires_mfa": scope.requires_mfa,
        },
    )


@require_POST
@staff_view(USE_CONSOLE, check=CHECK_ANY)
def switch_hub(request):
    try:
        hub_id = int(request.POST.get("hub", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Choose a hub."))
    hub = reachable_hubs(request).filter(pk=hub_id).first()
    if hub is None:
        raise Http404
    set_current_hub(request, hub)
    messages.info(request, _("You are now working at {hub}.").format(hub=hub))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("hubs:dashboard")
    return redirect_after_post(request, target)


# -- ward officials and city administrators ---------------------------------------------------
@staff_view(MANAGE_CITY_ACCOUNTS, check=CHECK_ANY)
def city_accounts(request):
    memberships = list(queries.city_memberships(request.user, MANAGE_CITY_ACCOUNTS))
    rows = queries.account_rows(memberships)
    return render(request, "accounts/city_accounts.html", {"rows": rows})


@staff_view(MANAGE_CITY_ACCOUNTS, check=CHECK_ANY)
def city_account_invite(request):
    cities = queries.administered_cities(request.user, MANAGE_CITY_ACCOUNTS)
    form = CityAccountInviteForm(request.POST or None, wards=queries.wards_of(cities))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        role = Role(data["role"])
        place = data["ward"] if role == Role.WARD_OFFICIAL else cities[0]
        try:
            membership = services.invite(
                place,
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                email=data["email"],
                full_name=data["full_name"],
                full_name_kana=data["full_name_kana"],
                role=role,
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("{name} was added as {role}.").format(
                    name=membership.user, role=membership.get_role_display()
                ),
            )
            return redirect_after_post(request, reverse("accounts:city-accounts"))
    return render(request, "accounts/city_account_invite.html", {"form": form, "cities": cities})


def _city_membership_action(request, city_membership_id: int, action):
    membership = queries.get_city_membership_for_user(
        request.user, city_membership_id, MANAGE_CITY_ACCOUNTS
    )
    return _act(request, membership, action, reverse("accounts:city-accounts"))


@require_POST
@staff_view(MANAGE_CITY_ACCOUNTS, check=CHECK_OBJECT)
def city_account_deactivate(request, city_membership_id: int):
    def deactivate(membership):
        services.deactivate_membership(membership, actor=request.user)
        return _("The role was removed.")

    return _city_membership_action(request, city_membership_id, deactivate)


@require_POST
@staff_view(MANAGE_CITY_ACCOUNTS, check=CHECK_OBJECT)
def city_account_reactivate(request, city_membership_id: int):
    def reactivate(membership):
        services.reactivate_membership(membership, actor=request.user)
        return _("The role was restored.")

    return _city_membership_action(request, city_membership_id, reactivate)
