"""Every staff URL × every role × own and foreign objects.

Expectations come from the permission registry (the same source as docs/permissions.md):
- another municipality's object answers 404 to every role (no existence oracle);
- an object of the role's own hub answers 403 without the permission, and works with it;
- URLs without an object follow the permission at the current hub.
A new staff URL fails ``test_every_staff_url_is_covered`` until it is added to OBJECTS here.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.timezone import localdate

from hiroba.accounts import rbac
from hiroba.accounts.choices import ROLE_LEVEL, Role, ScopeLevel
from hiroba.accounts.matrix import render_markdown, staff_urls
from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import MembershipFactory
from hiroba.api.services import issue_token as issue_api_token
from hiroba.consultations.permissions import RECORD_CONSULTATIONS
from hiroba.consultations.services import open_break_glass, refer
from hiroba.consultations.tests.factories import agency, consultation, referral_data
from hiroba.core import audit
from hiroba.core.models import ClosedDay, Reading
from hiroba.core.tests.factories import DistrictFactory, HubFactory, VenueFactory
from hiroba.directory.services import suggest_resource
from hiroba.directory.tests.factories import resource as directory_resource
from hiroba.evaluation.action_services import log_action as log_evaluation_action
from hiroba.evaluation.models import EvaluationSheet
from hiroba.evaluation.services import add_comment as add_evaluation_comment
from hiroba.evaluation.tests.factories import goal as evaluation_goal
from hiroba.evaluation.tests.factories import sheet as evaluation_sheet
from hiroba.families.tests.factories import family
from hiroba.kosapo.choices import MemberKind
from hiroba.kosapo.tests.factories import ask as kosapo_ask
from hiroba.kosapo.tests.factories import member as kosapo_member
from hiroba.lib.fiscal import fiscal_year_of
from hiroba.news.tests.factories import item_with_photo as news_item_with_photo
from hiroba.programs.services import apply
from hiroba.programs.tests.factories import program
from hiroba.support.tests.case_factories import activity as community_activity
from hiroba.support.tests.case_factories import linkage as support_linkage
from hiroba.support.tests.case_factories import plan_item as support_plan_item
from hiroba.support.tests.case_factories import support_case
from hiroba.support.tests.factories import a_family
from hiroba.support.tests.factories import book as support_book
from hiroba.support.tests.factories import slot as support_slot
from hiroba.testing.plugin import Tenant
from hiroba.visits.services import check_in, save_daily_log

# How to make an object of a tenant for each URL keyword, and the hub it belongs to.
OBJECTS = {
    "hub_id": lambda t: t.hub.pk,
    "venue_id": lambda t: VenueFactory(hub=t.hub).pk,
    "district_id": lambda t: DistrictFactory(ward=t.ward).pk,
    "membership_id": lambda t: MembershipFactory(hub=t.hub, role=Role.HUB_STAFF).pk,
    "entry_id": lambda t: audit.record("core.hub.updated", actor=None, obj=t.hub).pk,
    "city_membership_id": lambda t: (
        MembershipFactory(hub=None, ward=t.ward, role=Role.WARD_OFFICIAL).pk
    ),
    "household_id": lambda t: family(t.hub).pk,
    "other_id": lambda t: family(t.hub).pk,
    "member_id": lambda t: family(t.hub).members.first().pk,
    "visit_id": lambda t: _visit(t).pk,
    "log_id": lambda t: save_daily_log(VenueFactory(hub=t.hub), date(2026, 4, 1), actor=None).pk,
    "program_id": lambda t: program(t.hub).pk,
    "session_id": lambda t: program(t.hub).sessions.get().pk,
    "program_entry_id": lambda t: _program_entry(t).pk,
    "consultation_id": lambda t: _consultation(t).pk,
    "referral_id": lambda t: _referral(t).pk,
    "opening_id": lambda t: _opening(t).pk,
    "agency_id": lambda t: agency(t).pk,
    "case_id": lambda t: _support_case(t).pk,
    "plan_item_id": lambda t: _support_plan_item(t).pk,
    "linkage_id": lambda t: _support_linkage(t).pk,
    "activity_id": lambda t: community_activity(t.hub, actor=_case_manager(t)).pk,
    "slot_id": lambda t: _support_slot(t).pk,
    "booking_id": lambda t: support_book(_support_slot(t), a_family(t.hub)).pk,
    "kosapo_member_id": lambda t: kosapo_member(t.hub).pk,
    "kosapo_request_id": lambda t: (
        kosapo_ask(kosapo_member(t.hub, MemberKind.USER, activate=True)).pk
    ),
    "sheet_id": lambda t: _evaluation_goal(t).sheet_id,
    "resource_id": lambda t: directory_resource(t.hub).pk,
    "suggestion_id": lambda t: (
        suggest_resource(t.hub, proposed={"name": "公園"}, submitter_kind="parent").pk
    ),
    "item_id": lambda t: news_item_with_photo(t.hub).pk,
    "token_id": lambda t: (
        issue_api_token(t.hub, name="区の予約システム", scope="read", actor=None)[0].pk
    ),
    "closure_id": lambda t: (
        ClosedDay.objects.create(
            hub=t.hub, first_day=date(2026, 12, 1), last_day=date(2026, 12, 1)
        ).pk
    ),
    "reading_id": lambda t: (
        Reading.objects.create(municipality=t.municipality, word="新羽", reading="にっぱ").pk
    ),
    "goal_id": lambda t: _evaluation_goal(t).pk,
    "comment_id": lambda t: _evaluation_comment(t).pk,
    "evaluation_action_id": lambda t: _evaluation_action(t).pk,
}


def _consultation(tenant):
    """A record every counsellor of the hub is assigned to, so need-to-know lets each role the
    permission allows do its work (need-to-know itself: consultations/tests/test_access.py)."""
    roles = rbac.roles_with(RECORD_CONSULTATIONS)
    counsellors = [
        m.user for m in Membership.objects.filter(hub=tenant.hub, role__in=roles, is_active=True)
    ]
    author = MembershipFactory(hub=tenant.hub, role=Role.HUB_MANAGER).user
    return consultation(tenant.hub, actor=author, assigned=counsellors)


def _referral(tenant):
    record = _consultation(tenant)
    return refer(record, referral_data(agency(tenant)), actor=record.author)


def _opening(tenant):
    record = consultation(
        tenant.hub, actor=MembershipFactory(hub=tenant.hub, role=Role.HUB_MANAGER).user
    )
    opener = MembershipFactory(hub=tenant.hub, role=Role.HUB_STAFF).user
    return open_break_glass(record, "急ぎの確認が必要なため", actor=opener)


def _support_slot(tenant):
    """A slot a week ahead, held by a new user-support specialist of the hub."""
    specialist = MembershipFactory(hub=tenant.hub, role=Role.USER_SUPPORT).user
    return support_slot(tenant, localdate() + timedelta(days=7), specialist=specialist)


def _case_manager(tenant):
    return MembershipFactory(hub=tenant.hub, role=Role.USER_SUPPORT).user


def _support_case(tenant):
    return support_case(tenant.hub, actor=_case_manager(tenant))


def _support_plan_item(tenant):
    case = _support_case(tenant)
    return support_plan_item(case, actor=case.opened_by)


def _support_linkage(tenant):
    case = _support_case(tenant)
    return support_linkage(case, actor=case.opened_by)


def _evaluation_goal(tenant):
    """A draft sheet of the tenant's main hub for the current fiscal year, with one goal."""
    year = fiscal_year_of(localdate())
    sheet = EvaluationSheet.objects.filter(hub=tenant.hub, fiscal_year=year).first()
    sheet = sheet or evaluation_sheet(tenant.hub, year)
    return sheet.goals.first() or evaluation_goal(sheet)


def _evaluation_comment(tenant):
    goal = _evaluation_goal(tenant)
    return add_evaluation_comment(
        goal.sheet,
        goal=goal,
        section="results",
        body="確認",
        side="ward",
        actor=MembershipFactory(hub=None, ward=tenant.ward, role=Role.WARD_OFFICIAL).user,
    )


def _evaluation_action(tenant):
    return log_evaluation_action(
        _evaluation_goal(tenant),
        done_on=localdate(),
        text="講座を開催",
        actor=None,
    )


def _visit(tenant):
    household = family(tenant.hub)
    venue = VenueFactory(hub=tenant.hub)
    members = list(household.members.values_list("pk", flat=True))
    return check_in(household, venue, members, actor=None, on=date(2026, 4, 1))[0]


def _program_entry(tenant):
    household = family(tenant.hub)
    return apply(program(tenant.hub), household, list(household.members.all()), actor=None)


# Objects that belong to a ward or a city, not a hub: every hub of the ward shares them
# (furigana readings hold for the whole city).
WARD_LEVEL_OBJECTS = {"district_id", "city_membership_id", "agency_id", "reading_id"}
URLS = staff_urls()
OBJECT_URLS = [u for u in URLS if u.check == "object"]


def _kwargs(url, tenant) -> dict:
    return {name: OBJECTS[name](tenant) for name in url.kwarg_names}


def _request(client, url, kwargs):
    path = reverse(url.name, kwargs=kwargs)
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path, {})
    return response


def _worked(response) -> bool:
    """A page that opened, or an action that redirected somewhere other than sign-in."""
    if response.status_code == 302:
        return not response.url.startswith("/accounts/")
    return response.status_code in (200, 204)


def _isolated(fn):
    """Run ``fn`` in a savepoint that is rolled back, so POST actions leave no trace."""
    with transaction.atomic():
        result = fn()
        transaction.set_rollback(True)
    return result


def test_every_staff_url_declares_a_permission():
    missing = [u.route for u in URLS if u.permission is None]
    assert missing == [], f"Staff views without @staff_view: {missing}"


def test_every_staff_url_is_covered():
    unknown = {name for u in URLS for name in u.kwarg_names if name not in OBJECTS}
    assert unknown == set(), f"Add object makers for {unknown} to OBJECTS"
    assert all(u.check == "object" for u in URLS if u.kwarg_names), (
        "views that take an object id must look it up first (check='object') so foreign ids "
        "answer 404 to every role"
    )


@pytest.mark.parametrize("url", OBJECT_URLS, ids=lambda u: u.name)
def test_foreign_objects_answer_404_to_every_role(client, world, url):
    for role in Role:
        client.force_login(world.a.person(role))
        response = _isolated(lambda: _request(client, url, _kwargs(url, world.b)))
        assert response.status_code == 404, f"{role.value} got {response.status_code}"


@pytest.mark.parametrize("url", OBJECT_URLS, ids=lambda u: u.name)
def test_own_objects_follow_the_permission(client, world, url):
    allowed = rbac.roles_with(url.permission)
    for role in Role:
        client.force_login(world.a.person(role))
        response = _isolated(lambda: _request(client, url, _kwargs(url, world.a)))
        if role in allowed:
            assert _worked(response), f"{role.value}: {response.status_code}"
        else:
            assert response.status_code == 403, f"{role.value} got {response.status_code}"


@pytest.mark.parametrize("url", [u for u in URLS if not u.kwarg_names], ids=lambda u: u.name)
def test_pages_without_object_follow_the_permission_at_the_current_hub(client, world, url):
    allowed = rbac.roles_with(url.permission)
    for role in Role:
        client.force_login(world.a.person(role))
        response = _isolated(lambda: _request(client, url, {}))
        if role in allowed:
            status = response.status_code
            assert _worked(response) or status == 400, f"{role.value}: {status}"
        else:
            assert response.status_code == 403, f"{role.value} got {response.status_code}"


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.name)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, url):
    kwargs = {name: OBJECTS[name](world.a) for name in url.kwarg_names}
    response = _request(client, url, kwargs)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", URLS, ids=lambda u: u.name)
def test_signed_in_people_without_a_role_get_403(client, world, url):
    person = world.a.person(Role.HUB_STAFF)
    Membership.objects.filter(user=person).update(is_active=False)
    client.force_login(person)
    kwargs = {name: OBJECTS[name](world.a) for name in url.kwarg_names}
    assert _isolated(lambda: _request(client, url, kwargs)).status_code == 403


def test_the_permission_document_matches_the_code():
    document = Path(settings.BASE_DIR, "docs", "permissions.md").read_text(encoding="utf-8")
    assert document == render_markdown(), "run: uv run python manage.py permissions_matrix --write"


@pytest.mark.parametrize("url", OBJECT_URLS, ids=lambda u: u.name)
def test_another_hub_in_the_same_ward_is_foreign_to_hub_roles(client, world, url):
    """Hub roles reach their own hub (and its satellites) only; the ward and the city reach
    every hub of their area."""
    sibling = HubFactory(ward=world.a.ward, operator=world.a.hub.operator, name="隣の拠点")
    tenant = Tenant(world.a.municipality, world.a.ward, sibling, None)
    allowed = rbac.roles_with(url.permission)
    for role in Role:
        client.force_login(world.a.person(role))
        response = _isolated(lambda: _request(client, url, _kwargs(url, tenant)))
        status = response.status_code
        ward_wide = set(url.kwarg_names) <= WARD_LEVEL_OBJECTS
        reaches = ROLE_LEVEL[role] != ScopeLevel.HUB or ward_wide
        if not reaches:
            assert status == 404, f"{role.value} got {status}"
        elif role in allowed:
            assert _worked(response), f"{role.value}: {status}"
        else:
            assert status == 403, f"{role.value} got {status}"
