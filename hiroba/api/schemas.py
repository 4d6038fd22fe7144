"""What the API answers and accepts (its OpenAPI schema is generated from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from hiroba.programs.choices import EntryStatus, ProgramCategory, ProgramStatus, SignupMode

MAX_ID = 2**63 - 1  # the largest primary key; bigger numbers are refused before any query
# PostgreSQL text cannot hold NUL, and control characters have no place in a card number.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
NO_NUL = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str | list[dict[str, Any]] = Field(
        description="What went wrong, in the request's language (a list for invalid input)"
    )
    code: str | None = Field(None, description="A stable code for programs, e.g. 'full'")


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    note: str


class ProgramOut(Schema):
    id: int
    hub_id: int
    title: str
    category: ProgramCategory
    description: str
    language: str
    accessibility: str
    venue: str = Field(description="The venue's name")
    status: ProgramStatus
    signup_mode: SignupMode
    signup_open: bool = Field(description="Whether applications are taken now")
    signup_refusal: str | None = Field(description="Why not, as a code, when they are not")
    opens_at: datetime | None
    closes_at: datetime | None
    draw_at: datetime | None
    capacity_families: int | None
    capacity_people: int | None
    seats_left_families: int | None
    seats_left_people: int | None
    waitlisted_families: int
    min_age_months: int | None
    max_age_months: int | None
    requires_father: bool
    residents_only: bool
    sessions: list[SessionOut]


class ProgramPage(Schema):
    count: int = Field(description="Programs matching, over all pages")
    items: list[ProgramOut]


class EntryIn(Schema):
    card_number: str = Field(
        min_length=1,
        max_length=20,
        pattern=NO_CONTROL_CHARACTERS,
        description="The family's card number at the hub (full-width digits are fine)",
    )
    member_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        min_length=1, max_length=12, description="The family members taking part"
    )
    message: str = Field(
        "", max_length=300, pattern=NO_NUL, description="A note to the hub's staff"
    )


class EntryOut(Schema):
    id: int
    program_id: int
    status: EntryStatus
    adults: int
    children: int
    created_at: datetime
    confirmed_at: datetime | None
    offer_expires_at: datetime | None
    ended_at: datetime | None


class ResourceOut(Schema):
    id: int
    category: str
    name: str
    name_kana: str
    description: str
    postal_code: str
    address: str
    latitude: float | None
    longitude: float | None
    phone: str
    url: str
    hours: str


class ResourcePage(Schema):
    count: int
    items: list[ResourceOut]


class VisitMonthOut(Schema):
    month: date = Field(description="The first day of the month")
    visits: int
    adults: int
    children: int
    first_visits: int


class VisitStatisticsOut(Schema):
    fiscal_year: int = Field(description="年度: April of this year to March of the next")
    months: list[VisitMonthOut]
