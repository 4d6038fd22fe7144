from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.core import audit
from hiroba.core.models import AuditLog


@pytest.fixture
def manager(world, client):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return client


def test_managers_see_their_hub_and_their_staffs_sign_ins_only(world, manager):
    own = audit.record("core.hub.updated", actor=None, obj=world.a.hub)
    foreign = audit.record("core.hub.updated", actor=None, obj=world.b.hub)
    staff = world.a.person(Role.HUB_STAFF)
    login = audit.record("accounts.login.succeeded", actor=staff, obj=staff)
    outsider = world.b.person(Role.HUB_STAFF)
    foreign_login = audit.record("accounts.login.succeeded", actor=outsider, obj=outsider)
    shown = {e.pk for e in manager.get(reverse("hubs:audit-list")).context["page"].object_list}
    assert {own.pk, login.pk} <= shown
    assert foreign.pk not in shown and foreign_login.pk not in shown


def test_filters_narrow_the_list_and_htmx_gets_only_the_table(world, manager):
    audit.record("core.hub.updated", actor=None, obj=world.a.hub)
    audit.record("core.venue.created", actor=None, hub=world.a.hub)
    response = manager.get(
        reverse("hubs:audit-list"), {"action": "core.venue.created"}, HTTP_HX_REQUEST="true"
    )
    assert [e.action for e in response.context["page"].object_list] == ["core.venue.created"]
    assert response.templates[0].name == "hubs/partials/_audit_region.html"
    assert "<html" not in response.content.decode()


def test_an_end_date_before_the_start_date_is_an_error_shown_to_htmx_too(world, manager):
    response = manager.get(
        reverse("hubs:audit-list"),
        {"date_from": "R8.4.2", "date_to": "2026-04-01"},
        HTTP_HX_REQUEST="true",
    )
    assert "date_to" in response.context["form"].errors
    assert 'class="field__error"' in response.content.decode()


def test_wareki_date_filters_work(world, manager):
    audit.record("core.hub.updated", actor=None, obj=world.a.hub)
    today = timezone.localdate()
    response = manager.get(
        reverse("hubs:audit-list"), {"date_from": "R1.5.1", "date_to": str(today)}
    )
    assert response.context["page"].paginator.count >= 1


def test_exports_are_themselves_audited(world, manager):
    audit.record("core.hub.updated", actor=None, obj=world.a.hub)
    response = manager.get(reverse("hubs:audit-export"))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("time,action,label,actor")
    assert any("core.hub.updated" in line for line in lines[1:])
    export = AuditLog.objects.get(action="core.auditlog.exported")
    assert export.payload["rows"] == len(lines) - 1


def test_an_entry_opens_with_its_details(world, manager):
    entry = audit.record(
        "core.hub.updated",
        actor=world.a.person(Role.HUB_MANAGER),
        obj=world.a.hub,
        payload={"fields": ["phone"]},
    )
    response = manager.get(reverse("hubs:audit-detail", kwargs={"entry_id": entry.pk}))
    assert response.status_code == 200
    assert "phone" in response.content.decode()


def test_account_events_show_only_while_the_person_has_a_role_here(world, manager):
    person = world.b.person(Role.HUB_STAFF)
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        before = audit.record("accounts.login.succeeded", actor=person, obj=person)
    membership = MembershipFactory(user=person, hub=world.a.hub, role=Role.VOLUNTEER)
    after = audit.record("accounts.login.succeeded", actor=person, obj=person)

    def shown():
        page = manager.get(reverse("hubs:audit-list")).context["page"]
        return {entry.pk for entry in page.object_list}

    assert after.pk in shown() and before.pk not in shown()
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert after.pk not in shown()


def test_city_level_rows_are_for_city_administrators(world, client):
    row = audit.record("core.organization.created", actor=None, obj=world.a.hub.operator)
    foreign = audit.record("core.organization.created", actor=None, obj=world.b.hub.operator)
    client.force_login(world.a.person(Role.CITY_ADMIN))
    shown = {e.pk for e in client.get(reverse("hubs:audit-list")).context["page"].object_list}
    assert row.pk in shown and foreign.pk not in shown
    assert client.get(reverse("hubs:audit-detail", kwargs={"entry_id": row.pk})).status_code == 200
    client.force_login(world.a.person(Role.HUB_MANAGER))
    shown = {e.pk for e in client.get(reverse("hubs:audit-list")).context["page"].object_list}
    assert row.pk not in shown
