"""Evaluation permissions. The operator's staff write the sheet and log actions; the hub's
manager approves and publishes for the operator; the ward's official reviews, comments and
approves for the ward. No permission here shows personal data: a sheet holds figures only."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

VIEW_SHEETS = rbac.define(
    "evaluation.view_sheets",
    _("Read the annual evaluation sheets and their review"),
    [
        Role.CITY_ADMIN,
        Role.WARD_OFFICIAL,
        Role.HUB_MANAGER,
        Role.HUB_STAFF,
        Role.KOSAPO_COORDINATOR,
        Role.USER_SUPPORT,
    ],
)
EDIT_SHEETS = rbac.define(
    "evaluation.edit_sheets",
    _("Write the annual evaluation sheet for the operator"),
    [Role.HUB_MANAGER, Role.HUB_STAFF],
)
APPROVE_FOR_OPERATOR = rbac.define(
    "evaluation.approve_for_operator",
    _("Approve and publish the annual evaluation for the operator, import past sheets"),
    [Role.HUB_MANAGER],
)
REVIEW_FOR_WARD = rbac.define(
    "evaluation.review_for_ward",
    _("Comment on and approve the annual evaluation for the ward"),
    [Role.WARD_OFFICIAL],
)
LOG_ACTIONS = rbac.define(
    "evaluation.log_actions",
    _("Log actions against the year's key goals"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.KOSAPO_COORDINATOR, Role.USER_SUPPORT],
)
COMMENT = rbac.define(
    "evaluation.comment",
    _("Comment on the annual evaluation during its review"),
    [Role.HUB_MANAGER, Role.HUB_STAFF, Role.WARD_OFFICIAL],
)
