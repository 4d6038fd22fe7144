from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.news.permissions import VIEW_NEWS

register(NavItem("information", _("News"), "news:item-list", VIEW_NEWS, order=5))
