from .audit import AuditLog
from .idempotency import IdempotencyRecord
from .opening import ClosedDay, OpeningPeriod
from .readings import Reading
from .tenancy import District, Hub, Municipality, Organization, TownBlock, Venue, Ward

__all__ = [
    "AuditLog",
    "ClosedDay",
    "District",
    "Hub",
    "IdempotencyRecord",
    "Municipality",
    "OpeningPeriod",
    "Organization",
    "Reading",
    "TownBlock",
    "Venue",
    "Ward",
]
