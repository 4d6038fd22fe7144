from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

VIEW_HUB = rbac.define("hubs.view_hub", _("See the hub's profile and venues"), list(Role))
CHANGE_HUB = rbac.define(
    "hubs.change_hub", _("Edit the hub's profile"), [Role.CITY_ADMIN, Role.HUB_MANAGER]
)
CHANGE_CONTRACT = rbac.define(
    "hubs.change_contract",
    _("Set the hub's contract term (a matter between the city and the operator)"),
    [Role.CITY_ADMIN],
)
MANAGE_VENUES = rbac.define(
    "hubs.manage_venues", _("Add, edit and stop using venues"), [Role.CITY_ADMIN, Role.HUB_MANAGER]
)
VIEW_DISTRICTS = rbac.define(
    "hubs.view_districts",
    _("See districts and the town block mapping"),
    [r for r in Role if r != Role.VOLUNTEER],
)
MANAGE_DISTRICTS = rbac.define(
    "hubs.manage_districts",
    _("Edit districts and import the town block mapping"),
    [Role.CITY_ADMIN, Role.WARD_OFFICIAL, Role.HUB_MANAGER],
)
VIEW_AUDIT_LOG = rbac.define(
    "hubs.view_audit_log",
    _("Browse and export the audit log"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
    personal_data=True,
)
MANAGE_READINGS = rbac.define(
    "hubs.manage_readings",
    _("Correct the furigana readings the portal shows in Easy Japanese"),
    [
        Role.CITY_ADMIN,
        Role.HUB_MANAGER,
        Role.HUB_STAFF,
        Role.USER_SUPPORT,
        Role.KOSAPO_COORDINATOR,
    ],
)
MANAGE_OPENING = rbac.define(
    "hubs.manage_opening",
    _("Set the hub's opening times and closed days shown to parents"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER, Role.HUB_STAFF],
)
MANAGE_CATEGORIES = rbac.define(
    "hubs.manage_categories",
    _("Rename, add and remove the city's categories of places and of news"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
)
