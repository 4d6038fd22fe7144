"""htmx without a second architecture: one view serves the page and its fragment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


def is_partial(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment (not a boosted full-page navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def redirect_after_post(request: HttpRequest, url: str) -> HttpResponse:
    """Post/redirect/get for plain forms; ``HX-Location`` for htmx forms."""
    if getattr(request, "htmx", None):
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return HttpResponseRedirect(url)


def template_for(request: HttpRequest, page: str, partial: str) -> str:
    return partial if is_partial(request) else page
