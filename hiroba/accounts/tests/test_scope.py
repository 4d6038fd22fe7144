import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership
from hiroba.accounts.permissions import MANAGE_STAFF, USE_CONSOLE
from hiroba.accounts.scope import AccessScope, get_for_user, scope_for
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory
from hiroba.core.models import Hub, Venue
from hiroba.core.tests.factories import HubFactory, SatelliteFactory, VenueFactory


def test_a_main_hub_role_covers_its_satellites_but_not_other_hubs(db):
    satellite = SatelliteFactory()
    other_in_same_ward = HubFactory(ward=satellite.ward, operator=satellite.operator)
    membership = MembershipFactory(hub=satellite.parent, role=Role.HUB_STAFF)
    assert AccessScope(membership.user).hub_ids() == {satellite.parent.pk, satellite.pk}
    assert other_in_same_ward.pk not in AccessScope(membership.user).hub_ids()


def test_a_satellite_role_covers_only_the_satellite(db):
    satellite = SatelliteFactory()
    membership = MembershipFactory(hub=satellite, role=Role.HUB_STAFF)
    assert AccessScope(membership.user).hub_ids() == {satellite.pk}


def test_ward_officials_reach_every_hub_of_their_ward_only(world):
    scope = AccessScope(world.a.person(Role.WARD_OFFICIAL))
    assert scope.hub_ids() == {world.a.hub.pk, world.a.satellite.pk}
    assert scope.ward_ids() == {world.a.ward.pk}


def test_city_administrators_reach_their_municipality_only(world):
    extra_ward_hub = HubFactory(ward__municipality=world.a.municipality)
    scope = AccessScope(world.a.person(Role.CITY_ADMIN))
    assert scope.hub_ids() == {world.a.hub.pk, world.a.satellite.pk, extra_ward_hub.pk}
    assert world.b.hub.pk not in scope.hub_ids()


def test_permissions_narrow_the_reach(world):
    staff = AccessScope(world.a.person(Role.HUB_STAFF))
    assert staff.hub_ids(USE_CONSOLE) == {world.a.hub.pk, world.a.satellite.pk}
    assert staff.hub_ids(MANAGE_STAFF) == frozenset()
    assert not staff.can(MANAGE_STAFF, hub_id=world.a.hub.pk)
    assert AccessScope(world.a.person(Role.HUB_MANAGER)).can(MANAGE_STAFF, hub_id=world.a.hub.pk)


@pytest.mark.parametrize("switch_off", ["membership", "user"])
def test_inactive_memberships_and_users_reach_nothing(db, switch_off):
    membership = MembershipFactory()
    if switch_off == "membership":
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
    else:
        type(membership.user).objects.filter(pk=membership.user_id).update(is_active=False)
    user = type(membership.user).objects.get(pk=membership.user_id)
    scope = AccessScope(user)
    assert scope.hub_ids() == frozenset() and not scope.is_staff


def test_people_without_any_role_reach_nothing(db):
    HubFactory()
    assert AccessScope(UserFactory()).hub_ids() == frozenset()


def test_the_scope_is_computed_once_per_request(world, django_assert_num_queries):
    user = world.a.person(Role.HUB_STAFF)
    scope_for(user)
    with django_assert_num_queries(0):
        scope_for(user).hub_ids()


def test_get_for_user_answers_404_outside_reach_and_403_without_permission(world):
    staff = world.a.person(Role.HUB_STAFF)
    own = VenueFactory(hub=world.a.hub)
    foreign = VenueFactory(hub=world.b.hub)
    assert get_for_user(Venue.objects, staff, own.pk, USE_CONSOLE) == own
    with pytest.raises(Http404):
        get_for_user(Venue.objects, staff, foreign.pk, USE_CONSOLE)
    with pytest.raises(Http404):
        get_for_user(Venue.objects, staff, 999999, USE_CONSOLE)
    with pytest.raises(PermissionDenied):
        get_for_user(Venue.objects, staff, own.pk, MANAGE_STAFF)


def test_get_for_user_fails_closed_for_people_without_a_role(world):
    outsider = UserFactory()
    with pytest.raises(Http404):
        get_for_user(Hub.objects, outsider, world.a.hub.pk, USE_CONSOLE, hub_field="id")
