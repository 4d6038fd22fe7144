"""News permissions. Items are public once published; writing them is hub work."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

VIEW_NEWS = rbac.define(
    "news.view_news",
    _("See the hub's news, drafts and scheduled items included"),
    [
        Role.HUB_MANAGER,
        Role.HUB_STAFF,
        Role.USER_SUPPORT,
        Role.KOSAPO_COORDINATOR,
        Role.WARD_OFFICIAL,
        Role.CITY_ADMIN,
    ],
)
EDIT_NEWS = rbac.define(
    "news.edit_news",
    _("Write, schedule, correct and withdraw the hub's news"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT, Role.KOSAPO_COORDINATOR],
)
