from django.utils.translation import gettext_lazy as _

from hiroba.core.navigation import NavItem, register
from hiroba.kosapo.permissions import MANAGE_MEMBERS, MATCH_REQUESTS, SIMULATE_FEES

register(
    NavItem("kosapo", _("Members"), "kosapo:member-list", MANAGE_MEMBERS, order=10),
    NavItem("kosapo", _("New member"), "kosapo:member-create", MANAGE_MEMBERS, order=20),
    NavItem("kosapo", _("Requests"), "kosapo:request-list", MATCH_REQUESTS, order=30),
    NavItem("kosapo", _("Fee simulator"), "kosapo:fee-simulator", SIMULATE_FEES, order=80),
)
