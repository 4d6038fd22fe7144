from django.utils.translation import gettext_lazy as _

from hiroba.accounts.permissions import VIEW_STAFF
from hiroba.core.navigation import NavItem, register

register(NavItem("administration", _("Staff"), "accounts:staff-list", VIEW_STAFF, order=40))
