"""Support case services: consent for the assessment, what a case may link to, compare-and-set
edits, closure and reopening, plan items, consent-gated warm hand-overs, linkage transitions
and follow-ups, audit payloads without text, encryption at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.consultations.tests.factories import agency, consultation
from hiroba.core.models import AuditLog
from hiroba.core.tests.factories import WardFactory
from hiroba.families.tests.factories import family
from hiroba.support import case_services as services
from hiroba.support.choices import CaseStatus, ClosureReason, LinkageStatus, ServiceKind
from hiroba.support.errors import SupportError
from hiroba.support.models import Linkage, PlanItem, SupportCase
from hiroba.support.tests.case_factories import (
    CANARY,
    NOTE_CANARY,
    PLAN_CANARY,
    case_data,
    consent,
    linkage,
    linkage_data,
    need_topics,
    plan_item,
    support_case,
    warm_linkage_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(world):
    return world.a.person(Role.USER_SUPPORT)


@pytest.fixture
def case(world, partner):
    return support_case(world.a.hub, actor=partner)


def _refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(SupportError) as refused:
        call(*args, **kwargs)
    assert refused.value.code == code


# -- opening ------------------------------------------------------------------------------------
def test_a_case_is_opened_with_consent_and_audited_without_text(world, partner):
    household = family(world.a.hub)
    record = consultation(world.a.hub, actor=partner)
    case = support_case(world.a.hub, actor=partner, household=household, consultations=[record])
    assert (case.status, case.household, case.revision) == (CaseStatus.OPEN, household, 1)
    assert (case.consent_method, case.consent_recorded_by) == ("verbal", partner)
    assert {t.code for t in case.need_topics.all()} == {"nursery", "childcare"}
    assert list(case.consultations.all()) == [record]
    row = AuditLog.objects.get(action="support.case.opened")
    assert (row.actor, row.hub, row.object_id) == (partner, world.a.hub, str(case.pk))
    assert CANARY not in str(row.payload) and CANARY not in row.object_repr


@pytest.mark.parametrize(
    "given",
    [
        consent(given=False),
        consent(method=""),
        consent(given_at=None),
    ],
    ids=["not-given", "no-method", "no-time"],
)
def test_no_case_is_opened_without_consent_to_the_assessment(world, partner, given):
    data = case_data(world.a.hub, assigned_to=partner)
    _refused("no_assessment_consent", services.open_case, world.a.hub, data, given, actor=partner)
    assert not SupportCase.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="support.").exists()


def test_consent_cannot_be_in_the_future(world, partner):
    later = consent(given_at=timezone.now() + timedelta(hours=1))
    data = case_data(world.a.hub, assigned_to=partner)
    _refused("consent_in_future", services.open_case, world.a.hub, data, later, actor=partner)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"needs": "  \n "}, "needs_empty"),
        ({"opened_on": timezone.localdate() + timedelta(days=2)}, "opened_in_future"),
    ],
)
def test_a_case_needs_its_needs_and_a_real_day(world, partner, change, code):
    _refused(code, support_case, world.a.hub, actor=partner, **change)
    assert not SupportCase.objects.exists()


def test_a_case_links_only_to_its_own_hub_and_city(world, partner):
    hub = world.a.hub
    _refused("household_elsewhere", support_case, hub, actor=partner, household=family(world.b.hub))
    _refused(
        "topic_elsewhere", support_case, hub, actor=partner, need_topics=need_topics(world.b.hub)
    )
    foreign = consultation(world.b.hub, actor=world.b.person(Role.USER_SUPPORT))
    _refused("consultation_elsewhere", support_case, hub, actor=partner, consultations=[foreign])
    satellite_record = consultation(world.a.satellite, actor=partner)
    _refused(
        "consultation_elsewhere", support_case, hub, actor=partner, consultations=[satellite_record]
    )
    assert not SupportCase.objects.exists()


@pytest.mark.parametrize("role", [Role.HUB_STAFF, Role.VOLUNTEER, Role.WARD_OFFICIAL])
def test_only_case_managers_of_the_hub_can_be_assigned(world, partner, role):
    _refused(
        "assignee_elsewhere",
        support_case,
        world.a.hub,
        actor=partner,
        assigned_to=world.a.person(role),
    )
    _refused(
        "assignee_elsewhere",
        support_case,
        world.a.hub,
        actor=partner,
        assigned_to=world.b.person(Role.USER_SUPPORT),
    )


def test_a_satellite_case_takes_a_family_of_the_main_registry(world, partner):
    household = family(world.a.hub)
    case = support_case(world.a.satellite, actor=partner, household=household)
    assert case.household == household and case.hub == world.a.satellite


# -- editing ------------------------------------------------------------------------------------
def _edit(case, actor, *, revision, **changes):
    data = case_data(case.hub, assigned_to=case.assigned_to, **changes)
    return services.update_case(case, data, revision=revision, actor=actor)


def test_an_edit_on_an_old_copy_is_refused(world, partner, case):
    first = SupportCase.objects.get(pk=case.pk)
    second = SupportCase.objects.get(pk=case.pk)
    _edit(first, partner, revision=first.revision, needs="最初の保存")
    _refused("case_stale", _edit, second, partner, revision=second.revision, needs="古い画面")
    case.refresh_from_db()
    assert (case.needs, case.revision) == ("最初の保存", 2)
    row = AuditLog.objects.get(action="support.case.updated")
    assert row.payload == {"case": case.pk, "changed": 1}


def test_a_closure_makes_an_open_edit_screen_stale(world, partner, case):
    revision = case.revision
    services.close_case(
        case, ClosureReason.NEEDS_MET, closed_on=timezone.localdate(), actor=partner
    )
    services.reopen_case(case, actor=partner)
    case.refresh_from_db()
    _refused("case_stale", _edit, case, partner, revision=revision, needs="古い画面")


def test_an_assignee_who_left_stays_until_someone_else_is_chosen(world, partner):
    colleague = world.a.person(Role.HUB_MANAGER)
    case = support_case(world.a.hub, actor=partner, assigned_to=colleague)
    colleague.memberships.update(is_active=False)
    _edit(case, partner, revision=1, needs="追記")  # same assignee: accepted
    case.refresh_from_db()
    assert case.assigned_to == colleague
    data = case_data(case.hub, assigned_to=world.a.person(Role.HUB_STAFF))
    _refused("assignee_elsewhere", services.update_case, case, data, revision=2, actor=partner)


# -- closing ------------------------------------------------------------------------------------
def test_closing_needs_a_reason_and_a_sensible_day(world, partner, case):
    today = timezone.localdate()
    for reason in ("", "anonymised", "whatever"):
        _refused(
            "closure_reason_needed", services.close_case, case, reason, closed_on=today,
            actor=partner,
        )  # fmt: skip
    _refused(
        "closed_before_opened",
        services.close_case,
        case,
        ClosureReason.MOVED,
        closed_on=today - timedelta(days=1),
        actor=partner,
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    services.close_case(
        case, ClosureReason.WARD, closed_on=today, note="区へ引き継ぎ", actor=partner
    )
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_by) == ("closed", "ward", partner)
    row = AuditLog.objects.get(action="support.case.closed")
    assert row.payload == {"case": case.pk}  # no reason: 要支援 would say why


def test_a_closed_case_takes_no_changes_until_reopened(world, partner, case):
    item = plan_item(case, actor=partner)
    link = linkage(case, actor=partner, follow_up_on=timezone.localdate())
    services.close_case(
        case, ClosureReason.NEEDS_MET, closed_on=timezone.localdate(), actor=partner
    )
    case.refresh_from_db()
    _refused("case_closed", _edit, case, partner, revision=case.revision)
    _refused("case_closed", plan_item, case, actor=partner)
    _refused("case_closed", services.set_plan_item_done, item, True, actor=partner)
    _refused("case_closed", linkage, case, actor=partner)
    _refused("case_closed", services.move_linkage, link, "contacted", actor=partner)
    _refused("case_closed", services.complete_linkage_follow_up, link, actor=partner)
    _refused(
        "case_closed",
        services.close_case,
        case,
        ClosureReason.OTHER,
        closed_on=timezone.localdate(),
        actor=partner,
    )
    services.reopen_case(case, actor=partner)
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason) == ("open", None, "")
    _refused("case_not_closed", services.reopen_case, case, actor=partner)
    plan_item(case, actor=partner)  # works again


def test_the_database_refuses_a_half_closed_case(world, partner, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportCase.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)


# -- plan items ---------------------------------------------------------------------------------
def test_plan_items_are_numbered_marked_and_unmarked(world, partner, case):
    first = plan_item(case, actor=partner, text="見学の予約")
    second = plan_item(case, actor=partner, text="申込書の確認")
    assert (first.order, second.order) == (1, 2)
    services.set_plan_item_done(first, True, actor=partner)
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()
    _refused("plan_done_already", services.set_plan_item_done, first, True, actor=partner)
    services.set_plan_item_done(first, False, actor=partner)
    first.refresh_from_db()
    assert first.done_on is None
    _refused("plan_not_done", services.set_plan_item_done, first, False, actor=partner)
    services.update_plan_item(second, "申込書を一緒に書く", due_on=None, actor=partner)
    second.refresh_from_db()
    assert second.text == "申込書を一緒に書く"
    actions = list(
        AuditLog.objects.filter(action__startswith="support.plan_item.").values_list(
            "action", flat=True
        )
    )
    assert actions.count("support.plan_item.added") == 2
    assert "support.plan_item.done" in actions and "support.plan_item.undone" in actions


def test_a_plan_item_needs_text_and_a_date_after_opening(world, partner, case):
    _refused("plan_text_empty", plan_item, case, actor=partner, text=" ")
    before = case.opened_on - timedelta(days=1)
    _refused("date_before_case", plan_item, case, actor=partner, due_on=before)
    assert not PlanItem.objects.exists()


# -- linkages -----------------------------------------------------------------------------------
def test_a_warm_hand_over_without_consent_is_refused_and_nothing_saved(world, partner, case):
    for given in (None, consent(given=False), consent(given_at=None), consent(method="")):
        _refused(
            "handover_no_consent",
            services.add_linkage,
            case,
            warm_linkage_data(consent=given),
            actor=partner,
        )
    _refused(
        "handover_note_needed",
        services.add_linkage,
        case,
        warm_linkage_data(handover_note=""),
        actor=partner,
    )
    assert not Linkage.objects.exists()
    assert not AuditLog.objects.filter(action="support.linkage.added").exists()
    made = services.add_linkage(case, warm_linkage_data(), actor=partner)
    assert (made.warm_handover, made.consent_recorded_by, made.handover_note) == (
        True,
        partner,
        NOTE_CANARY,
    )


def test_the_database_refuses_a_warm_hand_over_without_consent(world, partner, case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Linkage.objects.create(
            case=case, service_kind=ServiceKind.OTHER, warm_handover=True, created_by=partner
        )


def test_agencies_must_be_of_the_ward_or_city_and_in_use(world, partner, case):
    other_ward = WardFactory(municipality=world.a.municipality)
    _refused(
        "agency_elsewhere",
        linkage,
        case,
        actor=partner,
        agency=agency(world.a.hub, ward=other_ward),
    )
    _refused("agency_elsewhere", linkage, case, actor=partner, agency=agency(world.b.hub))
    _refused(
        "agency_inactive", linkage, case, actor=partner, agency=agency(world.a, is_active=False)
    )
    assert not Linkage.objects.exists()
    city_wide = agency(world.a, ward=None)
    assert linkage(case, actor=partner, agency=city_wide).agency == city_wide


def test_linkages_move_only_along_the_allowed_steps(world, partner, case):
    link = linkage(case, actor=partner)
    _refused("bad_linkage_transition", services.move_linkage, link, "connected", actor=partner)
    services.move_linkage(link, LinkageStatus.CONTACTED, actor=partner)
    services.move_linkage(link, LinkageStatus.CONNECTED, result_note="利用開始", actor=partner)
    link.refresh_from_db()
    assert (link.status, link.result_note) == ("connected", "利用開始")
    for status in LinkageStatus.values:
        _refused("bad_linkage_transition", services.move_linkage, link, status, actor=partner)
    assert AuditLog.objects.filter(action="support.linkage.moved").count() == 2


def test_follow_ups_are_done_once_and_a_new_date_reopens_them(world, partner, case):
    today = timezone.localdate()
    link = linkage(case, actor=partner, follow_up_on=today)
    services.complete_linkage_follow_up(link, actor=partner)
    _refused("no_linkage_follow_up", services.complete_linkage_follow_up, link, actor=partner)
    moved = services.move_linkage(
        link, LinkageStatus.CONTACTED, follow_up_on=today + timedelta(days=7), actor=partner
    )
    assert moved.has_open_follow_up
    ended = services.move_linkage(link, LinkageStatus.NOT_USED, actor=partner)
    assert (ended.follow_up_on, ended.has_open_follow_up) == (None, False)
    before = case.opened_on - timedelta(days=1)
    _refused("date_before_case", linkage, case, actor=partner, follow_up_on=before)


# -- encryption ---------------------------------------------------------------------------------
def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")  # noqa: S608 - our own names
        return [value for (value,) in cursor.fetchall()]


def test_case_text_is_encrypted_at_rest_and_never_in_the_audit_log(world, partner, case):
    plan_item(case, actor=partner)
    link = services.add_linkage(case, warm_linkage_data(), actor=partner)
    services.move_linkage(link, LinkageStatus.CONTACTED, result_note=CANARY, actor=partner)
    services.close_case(
        case, ClosureReason.NEEDS_MET, closed_on=timezone.localdate(), note=CANARY, actor=partner
    )
    stored = {
        ("support_supportcase", "needs"): CANARY,
        ("support_supportcase", "closure_note"): CANARY,
        ("support_planitem", "text"): PLAN_CANARY,
        ("support_linkage", "handover_note"): NOTE_CANARY,
        ("support_linkage", "result_note"): CANARY,
    }
    for (table, column), plain in stored.items():
        [raw] = _raw(table, column)
        assert raw.startswith("hb1:") and plain not in raw, column
    case.refresh_from_db()
    assert (case.needs, case.closure_note) == (CANARY, CANARY)  # and it reads back
    for row in AuditLog.objects.filter(action__startswith="support."):
        text = f"{row.payload} {row.object_repr}"
        assert all(plain not in text for plain in stored.values()), row.action
        assert "ward_health" not in text  # the service says why


def test_linkage_data_defaults_are_a_plain_proposal(world, partner, case):
    made = services.add_linkage(case, linkage_data(), actor=partner)
    assert (made.status, made.warm_handover, made.consent_given_at) == ("proposed", False, None)
