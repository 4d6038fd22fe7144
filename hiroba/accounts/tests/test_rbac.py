import pytest

from hiroba.accounts import rbac
from hiroba.accounts.choices import MFA_REQUIRED_ROLES, Role


def test_personal_data_can_only_go_to_roles_with_mandatory_two_factor():
    for permission in rbac.all_permissions():
        if permission.personal_data:
            assert permission.roles <= MFA_REQUIRED_ROLES, permission.code


def test_defining_a_personal_data_permission_for_ward_officials_fails():
    with pytest.raises(ValueError, match="two-factor"):
        rbac.define("test.read_case_notes", "x", [Role.WARD_OFFICIAL], personal_data=True)


def test_permission_codes_are_dotted():
    with pytest.raises(ValueError):
        rbac.define("nodot", "x", [Role.HUB_STAFF])


def test_unknown_permissions_fail_loudly():
    with pytest.raises(LookupError):
        rbac.roles_with("hubs.fly_to_the_moon")
