"""Who may issue and revoke the hub's API tokens: a token acts for the whole hub."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

MANAGE_API_TOKENS = rbac.define(
    "api.manage_tokens",
    _("Issue and revoke the hub's API tokens for other systems"),
    [Role.HUB_MANAGER, Role.CITY_ADMIN],
)
