"""The indicator library of the annual evaluation (単年度事業評価): figures computed from the
data the domain apps hold, for one hub sheet (a main hub with its satellites, or a satellite
alone) over one fiscal year, so a result bullet can say
「ひろば延べ利用者数 32,410人（前年度比 +4.2%）」.

An ``Indicator`` has a stable code, a translated label and unit, the hub program it belongs to
(1 ひろば, 2 相談, 3 情報, 4 ネットワーク, 5 人材育成, 6 子サポ, 7 利用者支援) and a ``compute``
function of the hubs and the period (first and last day, inclusive). Values are ints, or
Decimal percentages with one decimal for rates (96.5 means 96.5 %); None when they cannot be
computed (a rate without a denominator, a fiscal-year statistic asked for another period).

The per-app computations live in ``indicator_sources``: aggregate queries, or the owning app's
statistics function, shared between the indicators of one ``values_for`` call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter, itemgetter
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.core.models import Hub
from hiroba.evaluation import indicator_sources as sources
from hiroba.lib.fiscal import fiscal_year_bounds

Value = int | Decimal | None
Compute = Callable[[Sequence[Hub], date, date], Value]
PROGRAMS = range(1, 8)
EMPTY = "—"


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    unit: Promise
    program: int
    compute: Compute
    decimals: int = 0


_REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; its code must be new and its program one of the seven."""
    if indicator.code in _REGISTRY:
        raise ValueError(f"indicator {indicator.code!r} is already registered")
    if indicator.program not in PROGRAMS:
        raise ValueError(f"indicator {indicator.code!r}: program must be 1..7")
    if indicator.decimals < 0:
        raise ValueError(f"indicator {indicator.code!r}: decimals cannot be negative")
    _REGISTRY[indicator.code] = indicator
    return indicator


def all_indicators() -> list[Indicator]:
    """Every indicator, by program and then in the order registered."""
    return sorted(_REGISTRY.values(), key=attrgetter("program"))


def get(code: str) -> Indicator:
    """The indicator with ``code``; KeyError for an unknown code."""
    return _REGISTRY[code]


def sheet_hubs(hub: Hub) -> list[Hub]:
    """The hubs one evaluation sheet covers: a main hub and its satellites (in order of their
    ids); a satellite alone is just itself."""
    if hub.parent_id is not None:
        return [hub]
    return [hub, *hub.satellites.order_by("pk")]


def values_for(hub: Hub, fiscal_year: int, codes: Iterable[str] | None = None) -> dict[str, Value]:
    """The values of ``codes`` (all indicators by default, in their order) for ``hub``'s sheet
    and ``fiscal_year``. Indicators reading the same source share its queries."""
    chosen = [get(code) for code in codes] if codes is not None else all_indicators()
    hubs = sheet_hubs(hub)
    first, last = fiscal_year_bounds(fiscal_year)
    with sources.sharing():
        return {indicator.code: indicator.compute(hubs, first, last) for indicator in chosen}


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def format_value(indicator: Indicator, value: Value) -> str:
    """The value with thousands separators and the indicator's decimals ("32,410", "96.5");
    "—" for None."""
    if value is None:
        return EMPTY
    places = indicator.decimals
    number = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{number:,.{places}f}"


def change(current: Value, previous: Value) -> Decimal | None:
    """The change from ``previous`` to ``current`` in percent with one decimal (4.2 for
    +4.2 %); None when either is unknown or ``previous`` is 0."""
    if current is None or previous is None or not previous:
        return None
    before = _decimal(previous)
    difference = _decimal(current) - before
    return (difference * 100 / abs(before)).quantize(sources.ONE_DECIMAL, rounding=ROUND_HALF_UP)


# -- building compute functions ----------------------------------------------------------------
def _pick(source: Callable[[Sequence[Hub], date, date], Any], pick: Callable) -> Compute:
    """A compute function picking one figure from a source (None when the source is None)."""

    def compute(hubs: Sequence[Hub], first: date, last: date) -> Value:
        found = source(hubs, first, last)
        return None if found is None else pick(found)

    return compute


def _share(source, part: Callable, whole: Callable) -> Compute:
    """part / whole of a source's figures, as a percentage with one decimal."""
    return _pick(source, lambda found: sources.rate(part(found), whole(found)))


def _add(code, label, unit, program, compute, *, decimals=0) -> None:
    register(Indicator(code, label, unit, program, compute, decimals))


UNIT_DAYS = pgettext_lazy("indicator unit", "days")
UNIT_PEOPLE = pgettext_lazy("indicator unit", "people")
UNIT_GROUPS = pgettext_lazy("indicator unit", "groups")
UNIT_FAMILIES = pgettext_lazy("indicator unit", "families")
UNIT_SESSIONS = pgettext_lazy("indicator unit", "sessions")
UNIT_PERCENT = pgettext_lazy("indicator unit", "%")
UNIT_CASES = pgettext_lazy("indicator unit", "cases")
UNIT_MEMBERS = pgettext_lazy("indicator unit", "members")
UNIT_COUPONS = pgettext_lazy("indicator unit", "coupons")
UNIT_TIMES = pgettext_lazy("indicator unit", "times")


def _visits(name: str) -> Compute:
    return _pick(sources.visit_figures, attrgetter(name))


def _under_three(figures) -> int:
    return figures.children_0 + figures.children_1 + figures.children_2


# -- program 1: the drop-in space (ひろば) ------------------------------------------------------
_add(
    "visits.opening_days", _("Days the drop-in space was open"), UNIT_DAYS, 1, sources.opening_days
)
_add(
    "visits.person_visits",
    _("Person-visits to the drop-in space"),
    UNIT_PEOPLE,
    1,
    _visits("people"),
)
_add("visits.adult_visits", _("Adults' visits"), UNIT_PEOPLE, 1, _visits("adults"))
_add("visits.child_visits", _("Children's visits"), UNIT_PEOPLE, 1, _visits("children"))
_add("visits.children_0", _("Visits of children aged 0"), UNIT_PEOPLE, 1, _visits("children_0"))
_add("visits.children_1", _("Visits of children aged 1"), UNIT_PEOPLE, 1, _visits("children_1"))
_add("visits.children_2", _("Visits of children aged 2"), UNIT_PEOPLE, 1, _visits("children_2"))
_add(
    "visits.children_3",
    _("Visits of children aged 3 and over"),
    UNIT_PEOPLE,
    1,
    _visits("children_3"),
)
_add(
    "visits.under_three_share",
    _("Share of children's visits aged 0-2"),
    UNIT_PERCENT,
    1,
    _share(sources.visit_figures, _under_three, attrgetter("children")),
    decimals=1,
)
_add("visits.groups", _("Groups visiting"), UNIT_GROUPS, 1, _visits("pairs"))
_add(
    "visits.families",
    _("Registered families who visited"),
    UNIT_FAMILIES,
    1,
    sources.visiting_families,
)
_add("visits.first_visits", _("First visits"), UNIT_GROUPS, 1, _visits("first_visits"))
_add("visits.fathers", _("Fathers' visits"), UNIT_PEOPLE, 1, _visits("fathers"))
_add("visits.grandparents", _("Grandparents' visits"), UNIT_PEOPLE, 1, _visits("grandparents"))
_add("visits.pregnant", _("Visits of pregnant women"), UNIT_PEOPLE, 1, _visits("pregnant"))
_add(
    "families.new_registrations",
    _("New family registrations"),
    UNIT_FAMILIES,
    1,
    sources.registrations,
)
_add(
    "programs.sessions",
    _("Program sessions held"),
    UNIT_SESSIONS,
    1,
    _pick(sources.program_figures, attrgetter("sessions")),
)
_add(
    "programs.lecture_sessions",
    _("Lecture sessions held"),
    UNIT_SESSIONS,
    1,
    _pick(sources.program_figures, attrgetter("lecture_sessions")),
)
_add(
    "programs.participant_families",
    _("Families taking part in programs"),
    UNIT_FAMILIES,
    1,
    _pick(sources.program_figures, attrgetter("families")),
)
_add(
    "programs.participants",
    _("Program participants"),
    UNIT_PEOPLE,
    1,
    _pick(sources.program_figures, attrgetter("people")),
)
_add(
    "programs.fill_rate",
    _("Program fill rate"),
    UNIT_PERCENT,
    1,
    _share(
        sources.program_figures, attrgetter("confirmed_at_start"), attrgetter("capacity_families")
    ),
    decimals=1,
)

# -- program 2: consultations (相談) ----------------------------------------------------------
_add(
    "consultations.recorded",
    _("Consultations recorded"),
    UNIT_CASES,
    2,
    _pick(sources.consultation_figures, itemgetter("total")),
)
_add(
    "consultations.under_three_share",
    _("Share of consultations about children aged 0-2"),
    UNIT_PERCENT,
    2,
    _share(sources.consultation_figures, itemgetter("under_three"), itemgetter("total")),
    decimals=1,
)
_add(
    "consultations.referrals",
    _("Referrals to agencies"),
    UNIT_CASES,
    2,
    _pick(sources.consultation_figures, itemgetter("referrals")),
)

# -- program 6: 子サポ ----------------------------------------------------------------------------
_add(
    "kosapo.user_members",
    _("Kosapo user members at the year's end"),
    UNIT_MEMBERS,
    6,
    _pick(sources.kosapo_members, itemgetter("users")),
)
_add(
    "kosapo.provider_members",
    _("Kosapo provider members at the year's end"),
    UNIT_MEMBERS,
    6,
    _pick(sources.kosapo_members, itemgetter("providers")),
)
_add(
    "kosapo.new_members",
    _("New Kosapo members"),
    UNIT_MEMBERS,
    6,
    _pick(sources.kosapo_members, itemgetter("new")),
)
_add(
    "kosapo.requests_received",
    _("Kosapo requests received"),
    UNIT_CASES,
    6,
    _pick(sources.kosapo_requests, itemgetter("received")),
)
_add(
    "kosapo.requests_matched",
    _("Kosapo requests with a provider introduced"),
    UNIT_CASES,
    6,
    _pick(sources.kosapo_requests, itemgetter("matched")),
)
_add(
    "kosapo.requests_unmatched",
    _("Kosapo requests not matched"),
    UNIT_CASES,
    6,
    _pick(sources.kosapo_requests, itemgetter("unmatched")),
)
_add(
    "kosapo.matching_rate",
    _("Kosapo matching rate"),
    UNIT_PERCENT,
    6,
    _share(
        sources.kosapo_requests,
        itemgetter("matched"),
        lambda found: found["matched"] + found["unmatched"],
    ),
    decimals=1,
)
_add(
    "kosapo.coupons_issued",
    _("Kosapo trial coupons issued"),
    UNIT_COUPONS,
    6,
    _pick(sources.kosapo_coupons, itemgetter("issued")),
)
_add(
    "kosapo.coupons_used",
    _("Kosapo trial coupons used"),
    UNIT_COUPONS,
    6,
    _pick(sources.kosapo_coupons, itemgetter("used")),
)
_add(
    "kosapo.trainings_completed",
    _("Provider trainings completed"),
    UNIT_TIMES,
    6,
    sources.kosapo_trainings,
)

# -- program 7: user support (利用者支援) ----------------------------------------------------
_add(
    "support.bookings_held",
    _("Individual support consultations held"),
    UNIT_CASES,
    7,
    sources.support_bookings_held,
)
_add("support.cases_opened", _("New support cases"), UNIT_CASES, 7, sources.support_cases_opened)
_add(
    "support.linkages",
    _("Linkages to services"),
    UNIT_CASES,
    7,
    _pick(sources.support_linkages, itemgetter("total")),
)
_add(
    "support.linkages_connected",
    _("Linkages that connected the family"),
    UNIT_CASES,
    7,
    _pick(sources.support_linkages, itemgetter("connected")),
)
_add(
    "support.community_activities",
    _("Community liaison activities"),
    UNIT_TIMES,
    7,
    sources.support_activities,
)
