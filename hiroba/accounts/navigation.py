from django.utils.translation import gettext_lazy as _

from hiroba.accounts.permissions import MANAGE_CITY_ACCOUNTS, VIEW_STAFF
from hiroba.core.navigation import NavItem, register

register(NavItem("administration", _("Staff"), "accounts:staff-list", VIEW_STAFF, order=40))
register(
    NavItem(
        "administration",
        _("Ward and city accounts"),
        "accounts:city-accounts",
        MANAGE_CITY_ACCOUNTS,
        order=45,
    )
)
