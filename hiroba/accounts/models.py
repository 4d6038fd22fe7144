"""Users and their memberships (role at a city, ward or hub)."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.accounts.choices import ROLE_LEVEL, Role, ScopeLevel

__all__ = ["Membership", "User"]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("Users need an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser):
    """A person who signs in: staff now; parents and provider members later (portal issues)."""

    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    full_name_kana = models.CharField(
        pgettext_lazy("person", "name (kana)"), max_length=120, blank=True
    )
    language = models.CharField(_("language"), max_length=10, default="ja")
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name_kana", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name


def _level_condition() -> Q:
    """Exactly the scope column that matches the role's level is set."""
    by_level = {
        ScopeLevel.MUNICIPALITY: Q(municipality__isnull=False, ward__isnull=True, hub__isnull=True),
        ScopeLevel.WARD: Q(municipality__isnull=True, ward__isnull=False, hub__isnull=True),
        ScopeLevel.HUB: Q(municipality__isnull=True, ward__isnull=True, hub__isnull=False),
    }
    condition = Q()
    for level, scope in by_level.items():
        roles = [role.value for role, lvl in ROLE_LEVEL.items() if lvl == level]
        condition |= Q(role__in=roles) & scope
    return condition


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A user's role at one level: the city (municipality), a ward, or a hub."""

    user = models.ForeignKey(
        User, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        "core.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    ward = models.ForeignKey(
        "core.Ward", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ward")
    )
    hub = models.ForeignKey(
        "core.Hub",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("hub"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__full_name_kana", "role"]
        constraints = [
            models.CheckConstraint(
                condition=_level_condition(), name="membership_scope_matches_role"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "hub"],
                condition=Q(hub__isnull=False),
                name="membership_unique_hub_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "ward"],
                condition=Q(ward__isnull=False),
                name="membership_unique_ward_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_city_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.scope_label})"

    @property
    def level(self) -> str:
        return ROLE_LEVEL[Role(self.role)]

    @property
    def scope_label(self) -> str:
        target = self.hub or self.ward or self.municipality
        return str(target) if target else ""
