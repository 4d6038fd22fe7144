"""pytest plugin (loaded from pyproject): shared fixtures for every app's tests.

``world`` builds two separate tenants, A and B, each a municipality with a ward, a main hub and
a satellite, and one person per role in each. Tests of scoping use A's people against B's rows:
everything of B must answer 404 to everyone in A.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hiroba.accounts.choices import ROLE_LEVEL, Role, ScopeLevel


@dataclass
class Tenant:
    municipality: object
    ward: object
    hub: object
    satellite: object
    people: dict[Role, object] = field(default_factory=dict)

    def person(self, role: Role):
        return self.people[role]


@dataclass
class World:
    a: Tenant
    b: Tenant


def make_tenant(label: str) -> Tenant:
    # Imported here: the plugin loads before Django is set up.
    from hiroba.accounts.tests.factories import MembershipFactory, UserFactory  # noqa: PLC0415
    from hiroba.core.tests.factories import HubFactory, SatelliteFactory  # noqa: PLC0415

    hub = HubFactory(name=f"拠点{label}")
    satellite = SatelliteFactory(parent=hub, name=f"サテライト{label}")
    tenant = Tenant(hub.ward.municipality, hub.ward, hub, satellite)
    for role in Role:
        user = UserFactory(email=f"{role.value}.{label.lower()}@example.jp")
        target = {
            ScopeLevel.MUNICIPALITY: {"municipality": tenant.municipality, "hub": None},
            ScopeLevel.WARD: {"ward": tenant.ward, "hub": None},
            ScopeLevel.HUB: {"hub": hub},
        }[ROLE_LEVEL[role]]
        MembershipFactory(user=user, role=role, **target)
        tenant.people[role] = user
    return tenant


@pytest.fixture
def world(db) -> World:
    return World(make_tenant("A"), make_tenant("B"))


LONG_CHECKS = "HIROBA_LONG_CHECKS"


def pytest_addoption(parser):
    parser.addoption(
        "--long",
        action="store_true",
        help="long property-based and fuzzing runs (make check-long)",
    )


def pytest_configure(config):
    # An environment variable, not a fixture: Hypothesis' settings are read at import time.
    if config.getoption("--long"):
        os.environ[LONG_CHECKS] = "1"


def long_checks() -> bool:
    """True under ``pytest --long``: property tests and fuzzing run many more examples."""
    return os.environ.get(LONG_CHECKS) == "1"


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite with a visible reason."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL (see README)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def pytest_sessionstart(session):
    """Compile stale translation catalogues so a bare ``pytest`` tests the shipped Japanese."""
    from django.conf import settings  # noqa: PLC0415

    from hiroba.core.management.commands.compiletranslations import (  # noqa: PLC0415
        compile_catalog,
    )

    for locale_dir in settings.LOCALE_PATHS:
        for po_path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
                compile_catalog(po_path)


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the default language: a test client's request with a language
    cookie leaves that language active in the thread (LocaleMiddleware never deactivates)."""
    yield
    from django.utils import translation  # noqa: PLC0415

    translation.deactivate()


@pytest.fixture
def english():
    """Run a test in English, for assertions on message text (the default UI is Japanese)."""
    from django.utils import translation  # noqa: PLC0415

    with translation.override("en"):
        yield


# Each app's demo step in the order seed_demo runs them; a test seeds the steps it checks and
# the ones they build on (the whole demo takes seconds, most of it in visits and programs).
DEMO_BASE = ("core.tenancy", "accounts.staff", "families.registry")
# Consultations and user support: the visit history and programs play no part in them.
DEMO_CONSULTATIONS = (*DEMO_BASE, "consultations.records", "support.bookings", "support.cases")


@contextmanager
def only_demo_steps(*names: str):
    """Let seed_demo run only ``names`` (with their order kept) inside the block."""
    from hiroba.core import demodata  # noqa: PLC0415

    unknown = set(names) - set(demodata._STEPS)
    if unknown:
        raise ValueError(f"no such demo steps: {sorted(unknown)}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demodata, "_STEPS", {n: demodata._STEPS[n] for n in names})
        yield


@pytest.fixture
def demo_steps():
    """``demo_steps(*names)`` limits seed_demo to those steps for the rest of the test."""
    with ExitStack() as stack:
        yield lambda *names: stack.enter_context(only_demo_steps(*names))
