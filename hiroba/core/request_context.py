"""Who is asking, from where: request facts that services need without taking the request.

The middleware stores them in a context variable for the duration of a request, so the audit
log records the IP address and request id of every change made by a service function.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestFacts:
    ip_address: str | None
    request_id: str
    path: str


_current: ContextVar[RequestFacts | None] = ContextVar("hiroba_request", default=None)


def current_facts() -> RequestFacts | None:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting X-Forwarded-For only for the configured proxy count."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            remote = hops[-proxies]
    return _valid_ip(remote)


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{1,32}$")


def _proxy_request_id(request: HttpRequest) -> str:
    """The id our own proxy gave the request (nginx's $request_id), so its log line matches the
    audit row; a value sent by an arbitrary client is ignored."""
    value = request.META.get("HTTP_X_REQUEST_ID", "")
    if settings.TRUSTED_PROXY_COUNT and REQUEST_ID.match(value):
        return value
    return ""


def client_ip_for_axes(request: HttpRequest) -> str:
    # django-axes wants a string; an unknown address is grouped under one key.
    return client_ip(request) or "0.0.0.0"  # noqa: S104


def bind(request: HttpRequest):
    """Set the facts for this request; returns the token to reset them with."""
    request_id = _proxy_request_id(request) or secrets.token_hex(8)
    request.request_id = request_id
    facts = RequestFacts(client_ip(request), request_id, request.path[:200])
    return _current.set(facts)


def unbind(token) -> None:
    _current.reset(token)
