from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

_HUB_TEAM = [Role.CITY_ADMIN, Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT]

VIEW_PROGRAMS = rbac.define(
    "programs.view_programs",
    _("See programs, rosters and who signed up"),
    [*_HUB_TEAM, Role.VOLUNTEER],
    personal_data=True,
)
MANAGE_PROGRAMS = rbac.define(
    "programs.manage_programs",
    _("Plan, publish and cancel programs; draw lotteries"),
    _HUB_TEAM,
)
MANAGE_ENTRIES = rbac.define(
    "programs.manage_entries",
    _("Enter families by phone or at the counter, cancel entries"),
    _HUB_TEAM,
    personal_data=True,
)
TAKE_ATTENDANCE = rbac.define(
    "programs.take_attendance",
    _("Take attendance at program sessions"),
    [*_HUB_TEAM, Role.VOLUNTEER],
    personal_data=True,
)
VIEW_PROGRAM_STATISTICS = rbac.define(
    "programs.view_statistics",
    _("See program statistics (aggregates only)"),
    [*_HUB_TEAM, Role.WARD_OFFICIAL],
)
