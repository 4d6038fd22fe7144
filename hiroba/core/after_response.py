"""Work that runs once the response has gone to the browser.

A WSGI server calls the response's ``close()`` after sending its last byte; Django runs the
response's resource closers there, before ``request_finished``. Work attached here therefore
cannot change how long the request takes as the client sees it. The portal sends sign-in
links this way, and staff password-reset mails go out the same way (``defer``, for code that
has the request but not the response), so a registered address and an unknown one answer
equally fast (no timing oracle for who is registered).

The work runs in the same worker, in the language of the request; an error is logged, never
raised (the answer has already been given). The closers list is Django's own (since 3.0);
``core/tests/test_after_response.py`` fails should that change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpResponseBase
from django.utils import translation

logger = logging.getLogger(__name__)


def run_after_response(response: HttpResponseBase, work: Callable[[], None]) -> HttpResponseBase:
    language = translation.get_language()

    def guarded() -> None:
        try:
            with translation.override(language):
                work()
        except Exception:  # the page was answered; the failure must reach the log
            logger.exception("Work after the response failed")

    response._resource_closers.insert(0, guarded)
    return response


DEFERRED_ATTRIBUTE = "_hiroba_after_response"


def defer(request, work: Callable[[], None]) -> None:
    """Run ``work`` after the answer to ``request`` is sent: for code that sees the request but
    not the response (a form's ``save``). ``DeferredWorkMiddleware`` attaches it."""
    request.__dict__.setdefault(DEFERRED_ATTRIBUTE, []).append(work)


def attach_deferred(request, response: HttpResponseBase) -> HttpResponseBase:
    # run_after_response puts each piece first: attach in reverse to keep their order.
    for work in reversed(request.__dict__.pop(DEFERRED_ATTRIBUTE, [])):
        run_after_response(response, work)
    return response
