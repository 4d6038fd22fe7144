"""Core middleware: request facts for the audit log, and no caching of personal pages."""

from __future__ import annotations

from django.conf import settings

from hiroba.core import after_response, request_context
from hiroba.core.queries import furigana_readings
from hiroba.lib.furigana import ruby_in_html, without_marks


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.bind(request)
        try:
            response = self.get_response(request)
        finally:
            request_context.unbind(token)
        response["X-Request-ID"] = request.request_id
        return response


class DeferredWorkMiddleware:
    """Work a view deferred with ``core.after_response.defer`` runs after the answer is sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return after_response.attach_deferred(request, self.get_response(request))


class NoStoreForAuthenticatedMiddleware:
    """Pages shown to a signed-in user may hold personal data: never cache them (ASVS 14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class EasyJapaneseRubyMiddleware:
    """Pages of the portal in やさしい日本語 get furigana over every kanji word, the UI's own
    words and what staff wrote alike (``lib.furigana``; readings staff corrected first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _portal_page(request, response):
            return response
        page = response.content.decode(response.charset)
        if getattr(request, "LANGUAGE_CODE", "") == "ja-easy":
            page = ruby_in_html(page, furigana_readings())
        elif "《" in page:
            page = without_marks(page)  # a writer's reading marks show as ruby only
        else:
            return response
        response.content = page.encode(response.charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def _portal_page(request, response) -> bool:
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return False
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace in settings.HIROBA_RUBY_NAMESPACES
