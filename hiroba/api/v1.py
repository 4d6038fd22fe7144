"""Version 1 of the integration API, mounted at ``/api/v1/`` (decision 0019).

Every operation needs a token (``Authorization: Bearer hiroba_…``) and sees only its hub (and
a main hub's satellites): ids of other hubs answer 404, as staff pages do. Sign-up and cancel
need a write token, go through ``programs.signup`` like the portal's, and accept an
``Idempotency-Key`` header: a retry returns the first answer instead of applying twice.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.security import HttpBearer

from hiroba.api import queries, services
from hiroba.api.models import ApiToken
from hiroba.api.schemas import (
    MAX_ID,
    EntryIn,
    EntryOut,
    ErrorOut,
    ProgramOut,
    ProgramPage,
    ResourceOut,
    ResourcePage,
    VisitStatisticsOut,
)
from hiroba.core.idempotency import idempotent
from hiroba.directory import queries as directory_queries
from hiroba.families.models import Household
from hiroba.families.queries import registry_hub_id
from hiroba.lib.kana import nfkc
from hiroba.programs import queries as program_queries
from hiroba.programs import signup
from hiroba.programs.choices import EntryChannel, ProgramCategory
from hiroba.programs.errors import ProgramError
from hiroba.programs.models import Entry, Program
from hiroba.visits.models import VisitMonth

READ_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
WRITE_ERRORS |= {422: ErrorOut}
IDEMPOTENT = {  # the Idempotency-Key header, documented for the operations that take it
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
            "description": (
                "Optional. A key of up to 255 printable ASCII characters; repeating the request "
                "with the same key within 24 hours returns the first answer (header "
                "Idempotent-Replayed: true)."
            ),
        }
    ]
}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            raise HttpError(403, _("Use HTTPS. This token has travelled unencrypted: revoke it."))
        found = queries.token_from_text(token, timezone.localdate())
        if found is not None:
            services.note_use(found, timezone.now())
            request.api_token = found
        return found


api = NinjaAPI(
    title="Hiroba API",
    version="1",
    description=__doc__,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is at openapi.json
)


def _token(request: HttpRequest) -> ApiToken:
    return request.auth


def _writer(request: HttpRequest) -> ApiToken:
    token = _token(request)
    if not token.may_write:
        raise HttpError(403, _("This token may only read."))
    return token


def _idempotency_scope(request: HttpRequest) -> str:
    """Keys belong to the token that sent them (its hash: the view has not authenticated yet,
    and a request without a valid token fails with 401 and stores nothing)."""
    credential = request.headers.get("Authorization", "")
    return "api:" + hashlib.sha256(credential.encode()).hexdigest()[:32]


def _id(description: str):
    return Path(..., ge=1, le=MAX_ID, description=description)


# -- programs -----------------------------------------------------------------------------------
PROGRAM_FIELDS = [
    name for name in ProgramOut.model_fields
    if name not in {"venue", "signup_open", "signup_refusal", "sessions"}
]  # fmt: skip


def _program_out(program: Program, now) -> dict:
    refusal = signup.signup_state(program, now)
    return {
        **{name: getattr(program, name) for name in PROGRAM_FIELDS},
        "venue": program.venue.name,
        "signup_open": refusal is None,
        "signup_refusal": refusal,
        "sessions": list(program.sessions.all()),
    }


@api.get("/programs", response={200: ProgramPage, **READ_ERRORS}, tags=["programs"])
def list_programs(
    request,
    category: ProgramCategory | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=100_000),
):
    """Published programs of the hub that have not ended, soonest first."""
    programs = program_queries.public_programs(hub_ids=queries.hub_ids(_token(request)))
    if category:
        programs = programs.filter(category=category)
    now = timezone.now()
    page = programs[offset : offset + limit]
    return {"count": programs.count(), "items": [_program_out(p, now) for p in page]}


def _program(token: ApiToken, program_id: int) -> Program:
    program = program_queries.public_program(program_id)  # published or cancelled, else 404
    if program.hub_id not in queries.hub_ids(token):
        raise Http404
    return program


@api.get("/programs/{program_id}", response={200: ProgramOut, **READ_ERRORS}, tags=["programs"])
def get_program(request, program_id: int = _id("A program of the hub")):
    return _program_out(_program(_token(request), program_id), timezone.now())


# -- entries ------------------------------------------------------------------------------------
def _refused(error: ProgramError):
    return Status(409, {"detail": error.message, "code": error.code})


@api.post(
    "/programs/{program_id}/entries",
    response={201: EntryOut, **WRITE_ERRORS},
    tags=["entries"],
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent(_idempotency_scope, keep_ok=True))
def create_entry(request, payload: EntryIn, program_id: int = _id("A program of the hub")):
    """Apply for a program for a registered family, as the family would on the portal: the
    same window, eligibility and capacity rules; confirmed, waitlisted or entered for the
    lottery (see ``status``)."""
    token = _writer(request)
    program = _program(token, program_id)
    card = nfkc(payload.card_number).strip().upper()
    # Families are registered at the main hub, also when they use a satellite.
    registry = registry_hub_id(token.hub)
    household = Household.objects.filter(hub_id=registry, card_number=card).first()
    if household is None:
        return Status(404, {"detail": _("No family with this card number at this hub.")})
    wanted = set(payload.member_ids)
    members = list(household.members.filter(pk__in=wanted))
    if len(members) != len(wanted):
        return _refused(ProgramError("member_not_in_family"))
    try:
        entry = signup.apply(
            program, household, members, channel=EntryChannel.API, message=payload.message
        )
    except ProgramError as error:
        return _refused(error)
    return Status(201, entry)


def _entry(token: ApiToken, entry_id: int) -> Entry:
    return get_object_or_404(
        Entry.objects.select_related("program"),
        pk=entry_id,
        program__hub_id__in=queries.hub_ids(token),
    )


@api.get("/entries/{entry_id}", response={200: EntryOut, **READ_ERRORS}, tags=["entries"])
def get_entry(request, entry_id: int = _id("An entry for a program of the hub")):
    return _entry(_token(request), entry_id)


@api.post(
    "/entries/{entry_id}/cancel",
    response={200: EntryOut, **WRITE_ERRORS},
    tags=["entries"],
    openapi_extra=IDEMPOTENT,
)
@decorate_view(idempotent(_idempotency_scope, keep_ok=True))
def cancel_entry(request, entry_id: int = _id("An entry for a program of the hub")):
    """Cancel as the family would: until the program's cancellation deadline. A freed seat is
    offered to the waiting list."""
    entry = _entry(_writer(request), entry_id)
    try:
        return Status(200, signup.cancel(entry))
    except ProgramError as error:
        return _refused(error)


# -- resources and statistics -------------------------------------------------------------------
@api.get("/resources", response={200: ResourcePage, **READ_ERRORS}, tags=["resources"])
def list_resources(
    request,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
):
    """The hub's published directory of local places for families (社会資源)."""
    resources = directory_queries.published(queries.hub_ids(_token(request))).order_by("pk")
    page = [ResourceOut.from_orm(resource) for resource in resources[offset : offset + limit]]
    return {"count": resources.count(), "items": page}


@api.get(
    "/statistics/visits/{fiscal_year}",
    response={200: VisitStatisticsOut, **READ_ERRORS},
    tags=["statistics"],
)
def visit_statistics(request, fiscal_year: int = Path(..., ge=2000, le=2100)):
    """Monthly visit totals of the hub's rooms for a fiscal year (counts only, no person)."""
    months = (
        VisitMonth.objects.filter(
            hub_id__in=queries.hub_ids(_token(request)), fiscal_year=fiscal_year
        )
        .values("month")
        .order_by("month")
        .annotate(
            total_visits=Sum("visits"),
            total_adults=Sum("adults"),
            c0=Sum("children_0"),
            c1=Sum("children_1"),
            c2=Sum("children_2"),
            c3=Sum("children_3"),
            firsts=Sum("first_visits"),
        )
    )
    return {
        "fiscal_year": fiscal_year,
        "months": [
            {
                "month": row["month"],
                "visits": row["total_visits"],
                "adults": row["total_adults"],
                "children": row["c0"] + row["c1"] + row["c2"] + row["c3"],
                "first_visits": row["firsts"],
            }
            for row in months
        ],
    }
