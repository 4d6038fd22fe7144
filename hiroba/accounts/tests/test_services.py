import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt
from django.core import mail
from django.db import IntegrityError

from hiroba.accounts import services
from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership, User
from hiroba.accounts.tests.factories import MembershipFactory, UserFactory, failed_sign_ins
from hiroba.core.models import AuditLog

BASE = "https://hiroba.example.jp/"
pytestmark = pytest.mark.usefixtures("english")


def _actions():
    return list(AuditLog.objects.order_by("id").values_list("action", flat=True))


def test_inviting_a_new_person_creates_an_account_and_mails_a_link(
    world, django_capture_on_commit_callbacks
):
    manager = world.a.person(Role.HUB_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.invite(
            world.a.hub,
            actor=manager,
            email="new@example.jp",
            full_name="新人 花子",
            full_name_kana="シンジン ハナコ",
            role=Role.HUB_STAFF,
            base_url=BASE,
        )
    user = membership.user
    assert (membership.role, membership.hub, membership.is_active) == (
        Role.HUB_STAFF,
        world.a.hub,
        True,
    )
    assert not user.has_usable_password()
    assert _actions()[-2:] == ["accounts.user.invited", "accounts.membership.created"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@example.jp"]
    link = re.search(r"https://hiroba\.example\.jp/accounts/password/reset/key/\S+", message.body)
    assert link, message.body


def test_no_mail_goes_out_when_the_invitation_rolls_back(world, django_capture_on_commit_callbacks):
    manager = world.a.person(Role.HUB_MANAGER)
    existing = world.a.person(Role.HUB_STAFF)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AccountError):
        services.invite(
            world.a.hub,
            actor=manager,
            email=existing.email,
            full_name="x",
            role=Role.HUB_STAFF,
            base_url=BASE,
        )
    assert mail.outbox == []


def test_an_existing_person_gets_a_second_role_without_a_new_account(
    world, django_capture_on_commit_callbacks
):
    person = world.a.person(Role.HUB_STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            world.a.hub,
            actor=world.a.person(Role.HUB_MANAGER),
            email=person.email,
            full_name="ignored",
            role=Role.VOLUNTEER,
            base_url=BASE,
        )
    assert User.objects.filter(email=person.email).count() == 1
    assert set(person.memberships.values_list("role", flat=True)) == {"hub_staff", "volunteer"}
    assert mail.outbox == []


def test_ward_and_city_roles_cannot_be_given_at_a_hub(world):
    with pytest.raises(services.AccountError):
        services.invite(
            world.a.hub,
            actor=world.a.person(Role.HUB_MANAGER),
            email="x@example.jp",
            full_name="x",
            role=Role.CITY_ADMIN,
            base_url=BASE,
        )
    assert not User.objects.filter(email="x@example.jp").exists()


def test_a_hub_keeps_at_least_one_manager(world):
    manager_membership = world.a.person(Role.HUB_MANAGER).memberships.get()
    city = world.a.person(Role.CITY_ADMIN)
    with pytest.raises(services.AccountError, match="at least one manager"):
        services.change_role(manager_membership, Role.HUB_STAFF, actor=city)
    with pytest.raises(services.AccountError):
        services.deactivate_membership(manager_membership, actor=city)
    MembershipFactory(hub=world.a.hub, role=Role.HUB_MANAGER)
    services.change_role(manager_membership, Role.HUB_STAFF, actor=city)
    manager_membership.refresh_from_db()
    assert manager_membership.role == Role.HUB_STAFF
    assert AuditLog.objects.filter(action="accounts.membership.changed").get().payload == {
        "from": "hub_manager",
        "to": "hub_staff",
    }


def test_nobody_changes_their_own_role(world):
    manager = world.a.person(Role.HUB_MANAGER)
    MembershipFactory(hub=world.a.hub, role=Role.HUB_MANAGER)
    with pytest.raises(services.AccountError, match="own role"):
        services.deactivate_membership(manager.memberships.get(), actor=manager)


def test_removing_the_last_role_ends_the_persons_sessions(world, client):
    person = world.a.person(Role.VOLUNTEER)
    client.force_login(person)
    client.get("/staff/")
    assert UserSession.objects.filter(user=person).exists()
    services.deactivate_membership(person.memberships.get(), actor=world.a.person(Role.HUB_MANAGER))
    assert not UserSession.objects.filter(user=person).exists()
    assert client.get("/staff/").status_code == 302  # signed out


def test_unlocking_clears_failed_attempts(world):
    person = world.a.person(Role.HUB_STAFF)
    failed_sign_ins(person.email, 5)
    services.unlock_account(person.memberships.get(), actor=world.a.person(Role.HUB_MANAGER))
    assert not AccessAttempt.objects.filter(username=person.email).exists()
    assert "accounts.user.unlocked" in _actions()


def test_resetting_two_factor_removes_authenticators(world):
    person = world.a.person(Role.HUB_STAFF)
    assert Authenticator.objects.filter(user=person).exists()
    services.clear_mfa(person.memberships.get(), actor=world.a.person(Role.HUB_MANAGER))
    assert not Authenticator.objects.filter(user=person).exists()
    assert AuditLog.objects.get(action="accounts.mfa.cleared").hub == world.a.hub


def test_a_hub_manager_cannot_reset_a_city_administrators_two_factor(world):
    city_admin = world.a.person(Role.CITY_ADMIN)
    hub_role = MembershipFactory(user=city_admin, hub=world.a.hub, role=Role.VOLUNTEER)
    with pytest.raises(services.AccountError, match="do not manage"):
        services.clear_mfa(hub_role, actor=world.a.person(Role.HUB_MANAGER))
    assert Authenticator.objects.filter(user=city_admin).exists()


def test_profile_updates_record_changed_fields_only(world):
    person = world.a.person(Role.HUB_STAFF)
    services.update_profile(
        person, actor=person, full_name="改名 太郎", full_name_kana=person.full_name_kana
    )
    assert AuditLog.objects.get(action="accounts.user.updated").payload == {"fields": ["full_name"]}


def test_memberships_match_their_level(db):
    user = UserFactory()
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=Role.WARD_OFFICIAL, hub=MembershipFactory().hub)


def test_the_invitation_link_lets_the_person_set_a_password_and_sign_in(
    world, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            world.a.hub,
            actor=world.a.person(Role.HUB_MANAGER),
            email="newcomer@example.jp",
            full_name="新人",
            role=Role.HUB_STAFF,
            base_url="http://testserver/",
        )
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    assert not form_page.context.get("token_fail"), "the mailed link must be accepted"
    password = "a long new password 2026"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": password, "password2": password},
    )
    assert done.status_code == 302
    assert User.objects.get(email="newcomer@example.jp").check_password(password)
    signed_in = client.post(
        "/accounts/login/", {"login": "newcomer@example.jp", "password": password}
    )
    assert signed_in.status_code == 302


def test_an_address_with_roles_elsewhere_cannot_be_pulled_into_a_hub(world):
    other_manager = world.b.person(Role.HUB_MANAGER)
    with pytest.raises(services.AccountError, match="roles elsewhere"):
        services.invite(
            world.a.hub,
            actor=world.a.person(Role.HUB_MANAGER),
            email=other_manager.email,
            full_name="x",
            role=Role.VOLUNTEER,
            base_url=BASE,
        )
    assert not other_manager.memberships.filter(hub=world.a.hub).exists()


def test_the_command_line_may_give_anyone_a_further_role(world):
    person = world.b.person(Role.HUB_STAFF)
    services.invite(
        world.a.hub,
        actor=None,
        email=person.email,
        full_name="x",
        role=Role.VOLUNTEER,
        base_url=BASE,
    )
    assert person.memberships.filter(hub=world.a.hub).exists()


@pytest.mark.parametrize("action", [services.clear_mfa, services.unlock_account])
def test_account_wide_actions_need_every_role_of_the_person_in_reach(world, action):
    person = world.b.person(Role.HUB_STAFF)
    # The person also volunteers at hub A (added by the operator), so A's manager can see them.
    volunteer_at_a = services.invite(
        world.a.hub,
        actor=None,
        email=person.email,
        full_name="x",
        role=Role.VOLUNTEER,
        base_url=BASE,
    )
    with pytest.raises(services.AccountError, match="do not manage"):
        action(volunteer_at_a, actor=world.a.person(Role.HUB_MANAGER))
    assert Authenticator.objects.filter(user=person).exists()


def test_a_city_administrator_reaches_only_their_own_city(world):
    city_b = world.b.person(Role.CITY_ADMIN)
    volunteer_at_a = services.invite(
        world.a.hub,
        actor=None,
        email=city_b.email,
        full_name="x",
        role=Role.VOLUNTEER,
        base_url=BASE,
    )
    with pytest.raises(services.AccountError):
        services.clear_mfa(volunteer_at_a, actor=world.a.person(Role.CITY_ADMIN))
    assert services.person_within_reach(
        world.a.person(Role.WARD_OFFICIAL), world.a.person(Role.CITY_ADMIN)
    )
    assert not services.person_within_reach(
        world.a.person(Role.WARD_OFFICIAL), world.a.person(Role.HUB_MANAGER)
    )
