"""Portal reads. Hubs come from ``hiroba.core.queries.public_hubs``; a family card is found by
its secret card token only, never by id, and only while the card is current."""

from __future__ import annotations

from django.db.models import QuerySet

from hiroba.core.choices import HubKind
from hiroba.core.models import Hub
from hiroba.core.queries import public_hubs
from hiroba.families.models import Household, Member
from hiroba.families.queries import current_cards_with_token


def registration_hubs() -> QuerySet[Hub]:
    """Hubs a family can pre-register at: active main hubs (a satellite shares its main
    hub's registry)."""
    return public_hubs().filter(kind=HubKind.MAIN)


def card_for_token(token: str) -> Household | None:
    """The current family card with this token; merged or anonymised cards are gone."""
    return current_cards_with_token(token).select_related("hub").first()


def card_holder(household: Household) -> Member | None:
    """The main contact, whose family name is shown on the phone card."""
    return (
        household.members.present()
        .caregivers()
        .order_by("-is_primary_contact", "sort_order", "pk")
        .first()
    )
