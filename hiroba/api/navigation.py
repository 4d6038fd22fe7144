from django.utils.translation import gettext_lazy as _

from hiroba.api.permissions import MANAGE_API_TOKENS
from hiroba.core.navigation import NavItem, register

register(NavItem("administration", _("API tokens"), "api:tokens", MANAGE_API_TOKENS, order=90))
