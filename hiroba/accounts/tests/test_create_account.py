import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import CommandError, call_command

from hiroba.accounts.models import Membership
from hiroba.accounts.tests.factories import failed_sign_ins


def test_it_invites_the_first_city_administrator(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_account",
            "--email",
            "ＡＤＭＩＮ＠city.example.jp",
            "--name",
            "横浜 太郎",
            "--role",
            "city_admin",
            "--municipality",
            world.a.municipality.code,
            "--base-url",
            "https://hiroba.example.jp/",
        )
    membership = Membership.objects.get(user__full_name="横浜 太郎")
    assert membership.user.email == "admin@city.example.jp"  # full-width and case folded
    assert membership.municipality == world.a.municipality and membership.hub is None
    assert mail.outbox[0].to == [membership.user.email]
    assert "https://hiroba.example.jp/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.usefixtures("english")
def test_the_role_must_match_the_place(world):
    with pytest.raises(CommandError, match="cannot be given there"):
        call_command(
            "create_account",
            "--email",
            "x@example.jp",
            "--name",
            "x",
            "--role",
            "hub_staff",
            "--ward",
            world.a.ward.code,
        )


def test_unknown_places_are_refused(db):
    with pytest.raises(CommandError, match="No municipality"):
        call_command(
            "create_account",
            "--email",
            "x@example.jp",
            "--name",
            "x",
            "--role",
            "city_admin",
            "--municipality",
            "999999",
        )


def test_old_failed_sign_in_counters_are_purged(db):
    failed_sign_ins("old@example.jp", days_ago=40)
    failed_sign_ins("new@example.jp", days_ago=2)
    call_command("purge_login_attempts", "--days", "30")
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["new@example.jp"]
