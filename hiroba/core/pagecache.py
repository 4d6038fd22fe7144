"""A short-lived cache of whole public pages for visitors who are not signed in.

The portal's busiest pages (home, hub pages, the program list, news) are the same for every
anonymous visitor in one language, and parents arrive in crowds when a popular class opens.
A page is cached only when the request carries no cookie beyond the language and CSRF ones
(no session: not a signed-in family, no staff, no pending message) and the answer sets none;
the key is the language, htmx or not, and the full path. Each app server keeps its own copy
(the ``pages`` cache, in memory): nothing is shared, so a change shows everywhere within the
page's time to live.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

HIT_HEADER = "X-Hiroba-Page-Cache"
_NEUTRAL_COOKIES = {settings.LANGUAGE_COOKIE_NAME, settings.CSRF_COOKIE_NAME}
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Vary", "Cache-Control")


def _cacheable_request(request) -> bool:
    return request.method in ("GET", "HEAD") and set(request.COOKIES) <= _NEUTRAL_COOKIES


def _key(request) -> str:
    htmx = "htmx" if request.headers.get("HX-Request") else "page"
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"page:{get_language()}:{htmx}:{path}"


def public_page(seconds: int):
    """Serve the view's answer from memory for ``seconds`` to visitors without a session."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable_request(request):
                return view(request, *args, **kwargs)
            store = caches["pages"]
            key = _key(request)
            kept = store.get(key)
            if kept is not None:
                return _rebuilt(kept)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                patch_vary_headers(response, ["Cookie"])  # a signed-in visitor sees another page
                store.set(key, _kept(response), seconds)
            return response

        return wrapper

    return decorator


def _kept(response) -> dict:
    return {
        "content": response.content,
        "status": response.status_code,
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
    }


def _rebuilt(kept: dict) -> HttpResponse:
    response = HttpResponse(kept["content"], status=kept["status"])
    for name, value in kept["headers"].items():
        response[name] = value
    response[HIT_HEADER] = "hit"
    return response
