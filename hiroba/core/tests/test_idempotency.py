"""``core.idempotency``: a POST retried with the same Idempotency-Key runs once and every retry
gets the first answer back; a different request under the same key is refused; failures are
not remembered; keys belong to one scope and last 24 hours.

A small view behind a test-only URLconf (this module) creates an organisation per request, so
"ran once" is counted in rows. The tests run on SQLite and PostgreSQL; the one with two
requests in flight at once needs PostgreSQL.
"""

from __future__ import annotations

import io
import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client
from django.urls import path
from django.utils import timezone

from hiroba.core import idempotency
from hiroba.core.choices import OrganizationKind
from hiroba.core.models import IdempotencyRecord, Municipality, Organization
from hiroba.core.tests.factories import MunicipalityFactory

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

slow_request_started = threading.Event()


def _create(request) -> HttpResponse:
    """Create an organisation; ``fail`` makes the request fail after the write, as a form
    error (400) or a crash, so the tests can see the write rolled back."""
    if request.method != "POST":
        return HttpResponse("the form")
    municipality = Municipality.objects.get(pk=request.POST["municipality"])
    org = Organization.objects.create(
        municipality=municipality,
        name=f"{request.POST.get('name', 'NPO')} {uuid.uuid4().hex[:8]}",
        kind=OrganizationKind.NPO,
    )
    fail = request.POST.get("fail", "")
    if fail == "slow":
        slow_request_started.set()
        threading.Event().wait(0.5)  # still holding the key while the retry arrives
    if fail in {"form", "slow"}:
        return HttpResponse("Please correct the form.", status=400)
    if fail == "crash":
        raise RuntimeError("the view broke after writing")
    if fail == "stream":
        return StreamingHttpResponse(iter([b"a download"]))
    response = HttpResponse(f"created {org.pk}", status=201, content_type="text/plain")
    response["Location"] = f"/organisations/{org.pk}/"
    response["HX-Trigger"] = "created"
    response["X-Not-Replayed"] = "yes"
    return response


create_view = idempotency.idempotent(
    scope=lambda request: f"family:{request.headers.get('X-Family', '1')}"
)(_create)
urlpatterns = [path("create/", create_view)]


@pytest.fixture
def municipality():
    return MunicipalityFactory()


def _post(data, key=None, family="1", *, client=None, **extra):
    headers = {"X-Family": family}
    if key is not None:
        headers["Idempotency-Key"] = key
    # English answers (the view's own texts are fixed strings; the refusals are translated).
    client = client or Client(headers={"Accept-Language": "en"})
    return client.post("/create/", data, headers=headers, **extra)


def _orgs() -> int:
    return Organization.objects.count()


# -- replays -------------------------------------------------------------------------------------
def test_a_retry_gets_the_first_answer_back_and_runs_nothing(municipality):
    data = {"municipality": municipality.pk, "name": "ひろば"}
    first = _post(data, key="k-1")
    again = _post(data, key="k-1")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    assert again.status_code == 201
    assert again.content == first.content
    for header in ("Location", "Content-Type", "HX-Trigger"):
        assert again[header] == first[header]
    assert again["Idempotent-Replayed"] == "true"
    assert "X-Not-Replayed" not in again.headers  # only the headers that steer the browser
    assert _orgs() == 1
    assert IdempotencyRecord.objects.get().status_code == 201


def test_the_key_may_come_as_a_hidden_form_field(municipality):
    data = {"municipality": municipality.pk, "idempotency_key": "form-render-1"}
    first = _post(data)
    again = _post({**data, "csrfmiddlewaretoken": "another-token"})
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert _orgs() == 1


def test_the_same_key_with_another_request_is_refused(municipality, english):
    _post({"municipality": municipality.pk, "name": "A"}, key="k-2")
    other = _post({"municipality": municipality.pk, "name": "B"}, key="k-2")
    assert other.status_code == 422
    assert b"already used for a different request" in other.content
    assert _orgs() == 1


def test_without_a_key_or_on_get_every_request_runs(municipality):
    data = {"municipality": municipality.pk}
    _post(data)
    _post(data)
    assert _orgs() == 2
    assert not IdempotencyRecord.objects.exists()
    for _ in range(2):
        shown = Client().get("/create/", headers={"Idempotency-Key": "k"})
        assert shown.status_code == 200 and "Idempotent-Replayed" not in shown.headers
    assert not IdempotencyRecord.objects.exists()


# -- failures are not remembered -----------------------------------------------------------------
def test_a_refused_form_stores_nothing_and_the_corrected_form_may_reuse_the_key(municipality):
    refused = _post({"municipality": municipality.pk, "fail": "form"}, key="k-3")
    assert refused.status_code == 400
    assert _orgs() == 0  # the write before the refusal was rolled back with the key
    assert not IdempotencyRecord.objects.exists()
    corrected = _post({"municipality": municipality.pk}, key="k-3")
    assert corrected.status_code == 201 and "Idempotent-Replayed" not in corrected.headers
    assert _orgs() == 1


def test_a_crash_stores_nothing_and_the_retry_runs(municipality):
    data = {"municipality": municipality.pk, "fail": "crash"}
    with pytest.raises(RuntimeError):
        _post(data, key="k-4")
    assert _orgs() == 0
    assert not IdempotencyRecord.objects.exists()
    retried = _post({"municipality": municipality.pk}, key="k-4")
    assert retried.status_code == 201
    assert _orgs() == 1


def test_a_streamed_answer_keeps_its_work_but_not_the_key(municipality):
    """A download cannot be replayed; its write must not be rolled back for that."""
    data = {"municipality": municipality.pk, "fail": "stream"}
    first = _post(data, key="k-5")
    assert b"".join(first.streaming_content) == b"a download"
    assert _orgs() == 1
    assert not IdempotencyRecord.objects.exists()
    _post(data, key="k-5")
    assert _orgs() == 2


# -- keys: validity, scope, age ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "as_field"),
    [("has space", False), ("x" * 256, False), ("キー", True), ("tab\tkey", True)],
    ids=["space", "too-long", "not-ascii", "control"],
)
def test_an_invalid_key_is_refused_before_the_view_runs(municipality, english, key, as_field):
    data = {"municipality": municipality.pk}
    response = _post({**data, "idempotency_key": key}) if as_field else _post(data, key=key)
    assert response.status_code == 400
    assert b"request key is not valid" in response.content
    assert _orgs() == 0


def test_keys_belong_to_one_scope(municipality):
    data = {"municipality": municipality.pk}
    first = _post(data, key="same", family="1")
    second = _post(data, key="same", family="2")
    assert _orgs() == 2
    assert first.content != second.content
    assert "Idempotent-Replayed" not in second.headers
    assert _post(data, key="same", family="2").content == second.content
    assert _orgs() == 2


def test_a_key_is_remembered_for_24_hours_then_runs_anew(municipality):
    data = {"municipality": municipality.pk}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = _post(data, key="daily")
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert _post(data, key="daily").content == first.content
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        later = _post(data, key="daily")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.content != first.content
    assert _orgs() == 2
    assert IdempotencyRecord.objects.count() == 1  # the old answer made way for the new one


def test_prune_removes_answers_older_than_a_day():
    now = timezone.now()
    for key, age in [("old", timedelta(hours=25)), ("edge", timedelta(hours=23)), ("new", None)]:
        record = IdempotencyRecord.objects.create(scope="family:1", key=key, fingerprint="f")
        if age is not None:
            IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=now - age)
    assert idempotency.prune(now=now) == 1
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["edge", "new"]
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        call_command("prune_idempotency_records", stdout=io.StringIO())
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


# -- two requests in flight ----------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_waiting_on_a_failing_request_runs_once_that_one_rolls_back(municipality):
    """The first send fails slowly (a form error) while the corrected retry arrives with the
    same key: the retry waits on the key, and when the first rolls back it runs itself."""
    slow_request_started.clear()
    answers = {}

    def send(name, data):
        try:
            answers[name] = _post(data, key="in-flight")
        finally:
            connection.close()

    slow = threading.Thread(
        target=send, args=("slow", {"municipality": municipality.pk, "fail": "slow"})
    )
    slow.start()
    assert slow_request_started.wait(timeout=10)
    retry = threading.Thread(target=send, args=("retry", {"municipality": municipality.pk}))
    retry.start()
    slow.join(timeout=30)
    retry.join(timeout=30)
    assert answers["slow"].status_code == 400
    assert answers["retry"].status_code == 201
    assert "Idempotent-Replayed" not in answers["retry"].headers
    assert _orgs() == 1
    record = IdempotencyRecord.objects.get()
    assert bytes(record.body) == answers["retry"].content
