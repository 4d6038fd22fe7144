"""Schemathesis over the API's own OpenAPI schema (issue 9): generated requests to every
operation, valid and invalid, must get no server error and an answer that matches the schema
(status code, content type, headers, body). Runs against the WSGI application in-process, with
a write token of a hub that has a program and a family, so many requests reach real rows.

Examples per operation: 30, or 500 under ``pytest --long`` (make check-long);
``HIROBA_SCHEMATHESIS_EXAMPLES`` sets another number.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation

from hiroba.api import services
from hiroba.api.choices import TokenScope
from hiroba.families.tests.factories import family
from hiroba.programs.tests.factories import program
from hiroba.testing.plugin import long_checks

EXAMPLES = int(os.environ.get("HIROBA_SCHEMATHESIS_EXAMPLES") or (500 if long_checks() else 30))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django closes a connection around a request when it is inside a transaction; the
    test's transaction must outlive every request (Django's own test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(world):
    program(world.a.hub, title="両親教室")
    family(world.a.hub)
    return services.issue_token(world.a.hub, name="fuzz", scope=TokenScope.WRITE, actor=None)[1]


# Loaded when the module is collected: serving the schema reads no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_schema_and_none_is_a_server_error(case, token):
    # The token goes in unless this case is about the headers themselves (a missing or mangled
    # Authorization must be refused with 401, not rescued by our token).
    headers_negated = _negative(case, ParameterLocation.HEADER)
    case.call_and_validate(headers={} if headers_negated else {"Authorization": f"Bearer {token}"})


def _negative(case, location) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode.is_negative
