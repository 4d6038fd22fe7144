from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

_HUB_TEAM = [Role.CITY_ADMIN, Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT]

CHECK_IN = rbac.define(
    "visits.check_in",
    _("Check families in and out, count walk-ins, see who is here today"),
    [*_HUB_TEAM, Role.VOLUNTEER],
    personal_data=True,
)
CORRECT_VISITS = rbac.define(
    "visits.correct_visits",
    _("Remove visits recorded by mistake and enter day tallies"),
    _HUB_TEAM,
    personal_data=True,
)
KEEP_DAILY_LOG = rbac.define(
    "visits.keep_daily_log",
    _("Write the daily log, incidents and near-misses"),
    _HUB_TEAM,
    personal_data=True,
)
VIEW_STATISTICS = rbac.define(
    "visits.view_statistics",
    _("See and export visit statistics (aggregates only)"),
    [*_HUB_TEAM, Role.WARD_OFFICIAL],
)
IMPORT_TALLIES = rbac.define(
    "visits.import_tallies",
    _("Import past visit tallies from CSV or Excel"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
)
