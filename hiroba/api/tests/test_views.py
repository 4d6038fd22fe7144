"""The hub manager's token page: a token is shown once, stored only as a hash, and revoked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hiroba.accounts.choices import Role
from hiroba.api.models import ApiToken
from hiroba.core.models import AuditLog

pytestmark = pytest.mark.django_db
TOKEN_TEXT = re.compile(r"hiroba_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def manager(client, world):
    client.force_login(world.a.person(Role.HUB_MANAGER))
    return world.a.person(Role.HUB_MANAGER)


def _issue(client, **values):
    data = {
        "name": "区の講座予約システム",
        "scope": "write",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        **values,
    }
    return client.post(reverse("api:tokens"), data)


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client, manager):
    response = _issue(client)
    assert response.status_code == 200
    (text,) = TOKEN_TEXT.findall(response.content.decode())
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get()
    assert token.created_by == manager and token.scope == "write"
    assert text.split("_")[2] not in token.secret_hash and token.prefix in text
    assert not TOKEN_TEXT.findall(client.get(reverse("api:tokens")).content.decode())
    assert AuditLog.objects.filter(action="api.token.issued", object_id=str(token.pk)).exists()
    api = client.get("/api/v1/programs", HTTP_AUTHORIZATION=f"Bearer {text}")
    assert api.status_code == 200


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"expires_on": "2020-01-01"}, "expires_on"),
        ({"expires_on": (timezone.localdate() + timedelta(days=800)).isoformat()}, "expires_on"),
    ],
)
def test_bad_input_issues_nothing(client, manager, values, field):
    response = _issue(client, **values)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token(client, manager):
    text = TOKEN_TEXT.findall(_issue(client).content.decode())[0]
    token = ApiToken.objects.get()
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == manager
    assert client.get("/api/v1/programs", HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 401
