from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.visits.permissions import (
    CHECK_IN,
    CORRECT_VISITS,
    IMPORT_TALLIES,
    KEEP_DAILY_LOG,
    VIEW_STATISTICS,
)

register(
    NavItem("hiroba", _("Reception"), "visits:reception", CHECK_IN, order=10),
    NavItem("hiroba", _("Today"), "visits:today-board", CHECK_IN, order=15),
    NavItem("hiroba", _("Day tallies"), "visits:tally-entry", CORRECT_VISITS, order=35),
    NavItem("hiroba", _("Daily log"), "visits:daily-log-list", KEEP_DAILY_LOG, order=30),
    NavItem("hiroba", _("Visit statistics"), "visits:monthly-report", VIEW_STATISTICS, order=40),
    NavItem("hiroba", _("Import past tallies"), "visits:tally-import", IMPORT_TALLIES, order=85),
)
