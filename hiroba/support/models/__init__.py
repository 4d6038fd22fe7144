"""利用者支援 (program 7): booked individual consultations (``booking``) and support cases with
their linkages and the 地域連携 log (``cases``). Free text is encrypted at rest
(``EncryptedTextField``, decision 0010); coded columns stay in clear for statistics."""

from hiroba.support.models.booking import SupportBooking, SupportSlot
from hiroba.support.models.cases import (
    CommunityActivity,
    Linkage,
    PlanItem,
    SupportCase,
)

__all__ = [
    "CommunityActivity",
    "Linkage",
    "PlanItem",
    "SupportBooking",
    "SupportCase",
    "SupportSlot",
]
