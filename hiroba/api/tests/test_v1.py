"""The integration API over HTTP: tokens, hub scoping (other hubs' ids answer 404), read and
write scopes, sign-up and cancel through the same rules as the portal, Idempotency-Key."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hiroba.api import services
from hiroba.api.choices import TokenScope
from hiroba.api.models import ApiToken
from hiroba.core.models import AuditLog
from hiroba.families.tests.factories import family
from hiroba.programs.choices import EntryChannel, EntryStatus
from hiroba.programs.models import Entry
from hiroba.programs.tests.factories import caregivers_and_children, program

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _token(hub, scope=TokenScope.WRITE, **values) -> str:
    return services.issue_token(hub, name="区の予約システム", scope=scope, actor=None, **values)[1]


def _get(client, path, token, **extra):
    return client.get(API + path, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def _post(client, path, token, body=None, **headers):
    return client.post(
        API + path,
        json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


@pytest.fixture
def setting(world):
    own = program(world.a.hub, title="両親教室", capacity_families=1)
    satellite_program = program(world.a.satellite, title="サテライトの講座")
    foreign = program(world.b.hub, title="他の拠点の講座")
    household = family(world.a.hub)
    return {
        "own": own,
        "satellite": satellite_program,
        "foreign": foreign,
        "household": household,
        "members": [m.pk for m in caregivers_and_children(household)],
        "token": _token(world.a.hub),
    }


def test_the_schema_is_public_and_describes_every_operation(client, db):
    response = client.get(API + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) >= {
        "/api/v1/programs",
        "/api/v1/programs/{program_id}",
        "/api/v1/programs/{program_id}/entries",
        "/api/v1/entries/{entry_id}",
        "/api/v1/entries/{entry_id}/cancel",
        "/api/v1/resources",
        "/api/v1/statistics/visits/{fiscal_year}",
    }


@pytest.mark.parametrize(
    "header", ["", "Bearer ", "Bearer hiroba_x_y", "Bearer nonsense", "Basic dXNlcjpwYXNz"]
)
def test_without_a_valid_token_nothing_is_answered(client, setting, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(API + "/programs", **extra)
    assert response.status_code == 401
    assert "両親教室" not in response.content.decode()


def test_a_revoked_or_expired_token_stops_working(client, setting, world):
    token = setting["token"]
    assert _get(client, "/programs", token).status_code == 200
    row = ApiToken.objects.get()
    services.revoke_token(row, actor=world.a.person("hub_manager"))
    assert _get(client, "/programs", token).status_code == 401
    expired = _token(world.a.hub, expires_on=timezone.localdate() - timedelta(days=1))
    assert _get(client, "/programs", expired).status_code == 401


def test_programs_are_those_of_the_hub_and_its_satellites(client, setting):
    response = _get(client, "/programs", setting["token"])
    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    assert titles == {"両親教室", "サテライトの講座"}
    item = next(i for i in response.json()["items"] if i["title"] == "両親教室")
    assert item["seats_left_families"] == 1 and item["signup_open"] is True
    assert len(item["sessions"]) == 1


def test_another_hubs_ids_answer_404(client, setting, world):
    token = setting["token"]
    foreign_entry = Entry.objects.create(
        program=setting["foreign"],
        household=family(world.b.hub),
        status=EntryStatus.CONFIRMED,
        adults=1,
        children=1,
    )
    assert _get(client, f"/programs/{setting['foreign'].pk}", token).status_code == 404
    assert _get(client, f"/entries/{foreign_entry.pk}", token).status_code == 404
    assert _post(client, f"/entries/{foreign_entry.pk}/cancel", token).status_code == 404
    body = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    assert (
        _post(client, f"/programs/{setting['foreign'].pk}/entries", token, body).status_code == 404
    )
    assert Entry.objects.get(pk=foreign_entry.pk).status == EntryStatus.CONFIRMED


def test_a_read_token_cannot_sign_up(client, setting, world):
    reader = _token(world.a.hub, scope=TokenScope.READ)
    body = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    response = _post(client, f"/programs/{setting['own'].pk}/entries", reader, body)
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_sign_up_then_cancel_through_the_api(client, setting):
    token, own = setting["token"], setting["own"]
    # Full-width digits, as typed into a form somewhere, find the same card.
    card = setting["household"].card_number.translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    body = {"card_number": card, "member_ids": setting["members"], "message": "初めてです"}

    created = _post(client, f"/programs/{own.pk}/entries", token, body)

    assert created.status_code == 201, created.content
    entry = Entry.objects.get()
    assert created.json()["id"] == entry.pk and created.json()["status"] == "confirmed"
    assert entry.channel == EntryChannel.API and entry.message == "初めてです"
    assert AuditLog.objects.filter(action="programs.entry.created", path__startswith=API).exists()
    again = _post(client, f"/programs/{own.pk}/entries", token, body)
    assert again.status_code == 409 and again.json()["code"] == "already_entered"

    cancelled = _post(client, f"/entries/{entry.pk}/cancel", token)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert _get(client, f"/programs/{own.pk}", token).json()["seats_left_families"] == 1


def test_a_full_program_waitlists_and_unknown_members_are_refused(client, setting, world):
    token, own = setting["token"], setting["own"]
    first = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    assert (
        _post(client, f"/programs/{own.pk}/entries", token, first).json()["status"] == "confirmed"
    )
    second_family = family(world.a.hub)
    stranger = caregivers_and_children(setting["household"])[0].pk
    wrong = {"card_number": second_family.card_number, "member_ids": [stranger]}
    refused = _post(client, f"/programs/{own.pk}/entries", token, wrong)
    assert refused.status_code == 409 and refused.json()["code"] == "member_not_in_family"
    members = [m.pk for m in caregivers_and_children(second_family)]
    second = {"card_number": second_family.card_number, "member_ids": members}
    assert (
        _post(client, f"/programs/{own.pk}/entries", token, second).json()["status"] == "waitlisted"
    )
    unknown = {"card_number": "999999", "member_ids": members}
    assert _post(client, f"/programs/{own.pk}/entries", token, unknown).status_code == 404


def test_invalid_input_is_refused_with_422_and_nothing_saved(client, setting):
    token, own = setting["token"], setting["own"]
    for body in (
        {},
        {"card_number": "", "member_ids": []},
        {"card_number": "1", "member_ids": "x"},
    ):
        response = _post(client, f"/programs/{own.pk}/entries", token, body)
        assert response.status_code == 422, body
    assert _get(client, f"/programs/{2**63}", token).status_code == 422
    assert not Entry.objects.exists()


def test_an_idempotency_key_applies_once_and_replays_the_answer(client, setting):
    token, own = setting["token"], setting["own"]
    body = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    path = f"/programs/{own.pk}/entries"

    first = _post(client, path, token, body, HTTP_IDEMPOTENCY_KEY="booking-42")
    replay = _post(client, path, token, body, HTTP_IDEMPOTENCY_KEY="booking-42")
    other = _post(
        client, path, token, {**body, "message": "違う"}, HTTP_IDEMPOTENCY_KEY="booking-42"
    )

    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    assert other.status_code == 422 and "別のリクエスト" in other.json()["detail"]
    assert Entry.objects.count() == 1
    entry_id = first.json()["id"]
    cancel = _post(client, f"/entries/{entry_id}/cancel", token, HTTP_IDEMPOTENCY_KEY="c-1")
    cancel_again = _post(client, f"/entries/{entry_id}/cancel", token, HTTP_IDEMPOTENCY_KEY="c-1")
    assert cancel.status_code == cancel_again.status_code == 200
    assert cancel_again["Idempotent-Replayed"] == "true"


def test_resources_and_statistics_answer_for_the_hub(client, setting):
    token = setting["token"]
    resources = _get(client, "/resources", token)
    assert resources.status_code == 200 and resources.json()["count"] == 0
    statistics = _get(client, "/statistics/visits/2026", token)
    assert statistics.status_code == 200
    assert statistics.json() == {"fiscal_year": 2026, "months": []}


def test_last_use_is_noted_without_a_write_per_request(
    client, setting, django_assert_max_num_queries
):
    token = setting["token"]
    _get(client, "/programs", token)
    used = ApiToken.objects.get().last_used_at
    assert used is not None
    _get(client, "/programs", token)
    assert ApiToken.objects.get().last_used_at == used


def test_plain_http_is_refused_not_redirected_when_https_is_required(client, setting, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^api/"]
    refused = _get(client, "/programs", setting["token"])
    assert refused.status_code == 403 and "HTTPS" in refused.json()["detail"]
    assert _get(client, "/programs", setting["token"], secure=True).status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"card_number": "12\x003"}, {"message": "a\x00b"}, {"card_number": "12\n3"}],
)
def test_nul_and_control_characters_are_refused_before_any_query(client, setting, change):
    """PostgreSQL text cannot hold NUL: found by schemathesis as a 500 on PostgreSQL only."""
    body = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    path = f"/programs/{setting['own'].pk}/entries"
    assert _post(client, path, setting["token"], {**body, **change}).status_code == 422
    assert not Entry.objects.exists()


def test_a_token_with_a_nul_byte_is_simply_unknown(client, setting):
    assert _get(client, "/programs", "hiroba_ab\x00cdefabcdef_x").status_code == 401


def test_a_satellites_token_signs_up_families_registered_at_the_main_hub(client, setting, world):
    token = _token(world.a.satellite)
    body = {"card_number": setting["household"].card_number, "member_ids": setting["members"]}
    response = _post(client, f"/programs/{setting['satellite'].pk}/entries", token, body)
    assert response.status_code == 201, response.content


def test_an_out_of_range_member_id_is_refused_not_a_server_error(client, setting):
    body = {"card_number": setting["household"].card_number, "member_ids": [2**63]}
    response = _post(client, f"/programs/{setting['own'].pk}/entries", setting["token"], body)
    assert response.status_code == 422
