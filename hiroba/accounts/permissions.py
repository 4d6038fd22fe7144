"""Account permissions, and the decorator every staff view declares its permission with."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role
from hiroba.accounts.context import current_hub
from hiroba.accounts.scope import scope_for

USE_CONSOLE = rbac.define(
    "accounts.use_console", _("Open the staff console and one's own profile"), list(Role)
)
VIEW_STAFF = rbac.define(
    "accounts.view_staff",
    _("See the staff list of a hub"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
    personal_data=True,
)
MANAGE_STAFF = rbac.define(
    "accounts.manage_staff",
    _("Invite staff, change roles, unlock and reset two-factor"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
    personal_data=True,
)
MANAGE_CITY_ACCOUNTS = rbac.define(
    "accounts.manage_city_accounts",
    _("Add and remove ward officials and city administrators"),
    [Role.CITY_ADMIN],
    personal_data=True,
)

CHECK_HUB = "hub"  # the permission must hold at the current hub
CHECK_OBJECT = "object"  # the view loads its object with get_for_user(..., permission)
CHECK_ANY = "any"  # the permission must hold somewhere in the user's reach
CHECK_STAFF = "staff"  # any active role will do (the dashboard, even before a hub exists)


def staff_view(permission: str, *, check: str = CHECK_HUB):
    """Declare a staff view's permission at the top of the view.

    Anonymous users are sent to the login page; signed-in users without a staff role get 403.
    The permission and check are kept on the view so the permission matrix test can read them.
    """
    rbac.get(permission)  # fail at import time on a typo
    if check not in (CHECK_HUB, CHECK_OBJECT, CHECK_ANY, CHECK_STAFF):
        raise ValueError(f"Unknown check {check!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            if not scope.is_staff:
                raise PermissionDenied
            if check == CHECK_HUB:
                hub = current_hub(request)
                if hub is None or not scope.can(permission, hub_id=hub.pk):
                    raise PermissionDenied
            elif check == CHECK_ANY and not scope.can(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.hiroba_permission = permission
        wrapper.hiroba_check = check
        return wrapper

    return decorator


def can(request, permission: str, *, hub_id: int | None = None) -> bool:
    """For templates and views: may the user do ``permission`` (at the current hub by default)?"""
    scope = scope_for(request.user)
    if hub_id is None:
        hub = current_hub(request)
        hub_id = hub.pk if hub else None
    return hub_id is not None and scope.can(permission, hub_id=hub_id)
