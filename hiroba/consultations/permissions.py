"""Consultation permissions. Reading a record's content needs more than these: see access.py
(author, assigned staff, consultation access by role, or a break-glass opening)."""

from django.utils.translation import gettext_lazy as _

from hiroba.accounts import rbac
from hiroba.accounts.choices import Role

_COUNSELLORS = [Role.HUB_MANAGER, Role.HUB_STAFF, Role.USER_SUPPORT]

RECORD_CONSULTATIONS = rbac.define(
    "consultations.record_consultations",
    _("Record consultations and referrals; read those you wrote or are assigned to"),
    _COUNSELLORS,
    personal_data=True,
)
READ_ALL_CONSULTATIONS = rbac.define(
    "consultations.read_all_consultations",
    _("Consultation access: read every consultation record of the hub"),
    [Role.HUB_MANAGER, Role.USER_SUPPORT],
    personal_data=True,
)
BREAK_GLASS = rbac.define(
    "consultations.break_glass",
    _(
        "Open another staff member's consultation record after stating a reason "
        "(alerts the manager)"
    ),
    _COUNSELLORS,
    personal_data=True,
)
REVIEW_ACCESS = rbac.define(
    "consultations.review_access",
    _("Review who read consultation records each month and acknowledge break-glass openings"),
    [Role.HUB_MANAGER],
    personal_data=True,
)
MANAGE_AGENCIES = rbac.define(
    "consultations.manage_agencies",
    _("Keep the list of agencies families are referred to"),
    [Role.CITY_ADMIN, Role.HUB_MANAGER],
)
VIEW_CONSULTATION_STATISTICS = rbac.define(
    "consultations.view_statistics",
    _("See consultation and referral statistics (counts only; small cells hidden for the ward)"),
    [*_COUNSELLORS, Role.CITY_ADMIN, Role.WARD_OFFICIAL],
)
