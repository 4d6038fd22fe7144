from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.support.permissions import BOOK_ON_BEHALF, MANAGE_SLOTS, VIEW_SUPPORT_STATISTICS

register(
    NavItem("user_support", _("Booking schedule"), "support:schedule", BOOK_ON_BEHALF, order=10),
    NavItem("user_support", _("Publish slots"), "support:slot-create", MANAGE_SLOTS, order=20),
    NavItem(
        "user_support",
        _("User-support statistics"),
        "support:statistics",
        VIEW_SUPPORT_STATISTICS,
        order=90,
    ),
)
# Support cases and the 地域連携 log register their items below.

from hiroba.support.permissions import MANAGE_CASES  # noqa: E402 - the cases' own block

register(
    NavItem("user_support", _("Support cases"), "support:case-list", MANAGE_CASES, order=40),
    NavItem("user_support", _("Open a case"), "support:case-create", MANAGE_CASES, order=50),
    NavItem(
        "user_support",
        _("Community liaison log"),
        "support:activity-list",
        MANAGE_CASES,
        order=70,
    ),
)
