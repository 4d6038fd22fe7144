"""Headers for the parent pages whose URL or content is private to one family."""

from __future__ import annotations


def private(response):
    """Not indexed; the URL (it may hold a token) never leaves the site in a Referer. Not
    "no-referrer": Chrome then sends ``Origin: null`` with the page's forms, which CSRF
    protection refuses."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response
