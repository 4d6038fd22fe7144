"""User-support (利用者支援) permissions. What a family wrote when booking is read only by the
slot's specialist and by roles with consultation access (``access.may_read_message``)."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

MANAGE_SLOTS = rbac.define(
    "support.manage_slots",
    _("Publish and withdraw individual consultation slots; record how bookings went"),
    [Role.HUB_MANAGER, Role.USER_SUPPORT],
    personal_data=True,
)
BOOK_ON_BEHALF = rbac.define(
    "support.book_on_behalf",
    _("See the booking schedule and book or cancel a slot for a family (phone or counter)"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT],
    personal_data=True,
)
MANAGE_CASES = rbac.define(
    "support.manage_cases",
    _("Open, update and close user-support cases and their linkages; keep the 地域連携 log"),
    [Role.HUB_MANAGER, Role.USER_SUPPORT],
    personal_data=True,
)
VIEW_SUPPORT_STATISTICS = rbac.define(
    "support.view_statistics",
    _("See user-support statistics (counts only; small cells hidden for the ward)"),
    [Role.HUB_MANAGER, Role.USER_SUPPORT, Role.CITY_ADMIN, Role.WARD_OFFICIAL],
)
