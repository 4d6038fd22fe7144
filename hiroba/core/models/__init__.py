from .audit import AuditLog
from .idempotency import IdempotencyRecord
from .tenancy import District, Hub, Municipality, Organization, TownBlock, Venue, Ward

__all__ = [
    "AuditLog",
    "District",
    "Hub",
    "IdempotencyRecord",
    "Municipality",
    "Organization",
    "TownBlock",
    "Venue",
    "Ward",
]
