from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.programs.permissions import TAKE_ATTENDANCE, VIEW_PROGRAM_STATISTICS, VIEW_PROGRAMS

register(
    NavItem("hiroba", _("Programs"), "programs:program-list", VIEW_PROGRAMS, order=50),
    NavItem(
        "hiroba",
        _("Program attendance"),
        "programs:attendance-today",
        TAKE_ATTENDANCE,
        order=55,
    ),
    NavItem(
        "hiroba",
        _("Program statistics"),
        "programs:statistics",
        VIEW_PROGRAM_STATISTICS,
        order=45,
    ),
)
