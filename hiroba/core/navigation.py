"""The staff console's navigation, grouped by the hub's seven program areas.

Apps register their entries (``register``) from ``navigation.py`` modules, discovered by the
accounts app. Areas without an entry yet are shown as "coming soon" so staff can see the shape of
the whole product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Area:
    key: str
    label: Any
    number: int | None = None  # the program number in the city's evaluation form


AREAS = [
    Area("home", _("Home")),
    Area("hiroba", _("Drop-in space"), 1),
    Area("consultation", _("Consultations"), 2),
    Area("information", _("Information"), 3),
    Area("network", _("Supporter network"), 4),
    Area("training", _("Training"), 5),
    Area("kosapo", _("Kosapo family support"), 6),
    Area("user_support", _("User support"), 7),
    Area("evaluation", _("Annual evaluation")),
    Area("administration", _("Hub administration")),
]


@dataclass(frozen=True)
class NavItem:
    area: str
    label: Any
    url_name: str
    permission: str
    order: int = 100


_ITEMS: list[NavItem] = []


def register(*items: NavItem) -> None:
    known = {area.key for area in AREAS}
    for item in items:
        if item.area not in known:
            raise ValueError(f"Unknown navigation area {item.area!r}")
        if item not in _ITEMS:
            _ITEMS.append(item)


@dataclass(frozen=True)
class VisibleItem:
    label: Any
    url: str
    active: bool


@dataclass(frozen=True)
class VisibleArea:
    area: Area
    items: list[VisibleItem]


def build(can: Callable[[str], bool], current_url_name: str | None) -> list[VisibleArea]:
    """Areas with the entries ``can`` allows; areas with no entry at all stay as placeholders."""
    result = []
    for area in AREAS:
        entries = sorted((i for i in _ITEMS if i.area == area.key), key=lambda i: i.order)
        visible = [
            VisibleItem(item.label, reverse(item.url_name), item.url_name == current_url_name)
            for item in entries
            if can(item.permission)
        ]
        if entries and not visible:
            continue  # the area exists but this role has nothing in it
        result.append(VisibleArea(area, visible))
    return result
