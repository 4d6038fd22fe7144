from django.utils.translation import gettext_lazy as _

from hiroba.consultations.permissions import (
    MANAGE_AGENCIES,
    RECORD_CONSULTATIONS,
    REVIEW_ACCESS,
    VIEW_CONSULTATION_STATISTICS,
)
from hiroba.core.navigation import NavItem, register

register(
    NavItem(
        "consultation",
        _("Consultations"),
        "consultations:consultation-list",
        RECORD_CONSULTATIONS,
        order=10,
    ),
    NavItem(
        "consultation",
        _("Record a consultation"),
        "consultations:consultation-create",
        RECORD_CONSULTATIONS,
        order=20,
    ),
    NavItem(
        "consultation",
        _("Consultation statistics"),
        "consultations:statistics",
        VIEW_CONSULTATION_STATISTICS,
        order=40,
    ),
    NavItem("consultation", _("Agencies"), "consultations:agency-list", MANAGE_AGENCIES, order=60),
    NavItem(
        "consultation", _("Access review"), "consultations:access-review", REVIEW_ACCESS, order=80
    ),
)
