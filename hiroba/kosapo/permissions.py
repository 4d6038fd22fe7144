"""子サポ permissions: the branch's coordinators manage members; anyone at the desk may price an
activity with the fee simulator (it holds no personal data)."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

MANAGE_MEMBERS = rbac.define(
    "kosapo.manage_members",
    _("Register, renew, suspend and withdraw Kosapo members; record training and coupons"),
    [Role.HUB_MANAGER, Role.KOSAPO_COORDINATOR],
    personal_data=True,
)
SIMULATE_FEES = rbac.define(
    "kosapo.simulate_fees",
    _("Price an activity with the Kosapo fee simulator"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.KOSAPO_COORDINATOR],
)
MATCH_REQUESTS = rbac.define(
    "kosapo.match_requests",
    _("Take Kosapo requests, rank and ask providers, and introduce one to the family"),
    [Role.HUB_MANAGER, Role.KOSAPO_COORDINATOR],
    personal_data=True,
)
