"""What happens to consultation records when a family card is merged, anonymised or removed
(registered with ``hiroba.families.hooks``; runs inside the families transaction).

Records follow a merged card to the kept one. Anonymising a card unlinks its consultations:
the records stay (their own retention applies, with the coded columns statistics need) but no
longer point at the family. A card with consultations is never deleted outright.
"""

from __future__ import annotations

from hiroba.consultations.models import Consultation
from hiroba.families import hooks


@hooks.on_merge
def move_consultations(kept, merged, *, actor) -> None:
    Consultation.objects.filter(household=merged).update(household=kept)


@hooks.on_anonymise
def unlink_consultations(household, *, actor) -> None:
    Consultation.objects.filter(household=household).update(household=None)


@hooks.in_use_check
def has_consultations(household) -> bool:
    return Consultation.objects.filter(household=household).exists()
