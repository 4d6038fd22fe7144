"""Cards that domain apps add to the staff dashboard (a registry: hubs cannot import them).

An app registers ``panel(request, hub) -> Panel | None`` from its ``dashboard.py``; returning
None hides the card (e.g. the user lacks the permission or there is nothing to say).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


PanelMaker = Callable[[Any, Any], Panel | None]
_MAKERS: list[PanelMaker] = []


def register(maker: PanelMaker) -> PanelMaker:
    if maker not in _MAKERS:
        _MAKERS.append(maker)
    return maker


def panels_for(request, hub) -> list[Panel]:
    panels = [panel for maker in _MAKERS if (panel := maker(request, hub)) is not None]
    return sorted(panels, key=lambda panel: panel.order)
