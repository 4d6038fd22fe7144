"""Who reads support cases: the hub manager and the user-support specialist of the case's hub,
nobody else (hub staff and ward officials 403, other hubs and cities 404). Every page that
shows a case's content writes ``support.case.viewed`` with the parts shown, before the page is
sent and without any text, and is sent with ``Cache-Control: no-store``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hiroba.accounts.choices import Role
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import HubFactory
from hiroba.support import case_services
from hiroba.support.tests.case_factories import (
    CANARY,
    NOTE_CANARY,
    PLAN_CANARY,
    linkage,
    plan_item,
    specialist,
    support_case,
    warm_linkage_data,
)

pytestmark = pytest.mark.django_db
VIEWED = "support.case.viewed"

# role -> status for a case of the person's own hub
OWN_HUB = {
    Role.HUB_MANAGER: 200,
    Role.USER_SUPPORT: 200,
    Role.HUB_STAFF: 403,
    Role.KOSAPO_COORDINATOR: 403,
    Role.VOLUNTEER: 403,
    Role.WARD_OFFICIAL: 403,
    Role.CITY_ADMIN: 403,
}
CASE_PAGES = ("case-detail", "case-edit", "case-close", "linkage-add")


def _as(client, user):
    client.cookies["hiroba_language"] = "en"
    client.force_login(user)
    return client


def _url(name: str, **kwargs) -> str:
    return reverse(f"support:{name}", kwargs=kwargs)


@pytest.fixture
def case(world):
    """Opened by another specialist: reading needs the role, not authorship."""
    actor = specialist(world.a.hub)
    case = support_case(world.a.hub, actor=actor)
    plan_item(case, actor=actor)
    case_services.add_linkage(case, warm_linkage_data(), actor=actor)
    return case


@pytest.mark.parametrize("role", list(OWN_HUB), ids=lambda r: r.value)
def test_only_case_managers_of_the_hub_read_a_case(client, world, case, role):
    person = world.a.person(role)
    response = _as(client, person).get(_url("case-detail", case_id=case.pk))
    shown = OWN_HUB[role] == 200
    assert response.status_code == OWN_HUB[role]
    page = response.content.decode()
    for text in (CANARY, PLAN_CANARY, NOTE_CANARY):
        assert (text in page) is shown
    assert AuditLog.objects.filter(action=VIEWED, actor=person).exists() is shown
    for name in CASE_PAGES[1:]:
        assert client.get(_url(name, case_id=case.pk)).status_code in (
            (200,) if shown else (403,)
        ), name


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_cases_of_another_city_do_not_exist_for_anyone(client, world, case, role):
    _as(client, world.b.person(role))
    for name in CASE_PAGES:
        assert client.get(_url(name, case_id=case.pk)).status_code == 404, name
    assert client.post(_url("case-reopen", case_id=case.pk)).status_code == 404


@pytest.mark.parametrize("role", list(OWN_HUB), ids=lambda r: r.value)
def test_another_hub_of_the_ward_is_foreign_to_hub_roles(client, world, role):
    sibling = HubFactory(ward=world.a.ward, operator=world.a.hub.operator, name="隣の拠点")
    case = support_case(sibling, actor=specialist(sibling))
    response = _as(client, world.a.person(role)).get(_url("case-detail", case_id=case.pk))
    hub_role = role not in (Role.WARD_OFFICIAL, Role.CITY_ADMIN)
    assert response.status_code == (404 if hub_role else 403)
    assert CANARY not in response.content.decode()


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.WARD_OFFICIAL, Role.VOLUNTEER])
def test_people_without_case_access_cannot_list_or_open_cases(client, world, role):
    _as(client, world.a.person(role))
    for name in ("case-list", "case-create", "activity-list", "activity-create"):
        assert client.get(_url(name)).status_code == 403, name


def test_a_read_is_audited_with_who_what_and_where(client, world, case):
    manager = world.a.person(Role.HUB_MANAGER)
    response = _as(client, manager).get(
        _url("case-detail", case_id=case.pk), REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    row = AuditLog.objects.get(action=VIEWED)
    assert (row.actor, row.hub, row.object_id) == (manager, world.a.hub, str(case.pk))
    assert row.payload == {"case": case.pk, "fields": list(case_services.CASE_PARTS)}
    assert row.ip_address == "192.0.2.9"
    for text in (CANARY, PLAN_CANARY, NOTE_CANARY):
        assert text not in f"{row.payload} {row.object_repr}"


def test_every_page_showing_content_writes_its_own_read(client, world, case):
    _as(client, world.a.person(Role.USER_SUPPORT))
    item = case.plan_items.get()
    link = linkage(case, actor=world.a.person(Role.USER_SUPPORT))
    pages = {
        _url("case-edit", case_id=case.pk): ["family", "needs", "topics", "consultations"],
        _url("plan-item-edit", plan_item_id=item.pk): ["plan"],
        _url("linkage-move", linkage_id=link.pk): ["linkages"],
    }
    for url, parts in pages.items():
        before = AuditLog.objects.filter(action=VIEWED).count()
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], url
        rows = AuditLog.objects.filter(action=VIEWED).order_by("pk")
        assert rows.count() == before + 1, url
        assert rows.last().payload["fields"] == parts, url
    assert PLAN_CANARY in client.get(_url("plan-item-edit", plan_item_id=item.pk)).content.decode()


def test_the_audit_row_is_written_before_the_page(client, world, case, monkeypatch):
    """If the read cannot be logged, the content is not sent."""
    _as(client, world.a.person(Role.HUB_MANAGER))
    original = case_services.audit.record

    def broken(action, **kwargs):
        if action == VIEWED:
            raise RuntimeError("audit log unavailable")
        return original(action, **kwargs)

    monkeypatch.setattr(case_services.audit, "record", broken)
    client.raise_request_exception = False
    response = client.get(_url("case-detail", case_id=case.pk))
    assert response.status_code == 500
    assert CANARY not in response.content.decode()


def test_the_list_logs_which_cases_it_showed(client, world, case):
    closed = support_case(world.a.hub, actor=world.a.person(Role.USER_SUPPORT))
    case_services.close_case(
        closed, "needs_met", closed_on=closed.opened_on, actor=world.a.person(Role.USER_SUPPORT)
    )
    response = _as(client, world.a.person(Role.USER_SUPPORT)).get(_url("case-list"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    listed = AuditLog.objects.get(action="support.case.listed")
    assert listed.payload == {"ids": [case.pk], "fields": ["family", "topics"]}
    assert CANARY not in response.content.decode()  # the list shows no needs
