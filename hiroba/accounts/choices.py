"""Roles. Each role is held at one level: the city, a ward, or a hub (which covers its satellites
when it is a main hub)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    WARD_OFFICIAL = "ward_official", _("Ward official")
    HUB_MANAGER = "hub_manager", _("Hub manager")
    HUB_STAFF = "hub_staff", _("Hub staff")
    KOSAPO_COORDINATOR = "kosapo_coordinator", _("Kosapo coordinator")
    USER_SUPPORT = "user_support", _("User support specialist")
    VOLUNTEER = "volunteer", _("Volunteer")


class ScopeLevel(models.TextChoices):
    MUNICIPALITY = "municipality", _("City")
    WARD = "ward", _("Ward")
    HUB = "hub", _("Hub")


ROLE_LEVEL = {
    Role.CITY_ADMIN: ScopeLevel.MUNICIPALITY,
    Role.WARD_OFFICIAL: ScopeLevel.WARD,
    Role.HUB_MANAGER: ScopeLevel.HUB,
    Role.HUB_STAFF: ScopeLevel.HUB,
    Role.KOSAPO_COORDINATOR: ScopeLevel.HUB,
    Role.USER_SUPPORT: ScopeLevel.HUB,
    Role.VOLUNTEER: ScopeLevel.HUB,
}

HUB_ROLES = frozenset(role for role, level in ROLE_LEVEL.items() if level == ScopeLevel.HUB)

# Roles that can see personal data must use two-factor authentication. Ward officials see
# statistics and evaluations only; a test fails if a permission marked as personal data is ever
# granted to a role outside this set.
MFA_REQUIRED_ROLES = frozenset(Role) - {Role.WARD_OFFICIAL}
