"""seed_demo itself: deterministic, all or nothing, refuses real databases, prints the logins.
Each app's own demo data is checked in that app's test_demo; these tests seed only the first
steps, which is what they are about (the whole demo takes seconds)."""

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from hiroba.accounts.demo import DEMO_TOTP_SECRET
from hiroba.accounts.models import Membership
from hiroba.core import demodata
from hiroba.core.models import Hub, TownBlock, Ward
from hiroba.families.demo import FAMILIES_PER_SCALE
from hiroba.families.models import Household
from hiroba.testing.plugin import DEMO_BASE


@pytest.fixture(autouse=True)
def _first_steps_only(demo_steps):
    demo_steps(*DEMO_BASE)


def _snapshot():
    return {
        "hubs": sorted(Hub.objects.values_list("ward__code", "name", "kind", "parent__name")),
        "blocks": sorted(TownBlock.objects.values_list("ward__code", "key", "district__name")),
        "people": sorted(Membership.objects.values_list("user__email", "user__full_name", "role")),
    }


def test_the_same_seed_gives_the_same_data(db):
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            call_command("seed_demo", "--seed", "7", "--quiet-logins")
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    first = snapshots[0]
    assert snapshots[1] == first
    assert len(first["people"]) == 9 and len(first["hubs"]) == 2


def test_it_prints_one_login_per_role(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for local in ("city", "ward", "manager", "staff", "kosapo", "partner", "volunteer", "mfa"):
        assert f"{local}@example.jp" in out
    assert "hiroba-demo-2026" in out


def test_it_refuses_to_seed_twice_unless_asked_to_skip(db, capsys):
    call_command("seed_demo", "--quiet-logins")
    with pytest.raises(CommandError):
        call_command("seed_demo")
    call_command("seed_demo", "--if-empty")
    assert "already present" in capsys.readouterr().out
    assert Hub.objects.count() == 2


def test_scale_adds_families_to_the_demo_ward_not_empty_wards(db):
    """The benchmarks need data at the demo hub group; wards nothing fills only weigh on
    every ward and hub list (scale 323 used to make 322 of them)."""
    call_command("seed_demo", "--scale", "3", "--quiet-logins")
    assert Ward.objects.count() == 1
    assert Hub.objects.count() == 2
    assert Ward.objects.get().town_blocks.count() > 30
    hub = Hub.objects.get(parent=None)
    assert Household.objects.filter(hub=hub).count() == 3 * FAMILIES_PER_SCALE


def test_the_demo_mfa_account_can_sign_in_with_its_printed_secret(db, client):
    call_command("seed_demo", "--quiet-logins")
    response = client.post(
        "/accounts/login/", {"login": "mfa@example.jp", "password": "hiroba-demo-2026"}
    )
    assert response.url == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert client.get("/staff/").status_code == 200


def test_it_refuses_to_run_outside_debug_and_demo_mode(db, settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.TESTING = False
    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo")
    assert not Hub.objects.exists()


def test_a_failing_step_leaves_nothing_behind(db, monkeypatch):
    def broken(ctx):
        raise RuntimeError("disk full")

    monkeypatch.setitem(demodata._STEPS, "zz.broken", demodata.DemoStep("zz.broken", 99, broken))
    with pytest.raises(RuntimeError):
        call_command("seed_demo", "--quiet-logins")
    assert not Hub.objects.exists() and not Membership.objects.exists()
