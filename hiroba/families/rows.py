"""Helpers the registry's write modules share (``services`` and ``merging``): locking household
rows in a fixed order and placing an address in its town block and district.

Call them inside the caller's transaction; they audit nothing themselves.
"""

from __future__ import annotations

from hiroba.core.models import TownBlock
from hiroba.families.models import Household
from hiroba.lib.address import find_town_block


def lock_rows(*households: Household) -> dict[int, Household]:
    """Lock the rows lower id first (docs/concurrency.md rule 3) and re-read them, so the
    checks that follow see what other transactions committed."""
    locked = {}
    for pk in sorted({h.pk for h in households}):
        locked[pk] = (
            Household.objects.select_for_update(no_key=True)
            .select_related("hub__ward__municipality")
            .get(pk=pk)
        )
    return locked


def locate(household: Household) -> None:
    """Town block and district of residence from the address and the ward's 町丁 mapping."""
    ward = household.hub.ward
    blocks = {b.key: b for b in TownBlock.objects.filter(ward=ward).select_related("district")}
    address = f"{household.address_region}{household.address_rest}"
    key = find_town_block(address, blocks, strip_prefix=f"{ward.municipality.name}{ward.name}")
    block = blocks.get(key) if key else None
    household.town_block = block
    household.district = block.district if block else None
