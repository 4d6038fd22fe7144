"""Shared helpers of the parent-side program tests: a family with an e-mail address and a
client signed in as it (the session keys written directly, as the rush benchmark does)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from hiroba.core.tests.factories import HubFactory
from hiroba.families.tests.factories import caregiver, child, family
from hiroba.portal.parents import SESSION_HOUSEHOLD, SESSION_MEMBER
from hiroba.programs import services


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and used sign-in links live in the cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hub():
    """The one hub most parent-side tests need (a module wanting another defines its own)."""
    return HubFactory()


def make_family(hub, name="花子", email=None, *children, **household):
    email = email if email is not None else f"{name}@example.jp"
    kids = list(children) or [child(given_name=f"{name}の子")]
    return family(hub, caregiver(given_name=name, email=email), *kids, **household)


def parent_of(household):
    return household.members.filter(kind="caregiver").order_by("pk").first()


def apply_for(prog, household):
    """Enter the whole family for ``prog`` through the service, as the parent's form does."""
    return services.apply(prog, household, list(household.members.all()))


def sign_in_as(client, household, member=None):
    member = member or parent_of(household)
    session = client.session
    session[SESSION_HOUSEHOLD] = household.pk
    session[SESSION_MEMBER] = member.pk
    session.save()
    return client


@pytest.fixture
def english(english, client, settings):
    """Pages in English too (the language cookie), for assertions on message text."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
