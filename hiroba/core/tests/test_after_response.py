"""``run_after_response``: the work waits for the server to close the response, runs in the
request's language, and a failure is logged instead of raised."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from hiroba.core.after_response import run_after_response

pytestmark = pytest.mark.django_db  # closing a response ends the request (request_finished)


def test_the_work_runs_when_the_response_is_closed_and_only_then():
    done = []
    response = run_after_response(HttpResponse("ok"), lambda: done.append("sent"))
    assert done == []
    response.close()
    assert done == ["sent"]
    response.close()  # a second close does not send twice
    assert done == ["sent"]


def test_the_work_runs_in_the_language_of_the_request():
    seen = []
    with translation.override("ja"):
        response = run_after_response(HttpResponse(), lambda: seen.append(gettext("Yes")))
    with translation.override("en"):
        response.close()
    assert seen == ["はい"]


def test_a_failure_is_logged_and_the_close_goes_on(caplog):
    def broken():
        raise RuntimeError("smtp down")

    response = run_after_response(HttpResponse(), broken)
    with caplog.at_level(logging.ERROR, logger="hiroba.core.after_response"):
        response.close()
    assert response.closed
    assert "Work after the response failed" in caplog.text and "smtp down" in caplog.text


def test_deferred_work_is_attached_by_the_middleware_in_order():
    from django.test import RequestFactory  # noqa: PLC0415

    from hiroba.core.after_response import defer  # noqa: PLC0415
    from hiroba.core.middleware import DeferredWorkMiddleware  # noqa: PLC0415

    done = []

    def view(request):
        defer(request, lambda: done.append("first"))
        defer(request, lambda: done.append("second"))
        return HttpResponse("ok")

    response = DeferredWorkMiddleware(view)(RequestFactory().get("/"))
    assert done == []
    response.close()
    assert done == ["first", "second"]
