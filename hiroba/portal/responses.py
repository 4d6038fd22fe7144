"""Headers for the parent pages whose URL or content is private to one family, and for the
open feeds other apps read."""

from __future__ import annotations

import hashlib
from functools import wraps

from django.http import HttpResponseNotModified
from django.utils.cache import patch_vary_headers


def private(response):
    """Not indexed; the URL (it may hold a token) never leaves the site in a Referer. Not
    "no-referrer": Chrome then sends ``Origin: null`` with the page's forms, which CSRF
    protection refuses."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def open_data(view):
    """Headers on every answer of an open feed, the 304s included: shared caches may keep it
    for five minutes per language cookie, and any site's script may read it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        return response

    return wrapper


def content_etag(view):
    """An ETag from the answer's bytes, and 304 when the client has them already: calendar
    apps poll feeds every few minutes, and most polls find nothing new."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or response.streaming:
            return response
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        if etag in request.headers.get("If-None-Match", ""):
            unchanged = HttpResponseNotModified()
            for name in ("Cache-Control", "Content-Disposition"):
                if response.has_header(name):
                    unchanged[name] = response[name]
            response = unchanged
        response["ETag"] = etag
        return response

    return wrapper
