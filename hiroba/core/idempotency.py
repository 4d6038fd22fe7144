"""``Idempotency-Key`` for unsafe endpoints (perf-and-safety R2; Stripe's and the IETF draft's
semantics, kept in one database transaction as Brandur Leach describes).

A request with a key runs inside one transaction that first inserts the key's record. A
parallel duplicate blocks on the unique index until the first commits (PostgreSQL) or queues
behind it (SQLite IMMEDIATE), then replays the stored status, headers and body. The same key
with a different request body is refused with 422. A request that fails (4xx, 5xx or an
exception) stores nothing, so a corrected form or a retry may reuse its key; a streamed
answer (a download) cannot be kept, so its work commits and the key stays free. Answers are
kept for 24 hours; ``manage.py prune_idempotency_records`` removes older ones.

Browser forms send the key as the hidden field ``idempotency_key`` (one per form render), API
clients as the ``Idempotency-Key`` header.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
KEEP_FOR = timedelta(hours=24)
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = ("Location", "Content-Type", "HX-Redirect", "HX-Location", "HX-Trigger")
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_NOT_FINGERPRINTED = {"csrfmiddlewaretoken", FORM_FIELD}
_INSERTED = ("scope", "key", "fingerprint", "status_code", "headers", "body", "created_at")


class _Unstored(Exception):
    """Carries a response that must not be stored out of the transaction (rolling it back)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("unstored response")
        self.response = response


def request_key(request: HttpRequest) -> str | None:
    key = request.headers.get(HEADER) or request.POST.get(FORM_FIELD) or ""
    return key.strip() or None


def fingerprint(request: HttpRequest) -> str:
    """A hash of what the request asks for: method, path and body (form fields sorted, the CSRF
    token and the key itself left out, so a re-sent form matches its first send)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if request.content_type in FORM_CONTENT_TYPES:
        for name in sorted(set(request.POST) - _NOT_FINGERPRINTED):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _store(record: IdempotencyRecord, response: HttpResponse) -> None:
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    record.status_code = response.status_code
    record.body = response.content
    record.headers = {h: response[h] for h in _REPLAYED_HEADERS if response.has_header(h)}
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=record.status_code, body=record.body, headers=record.headers
    )


def _refusal(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """Plain text for browser forms, JSON ({"detail": …}) for API clients."""
    if request.content_type not in FORM_CONTENT_TYPES:
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _mismatch(request: HttpRequest) -> HttpResponse:
    return _refusal(request, _("This request key was already used for a different request."), 422)


@functools.cache
def _insert_sql(vendor: str) -> str:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` for the key's record (PostgreSQL and
    SQLite ≥ 3.35 both speak it): one statement, no savepoint, on the sign-up hot path. Built
    once per database vendor (its quoting)."""
    meta, quote = IdempotencyRecord._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _INSERTED)
    scope, key = (quote(meta.get_field(name).column) for name in ("scope", "key"))
    marks = ", ".join(["%s"] * len(_INSERTED))
    # Only the model's own (quoted) table and column names are put in; values are parameters.
    return (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({scope}, {key}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )


def _insert(scope: str, key: str, print_: str) -> IdempotencyRecord | None:
    record = IdempotencyRecord(scope=scope, key=key, fingerprint=print_)
    meta = IdempotencyRecord._meta
    values = [
        meta.get_field(name).get_db_prep_save(getattr(record, name), connection)
        for name in _INSERTED
    ]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.vendor), values)
        row = cursor.fetchone()
    if row is None:
        return None
    record.pk = row[0]
    record._state.adding = False
    return record


def _claim(scope: str, key: str, print_: str) -> IdempotencyRecord | None:
    """Insert the key's record; None when another request holds the key (committed). An
    answer older than 24 hours is removed and the key taken afresh (checked only on a clash,
    so the usual request pays one INSERT)."""
    for _attempt in range(2):
        record = _insert(scope, key, print_)
        if record is not None:
            return record
        expired, _by_model = IdempotencyRecord.objects.filter(
            scope=scope, key=key, created_at__lt=timezone.now() - KEEP_FOR
        ).delete()
        if not expired:
            return None
    return None


def idempotent(scope: Callable[[HttpRequest], str], *, keep_ok: bool = False):
    """Decorate a view whose unsafe requests may carry a key. ``scope(request)`` names whose
    keys these are (a family, a staff account), so two families can never collide.
    ``keep_ok`` keeps 200 answers too: an API's result, where a browser's 200 is a form."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            key = request_key(request) if request.method == "POST" else None
            if key is None:
                return view(request, *args, **kwargs)
            if not KEY_PATTERN.match(key):
                return _refusal(request, _("The request key is not valid."), 400)
            return _run_once(
                view, scope(request)[:100], key, request, *args, keep_ok=keep_ok, **kwargs
            )

        return wrapper

    return decorator


def _run_once(view, scope: str, key: str, request, *args, keep_ok: bool, **kwargs):
    print_ = fingerprint(request)
    try:
        with transaction.atomic():
            record = _claim(scope, key, print_)
            if record is not None:
                response = view(request, *args, **kwargs)
                if response.status_code >= 400:
                    raise _Unstored(response)  # errors may be retried with the same key
                ok_page = response.status_code == 200 and not keep_ok
                if ok_page or getattr(response, "streaming", False):
                    # Not kept, the key is freed and the work commits: a stream cannot be
                    # stored, and a 200 is a page (a form shown again), not the result of the
                    # request, which may hold personal data that must not sit in this table.
                    IdempotencyRecord.objects.filter(pk=record.pk).delete()
                    return response
                _store(record, response)
                return response
    except _Unstored as unstored:
        return unstored.response
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None:  # the holder rolled back meanwhile: run as a fresh request
        return view(request, *args, **kwargs)
    if existing.fingerprint != print_:
        return _mismatch(request)
    return _replay(existing)


def prune(now=None) -> int:
    """Remove answers older than 24 hours; returns how many went."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
