"""What a suggestion proposes, as the review page shows it: each proposed field beside the
entry's current value, and the resource form filled with the proposal."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from hiroba.directory.categories import categories_for, label_for
from hiroba.directory.choices import Amenity, ResourceStatus
from hiroba.directory.exports import age_text
from hiroba.directory.forms import age_range, initial_for
from hiroba.directory.models import ResourceSuggestion

# The fields the portal's suggestion form asks for, in its order.
PROPOSED_FIELDS = {
    "name": _("Name"),
    "category": _("Category"),
    "address": _("Address"),
    "phone": _("Phone"),
    "url": _("Web page"),
    "hours": _("Opening hours"),
    "target_age": _("Target age"),
    "amenities": _("Amenities"),
    "description": _("Description"),
}


@dataclass(frozen=True)
class ProposedRow:
    label: str
    current: str
    proposed: str

    @property
    def changed(self) -> bool:
        return self.current != self.proposed


def _shown(key: str, value, categories) -> str:
    if key == "category":
        return label_for(value or "", categories)
    if key == "amenities":
        labels = dict(Amenity.choices)
        return "、".join(str(labels.get(code, code)) for code in value or [])
    return str(value or "")


def _current(suggestion: ResourceSuggestion, key: str):
    resource = suggestion.resource
    if resource is None:
        return ""
    if key == "target_age":
        return age_text(resource)
    if key == "amenities":
        return resource.amenities
    return getattr(resource, key)


def proposed_rows(suggestion: ResourceSuggestion) -> list[ProposedRow]:
    categories = categories_for(suggestion.hub.ward.municipality)
    rows = []
    for key, label in PROPOSED_FIELDS.items():
        if key not in suggestion.proposed:
            continue
        rows.append(
            ProposedRow(
                str(label),
                _shown(key, _current(suggestion, key), categories),
                _shown(key, suggestion.proposed[key], categories),
            )
        )
    return rows


def proposed_initial(suggestion: ResourceSuggestion) -> dict:
    """The resource form's values: the current entry with the proposal laid over it."""
    resource = suggestion.resource
    initial = initial_for(resource) if resource else {"status": ResourceStatus.PUBLISHED}
    for key, value in suggestion.proposed.items():
        if key == "target_age":
            try:
                low, high = age_range(value)
            except ValueError:  # InputError: staff read the text on the page instead
                continue
            initial.update(target_age_min_months=low, target_age_max_months=high)
        elif key in PROPOSED_FIELDS:
            initial[key] = value
    return initial
