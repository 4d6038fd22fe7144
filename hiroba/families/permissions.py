from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

_HUB_TEAM = [Role.CITY_ADMIN, Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT]

VIEW_FAMILIES = rbac.define(
    "families.view_families",
    _("Find families and see their cards"),
    [*_HUB_TEAM, Role.KOSAPO_COORDINATOR, Role.VOLUNTEER],
    personal_data=True,
)
MANAGE_FAMILIES = rbac.define(
    "families.manage_families",
    _("Register families, edit members, address and consent, confirm pre-registrations"),
    _HUB_TEAM,
    personal_data=True,
)
MERGE_FAMILIES = rbac.define(
    "families.merge_families",
    _("Merge duplicate family cards"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
    personal_data=True,
)
IMPORT_FAMILIES = rbac.define(
    "families.import_families",
    _("Import family cards from CSV or Excel"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
    personal_data=True,
)
