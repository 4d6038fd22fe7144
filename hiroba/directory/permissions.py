"""Directory permissions. Resources are public information; suggestions carry the sender's
name and contact, so reviewing them counts as personal data."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

VIEW_RESOURCES = rbac.define(
    "directory.view_resources",
    _("See the resource directory with its verification dates and hidden entries"),
    [
        Role.HUB_MANAGER,
        Role.HUB_STAFF,
        Role.USER_SUPPORT,
        Role.KOSAPO_COORDINATOR,
        Role.WARD_OFFICIAL,
        Role.CITY_ADMIN,
    ],
)
EDIT_RESOURCES = rbac.define(
    "directory.edit_resources",
    _("Add, correct, verify and hide resources in the directory"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT],
)
REVIEW_SUGGESTIONS = rbac.define(
    "directory.review_suggestions",
    _("Review the places and corrections parents and partners suggest, and approve or decline"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT],
    personal_data=True,
)
IMPORT_RESOURCES = rbac.define(
    "directory.import_resources",
    _("Import resources from an open data or CSV file, and export them"),
    [Role.HUB_MANAGER],
)
