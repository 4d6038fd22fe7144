"""What other apps do when a family card is merged, anonymised or removed.

``families`` sits below the apps that hold a family's records (programs, later consultations
and 子サポ), so it cannot call them; they register here instead (docs/architecture.md,
"Registries instead of upward imports"), from a module their ``AppConfig.ready`` imports. The
hooks run inside the families transaction, after the household rows are locked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

MergeHook = Callable[..., None]  # (kept, merged, *, actor)
AnonymiseHook = Callable[..., None]  # (household, *, actor)

_merge: list[MergeHook] = []
_anonymise: list[AnonymiseHook] = []
_in_use: list[Callable[[Any], bool]] = []
_activity: list[Callable[[Any], date | None]] = []


def on_merge(hook: MergeHook) -> MergeHook:
    """``hook(kept, merged, actor=...)`` moves the app's records of ``merged`` to ``kept``."""
    _merge.append(hook)
    return hook


def on_anonymise(hook: AnonymiseHook) -> AnonymiseHook:
    """``hook(household, actor=...)`` ends and strips the app's records of the family."""
    _anonymise.append(hook)
    return hook


def in_use_check(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """``check(household)`` is True when the app holds records of an unconfirmed
    pre-registration, which must then be kept (anonymised later) rather than deleted."""
    _in_use.append(check)
    return check


def activity_source(source: Callable[[Any], date | None]) -> Callable[[Any], date | None]:
    """``source(household)`` gives the family's latest activity in the app (retention)."""
    _activity.append(source)
    return source


def run_merge(kept, merged, *, actor) -> None:
    for hook in _merge:
        hook(kept, merged, actor=actor)


def run_anonymise(household, *, actor) -> None:
    for hook in _anonymise:
        hook(household, actor=actor)


def in_use(household) -> bool:
    return any(check(household) for check in _in_use)


def latest_activity(household) -> date | None:
    dates = [d for d in (source(household) for source in _activity) if d is not None]
    return max(dates, default=None)
