from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.families.permissions import IMPORT_FAMILIES, MANAGE_FAMILIES, VIEW_FAMILIES

register(
    NavItem("hiroba", _("Family registry"), "families:household-list", VIEW_FAMILIES, order=20),
    NavItem("hiroba", _("Pre-registrations"), "families:pending-list", MANAGE_FAMILIES, order=25),
    NavItem(
        "hiroba", _("Import family cards"), "families:family-import", IMPORT_FAMILIES, order=80
    ),
)
