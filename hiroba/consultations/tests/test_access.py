"""Need-to-know (issue 6): who reads a consultation's content, break-glass, and the audit row
written for every read before the page is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.consultations.models import BreakGlassOpening
from hiroba.consultations.tests.factories import CANARY, consultation
from hiroba.core.models import AuditLog

pytestmark = pytest.mark.django_db
VIEWED = "consultations.consultation.viewed"


def _detail(record) -> str:
    return reverse("consultations:consultation-detail", kwargs={"consultation_id": record.pk})


def _as(client, user):
    client.cookies["hiroba_language"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def record(world):
    """Written by a staff member and assigned to the user-support specialist."""
    return consultation(
        world.a.hub,
        actor=world.a.person(Role.HUB_STAFF),
        assigned=[world.a.person(Role.USER_SUPPORT)],
    )


@pytest.fixture
def colleague(world):
    """Another staff member of the same hub: may record consultations, not read this one."""
    from hiroba.accounts.tests.factories import MembershipFactory  # noqa: PLC0415

    return MembershipFactory(hub=world.a.hub, role=Role.HUB_STAFF).user


# role -> (status, content shown) for a record of the person's own hub
OWN_HUB = {
    Role.HUB_STAFF: (200, True),  # the author
    Role.USER_SUPPORT: (200, True),  # assigned, and consultation access by role
    Role.HUB_MANAGER: (200, True),  # consultation access by role
    Role.KOSAPO_COORDINATOR: (403, False),
    Role.VOLUNTEER: (403, False),
    Role.WARD_OFFICIAL: (403, False),  # aggregates only
    Role.CITY_ADMIN: (403, False),
}


@pytest.mark.parametrize("role", list(OWN_HUB), ids=lambda r: r.value)
def test_every_role_reads_only_what_it_needs_to_know(client, world, record, role):
    response = _as(client, world.a.person(role)).get(_detail(record))
    status, shown = OWN_HUB[role]
    assert response.status_code == status
    assert (CANARY in response.content.decode()) is shown
    assert AuditLog.objects.filter(action=VIEWED, actor=world.a.person(role)).exists() is shown


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_records_of_another_city_do_not_exist_for_anyone(client, world, record, role):
    response = _as(client, world.b.person(role)).get(_detail(record))
    assert response.status_code == 404
    for name in ("consultation-edit", "referral-create"):
        url = reverse(f"consultations:{name}", kwargs={"consultation_id": record.pk})
        assert client.get(url).status_code == 404


def test_a_colleague_sees_that_a_record_exists_but_not_why(client, colleague, record):
    response = _as(client, colleague).get(_detail(record))
    page = response.content.decode()
    assert response.status_code == 200
    assert record.reference in page and CANARY not in page
    assert "睡眠" not in page  # the topics are content too
    assert "break-glass" in page
    assert not AuditLog.objects.filter(action=VIEWED).exists()


def test_a_colleague_cannot_edit_or_refer(client, colleague, record):
    _as(client, colleague)
    for name in ("consultation-edit", "referral-create", "note-add", "follow-up-done"):
        url = reverse(f"consultations:{name}", kwargs={"consultation_id": record.pk})
        response = (
            client.post(url, {"text": "x"})
            if "add" in name or "done" in name
            else (client.get(url))
        )
        assert response.status_code == 403, name


def test_a_read_is_audited_with_who_what_basis_and_where(client, world, record):
    manager = world.a.person(Role.HUB_MANAGER)
    response = _as(client, manager).get(_detail(record), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    row = AuditLog.objects.get(action=VIEWED)
    assert (row.actor, row.hub, row.object_id) == (manager, world.a.hub, str(record.pk))
    assert row.payload["basis"] == "role"
    assert "summary" in row.payload["fields"]
    assert row.ip_address == "192.0.2.7"
    assert CANARY not in str(row.payload)
    assert "no-store" in response["Cache-Control"]


def test_the_list_shows_topics_only_of_readable_records_and_logs_them(
    client, world, colleague, record
):
    own = consultation(world.a.hub, actor=colleague, topics=None, summary="自分の記録")
    response = _as(client, colleague).get(reverse("consultations:consultation-list"))
    page = response.content.decode()
    assert record.reference in page and own.reference in page
    assert page.count("Need-to-know") == 1
    listed = AuditLog.objects.get(action="consultations.consultation.listed")
    assert listed.payload["ids"] == [own.pk]


def test_break_glass_opens_the_record_for_a_while_and_tells_the_manager(
    client, world, colleague, record, django_capture_on_commit_callbacks
):
    _as(client, colleague)
    url = reverse("consultations:break-glass", kwargs={"consultation_id": record.pk})
    short = client.post(url, {"reason": "急ぎ"})
    assert short.status_code == 200 and not BreakGlassOpening.objects.exists()
    reason = "子どもの安全確認のため、至急内容を確認する必要がある"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": reason}).status_code == 302
    opening = BreakGlassOpening.objects.get()
    assert (opening.user, opening.reason) == (colleague, reason)
    page = client.get(_detail(record)).content.decode()
    assert CANARY in page
    assert AuditLog.objects.get(action=VIEWED).payload["basis"] == "break_glass"
    [alert] = mail.outbox
    assert alert.to == [world.a.person(Role.HUB_MANAGER).email]
    assert record.reference in alert.body and reason not in alert.body and CANARY not in alert.body
    edit = reverse("consultations:consultation-edit", kwargs={"consultation_id": record.pk})
    assert client.get(edit).status_code == 403  # break-glass is for reading
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert CANARY not in client.get(_detail(record)).content.decode()


def test_the_manager_acknowledges_an_opening_on_the_review_page(client, world, colleague, record):
    from hiroba.consultations.services import open_break_glass  # noqa: PLC0415

    opening = open_break_glass(record, "至急の安全確認のため必要", actor=colleague)
    manager = world.a.person(Role.HUB_MANAGER)
    _as(client, manager)
    review = client.get(reverse("consultations:access-review")).content.decode()
    assert "至急の安全確認のため必要" in review
    read = AuditLog.objects.get(action="consultations.break_glass.reasons_viewed")
    assert (read.actor, read.payload["openings"]) == (manager, [opening.pk])
    dashboard = client.get(reverse("hubs:dashboard")).content.decode()
    assert "break-glass opening to acknowledge" in dashboard
    url = reverse("consultations:opening-acknowledge", kwargs={"opening_id": opening.pk})
    assert client.post(url).status_code == 302
    opening.refresh_from_db()
    assert opening.acknowledged_by == manager


def test_staff_cannot_open_the_access_review(client, world):
    response = _as(client, world.a.person(Role.HUB_STAFF)).get(
        reverse("consultations:access-review")
    )
    assert response.status_code == 403
