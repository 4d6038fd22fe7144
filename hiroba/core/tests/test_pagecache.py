"""Whole public pages are kept for anonymous visitors, never for signed-in ones; choosing a
language is a plain link-like GET."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from hiroba.core.pagecache import HIT_HEADER, public_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


def _counting_view():
    calls = []

    @public_page(60)
    def view(request):
        calls.append(request.path)
        response = HttpResponse(f"page {len(calls)}", content_type="text/html; charset=utf-8")
        if request.GET.get("cookie"):
            response.set_cookie("something", "1")
        return response

    return view, calls


def test_an_anonymous_visitor_gets_the_kept_page(page_cache):
    view, calls = _counting_view()
    first = view(RequestFactory().get("/news/"))
    second = view(RequestFactory().get("/news/"))
    assert second.content == first.content == b"page 1" and len(calls) == 1
    assert second[HIT_HEADER] == "hit" and HIT_HEADER not in first
    assert "Cookie" in first["Vary"]
    assert view(RequestFactory().get("/news/?page=2")).content == b"page 2"  # the query counts


def test_a_signed_in_visitor_and_a_pending_message_bypass_it(page_cache):
    view, calls = _counting_view()
    view(RequestFactory().get("/news/"))
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        request = RequestFactory().get("/news/")
        request.COOKIES[cookie] = "x"
        assert HIT_HEADER not in view(request)
    language_only = RequestFactory().get("/news/")
    language_only.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "ja"
    assert view(language_only)[HIT_HEADER] == "hit"
    assert len(calls) == 3


def test_an_answer_that_sets_a_cookie_or_fails_is_not_kept(page_cache):
    view, calls = _counting_view()
    view(RequestFactory().get("/x/?cookie=1"))
    view(RequestFactory().get("/x/?cookie=1"))
    assert len(calls) == 2


def test_each_language_has_its_own_page(page_cache, client):
    client.get(reverse("portal:home"))
    assert client.get(reverse("portal:home"))[HIT_HEADER] == "hit"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("portal:home"))
    assert HIT_HEADER not in english and "Child-rearing" in english.content.decode()
    assert client.get(reverse("portal:home"))[HIT_HEADER] == "hit"


def test_the_portal_frame_sets_no_csrf_cookie(client):
    response = client.get(reverse("portal:home"))
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    assert 'action="/i18n/language/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "cookie", "location"),
    [
        ({"language": "ja-easy", "next": "/news/?hub=1"}, "ja-easy", "/news/?hub=1"),
        ({"language": "en", "next": "https://evil.example/"}, "en", "/"),
        ({"language": "xx", "next": "/news/"}, None, "/news/"),
    ],
)
def test_choosing_a_language(client, query, cookie, location):
    response = client.get(reverse("choose-language"), query)
    assert response.status_code == 302 and response["Location"] == location
    kept = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert (kept.value if kept else None) == cookie
