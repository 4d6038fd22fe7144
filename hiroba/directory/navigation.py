from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.directory.permissions import IMPORT_RESOURCES, REVIEW_SUGGESTIONS, VIEW_RESOURCES

register(
    NavItem(
        "information", _("Resource directory"), "directory:resource-list", VIEW_RESOURCES, order=10
    ),
    NavItem(
        "information",
        _("Suggested places"),
        "directory:suggestion-list",
        REVIEW_SUGGESTIONS,
        order=20,
    ),
    NavItem(
        "information",
        _("Import resources"),
        "directory:resource-import",
        IMPORT_RESOURCES,
        order=30,
    ),
)
