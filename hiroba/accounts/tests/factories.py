from __future__ import annotations

from datetime import timedelta

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axes.models import AccessAttempt
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.accounts.models import Membership, User
from hiroba.core.tests.factories import HubFactory

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a known password and, by default, an authenticator app set up."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    full_name = factory.Sequence(lambda n: f"利用者 {n}")
    full_name_kana = "リヨウシャ"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and extracted is not False:
            TOTP.activate(self, extracted or generate_totp_secret())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.HUB_STAFF
    hub = factory.SubFactory(HubFactory)


def failed_sign_ins(username: str, count: int = 1, *, days_ago: int = 0) -> AccessAttempt:
    """django-axes' record of ``count`` wrong passwords for ``username``, ``days_ago`` old."""
    attempt = AccessAttempt.objects.create(
        username=username,
        failures_since_start=count,
        ip_address="10.0.0.1",
        user_agent="x",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=timezone.now() - timedelta(days=days_ago)
    )
    return attempt
