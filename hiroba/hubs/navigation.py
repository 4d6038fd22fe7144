from django.utils.translation import gettext_lazy as _

from hiroba.accounts.permissions import USE_CONSOLE
from hiroba.core.navigation import NavItem, register
from hiroba.hubs.permissions import (
    MANAGE_CATEGORIES,
    MANAGE_OPENING,
    MANAGE_READINGS,
    VIEW_AUDIT_LOG,
    VIEW_DISTRICTS,
    VIEW_HUB,
)

register(
    NavItem("home", _("Dashboard"), "hubs:dashboard", USE_CONSOLE, order=10),
    NavItem("administration", _("Hub profile"), "hubs:current-hub", VIEW_HUB, order=10),
    NavItem("administration", _("Opening hours"), "hubs:opening-hours", MANAGE_OPENING, order=15),
    NavItem("administration", _("Venues"), "hubs:venue-list", VIEW_HUB, order=20),
    NavItem("administration", _("Districts"), "hubs:district-list", VIEW_DISTRICTS, order=30),
    NavItem("administration", _("Audit log"), "hubs:audit-list", VIEW_AUDIT_LOG, order=50),
    NavItem("information", _("Categories"), "hubs:categories", MANAGE_CATEGORIES, order=45),
    NavItem("information", _("Furigana readings"), "hubs:reading-list", MANAGE_READINGS, order=40),
)
