"""Every API route × another hub's object: 404, nothing changed (issue 9's isolation matrix for
the API; tests/test_permission_matrix.py walks the staff pages the same way).

Routes are read from the API's own OpenAPI schema, so a new route with an id in its path fails
here until a maker for that id is added below.
"""

from __future__ import annotations

import json
import re

import pytest

from hiroba.api import services
from hiroba.api.choices import TokenScope
from hiroba.api.v1 import api
from hiroba.families.tests.factories import family
from hiroba.programs.models import Entry
from hiroba.programs.signup import apply
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
PATH_ID = re.compile(r"\{(\w+_id)\}")


def _entry(tenant) -> Entry:
    household = family(tenant.hub)
    return apply(program(tenant.hub), household, caregivers_and_children(household))


OBJECTS = {
    "program_id": lambda tenant: program(tenant.hub).pk,
    "entry_id": lambda tenant: _entry(tenant).pk,
}


def _routes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if PATH_ID.search(path)
    )


def test_every_id_in_an_api_path_has_a_maker():
    names = {name for _method, path in _routes() for name in PATH_ID.findall(path)}
    assert names - OBJECTS.keys() == set()


def _url(path: str, tenant) -> str:
    return PATH_ID.sub(lambda match: str(OBJECTS[match.group(1)](tenant)), path)


@pytest.mark.parametrize(("method", "path"), _routes())
def test_another_hubs_object_is_not_found_through_any_route(client, world, method, path):
    token = services.issue_token(world.a.hub, name="A", scope=TokenScope.WRITE, actor=None)[1]
    own_family = family(world.a.hub)
    body = {
        "card_number": own_family.card_number,
        "member_ids": [m.pk for m in caregivers_and_children(own_family)],
    }

    def send(url):
        return client.generic(
            method,
            url,
            json.dumps(body) if method == "POST" else "",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    # The control: the same route with the hub's own object is found (so a 404 below is the
    # scoping, not a wrong address).
    assert send(_url(path, world.a)).status_code != 404
    foreign = _url(path, world.b)
    before = list(Entry.objects.values_list("pk", "status"))
    response = send(foreign)
    assert response.status_code == 404, (method, path, response.content[:200])
    assert list(Entry.objects.values_list("pk", "status")) == before
