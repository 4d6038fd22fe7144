"""Headers for the parent pages whose URL or content is private to one family, and for the
open feeds other apps read."""

from __future__ import annotations

from functools import wraps

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
