from .audit import AuditLog
from .tenancy import District, Hub, Municipality, Organization, TownBlock, Venue, Ward

__all__ = [
    "AuditLog",
    "District",
    "Hub",
    "Municipality",
    "Organization",
    "TownBlock",
    "Venue",
    "Ward",
]
