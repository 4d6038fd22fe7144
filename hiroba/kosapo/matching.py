"""Ranking providers for a request: pure functions over plain facts, no database.

``request_queries`` loads the facts in a fixed number of queries; this module decides who may be
offered and in which order, and says why in words a coordinator can check by phone:

- **Not offered** (with every reason): training or membership not valid, already booked at
  a clashing time, away for the whole request, no weekly time on any requested day, too far,
  not serving the family's district, no escort mode for an escort, not caring at the requested
  place, no babies under one or no siblings together when the request needs it.
- **Offered**, best first: covers every requested day before covering some; then nearer
  (distance between the two town blocks, else the same district); then more past pairings
  with this family (children know them); then fewer hours already committed each week (the
  load is spread); then the member number, so equal candidates keep a stable order.
- The contact log shows through: 不可 for this request moves a provider to "not offered" with
  their reason, 保留 is a warning, 可 comes first among the reasons.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cached_property

from django.utils.translation import gettext as _

from hiroba.kosapo.choices import CarePlace, ContactResponse, weekday_names

INFANT_MONTHS = 12
EARTH_RADIUS_KM = 6371.0
UNKNOWN_NEAR = 1_000.0  # ranks "same district, distance unknown" after every known distance
UNKNOWN_FAR = 2_000.0


@dataclass(frozen=True)
class Schedule:
    """Dates from ``first_on`` to ``last_on`` on ``weekdays`` (Monday = 0), ``starts``-``ends``."""

    first_on: date
    last_on: date
    weekdays: frozenset[int]
    starts: time
    ends: time
    label: str = ""

    @classmethod
    def of(cls, first_on, last_on, weekdays: str, starts, ends, *, label: str = "") -> Schedule:
        """From a request's fields: ``weekdays`` as digits ("024"); a one-off request has
        none and falls on its own day."""
        days = frozenset(int(d) for d in weekdays) or frozenset({first_on.weekday()})
        return cls(first_on, last_on, days, starts, ends, label)

    def dates(self) -> tuple[date, ...]:
        return self._dates

    @cached_property
    def _dates(self) -> tuple[date, ...]:
        # Cached: the ranking asks for the request's dates once per provider.
        span = (self.last_on - self.first_on).days + 1
        days = (self.first_on + timedelta(days=n) for n in range(max(span, 0)))
        return tuple(day for day in days if day.weekday() in self.weekdays)

    def days_used(self) -> frozenset[int]:
        """The weekdays that really occur (a short range may not reach every listed weekday)."""
        if (self.last_on - self.first_on).days >= 6:
            return self.weekdays
        return frozenset(day.weekday() for day in self.dates())

    def minutes(self) -> int:
        return (self.ends.hour * 60 + self.ends.minute) - (
            self.starts.hour * 60 + self.starts.minute
        )


def schedules_clash(a: Schedule, b: Schedule) -> bool:
    """Whether one date and time belongs to both (a provider cannot be in two places)."""
    if not (a.starts < b.ends and b.starts < a.ends):
        return False
    first, last = max(a.first_on, b.first_on), min(a.last_on, b.last_on)
    if first > last:
        return False
    common = a.weekdays & b.weekdays
    if (last - first).days >= 6:
        return bool(common)
    return any(
        (first + timedelta(days=n)).weekday() in common for n in range((last - first).days + 1)
    )


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (latitude, longitude) points; None if one is unknown."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class RequestFacts:
    schedule: Schedule
    escorts: bool
    care_place: str
    children_months: tuple[int, ...]
    point: tuple[float, float] | None
    district_id: int | None
    district_name: str = ""


@dataclass
class ProviderFacts:
    member_id: int
    number: str
    name: str
    blockers: list[str] = field(default_factory=list)
    point: tuple[float, float] | None = None
    district_id: int | None = None
    served_district_ids: frozenset[int] = frozenset()
    max_distance_km: float = 2.0
    escort_modes: list[str] = field(default_factory=list)
    care_places: frozenset[str] = frozenset()
    accepts_infants: bool = True
    accepts_siblings: bool = True
    has_pets: bool = False
    smoking_household: bool = False
    weekly: list[tuple[int, time, time]] = field(default_factory=list)
    away: list[tuple[date, date]] = field(default_factory=list)
    commitments: list[Schedule] = field(default_factory=list)
    past_pairings: int = 0
    committed_minutes_per_week: int = 0
    has_profile: bool = True
    answer: str = ""  # the latest answer to this request: "yes", "no", "pending" or ""
    answer_reason: str = ""


@dataclass
class Ranked:
    provider: ProviderFacts
    distance_km: float | None
    covered_days: int
    needed_days: int
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)

    @property
    def offered(self) -> bool:
        return not self.exclusions

    @property
    def covers_all(self) -> bool:
        return self.covered_days == self.needed_days


@dataclass
class Ranking:
    offered: list[Ranked]
    not_offered: list[Ranked]


def rank(request: RequestFacts, providers: Iterable[ProviderFacts]) -> Ranking:
    judged = [_judge(request, provider) for provider in providers]
    offered = sorted((r for r in judged if r.offered), key=lambda r: _order(request, r))
    not_offered = sorted((r for r in judged if not r.offered), key=lambda r: r.provider.number)
    return Ranking(offered=offered, not_offered=not_offered)


def _order(request: RequestFacts, ranked: Ranked) -> tuple:
    provider = ranked.provider
    if ranked.distance_km is not None:
        nearness = ranked.distance_km
    elif request.district_id is not None and request.district_id in _districts_of(provider):
        nearness = UNKNOWN_NEAR
    else:
        nearness = UNKNOWN_FAR
    return (
        -ranked.covered_days / max(ranked.needed_days, 1),
        nearness,
        -provider.past_pairings,
        provider.committed_minutes_per_week,
        provider.number,
    )


def _districts_of(provider: ProviderFacts) -> frozenset[int]:
    own = frozenset({provider.district_id}) if provider.district_id is not None else frozenset()
    return own | provider.served_district_ids


def _judge(request: RequestFacts, provider: ProviderFacts) -> Ranked:
    needed = request.schedule.days_used()
    covered = _covered_weekdays(request.schedule, provider.weekly, needed)
    ranked = Ranked(
        provider=provider,
        distance_km=distance_km(request.point, provider.point),
        covered_days=len(covered),
        needed_days=len(needed),
    )
    ranked.exclusions.extend(provider.blockers)
    if not provider.has_profile:
        ranked.exclusions.append(_("no profile yet (times, places, distance)"))
    _judge_time(request, provider, ranked, covered, needed)
    _judge_place(request, provider, ranked)
    _judge_children(request, provider, ranked)
    _judge_answer(provider, ranked)
    if provider.past_pairings:
        ranked.reasons.append(
            _("has helped this family {count} times").format(count=provider.past_pairings)
        )
    hours = provider.committed_minutes_per_week / 60
    ranked.reasons.append(_("{hours:g} h a week already committed").format(hours=round(hours, 1)))
    if provider.has_pets:
        ranked.warnings.append(_("pets at home"))
    if provider.smoking_household:
        ranked.warnings.append(_("someone smokes at home"))
    return ranked


def _judge_answer(provider: ProviderFacts, ranked: Ranked) -> None:
    if provider.answer == ContactResponse.YES:
        ranked.reasons.insert(0, _("said yes"))
    elif provider.answer == ContactResponse.NO:
        ranked.exclusions.append(_("said no: {reason}").format(reason=provider.answer_reason))
    elif provider.answer == ContactResponse.PENDING:
        ranked.warnings.append(_("answer pending: {reason}").format(reason=provider.answer_reason))


def _merged(weekly, day: int) -> list[tuple[time, time]]:
    """The day's slots with touching or overlapping ones joined (9-12 and 12-15 cover 11-13)."""
    merged: list[list[time]] = []
    for starts, ends in sorted((s, e) for wd, s, e in weekly if wd == day):
        if merged and starts <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], ends)
        else:
            merged.append([starts, ends])
    return [(s, e) for s, e in merged]


def _covered_weekdays(schedule: Schedule, weekly, needed: frozenset[int]) -> frozenset[int]:
    return frozenset(
        day
        for day in needed
        if any(s <= schedule.starts and e >= schedule.ends for s, e in _merged(weekly, day))
    )


def _judge_time(request, provider, ranked: Ranked, covered, needed) -> None:
    clash = next((c for c in provider.commitments if schedules_clash(request.schedule, c)), None)
    if clash is not None:
        ranked.exclusions.append(
            _("already booked at these times ({request})").format(request=clash.label)
        )
    away_dates = _away_dates(request.schedule, provider.away)
    all_dates = request.schedule.dates()
    if all_dates and len(away_dates) == len(all_dates):
        ranked.exclusions.append(_("away on the requested days"))
    elif away_dates:
        ranked.warnings.append(
            _("away on {count} of the days (first {day})").format(
                count=len(away_dates), day=min(away_dates).strftime("%m/%d")
            )
        )
    if not covered:
        ranked.exclusions.append(_("not available at these times"))
    elif len(covered) < len(needed):
        ranked.reasons.append(_("available on {days} only").format(days=weekday_names(covered)))
    else:
        ranked.reasons.append(_("available at every requested time"))


def _away_dates(schedule: Schedule, away: list[tuple[date, date]]) -> list[date]:
    if not away:
        return []
    return [day for day in schedule.dates() if any(s <= day <= e for s, e in away)]


def _judge_place(request: RequestFacts, provider: ProviderFacts, ranked: Ranked) -> None:
    distance = ranked.distance_km
    if distance is not None:
        if distance > provider.max_distance_km:
            ranked.exclusions.append(
                _("{distance:.1f} km away, further than the {limit:g} km they travel").format(
                    distance=distance, limit=provider.max_distance_km
                )
            )
        else:
            ranked.reasons.append(_("{distance:.1f} km away").format(distance=distance))
    elif request.district_id is None:
        ranked.warnings.append(_("distance unknown"))
    elif request.district_id == provider.district_id:
        ranked.reasons.append(_("same district"))
    elif request.district_id in provider.served_district_ids:
        ranked.reasons.append(
            _("serves {district}").format(district=request.district_name or request.district_id)
        )
    elif provider.served_district_ids:
        ranked.exclusions.append(_("does not serve the family's district"))
    else:
        ranked.warnings.append(_("distance unknown"))
    if request.escorts:
        if provider.escort_modes:
            ranked.reasons.append(
                _("escorts {modes}").format(modes="・".join(provider.escort_modes))
            )
        else:
            ranked.exclusions.append(_("does not escort"))
    if request.care_place and request.care_place not in provider.care_places:
        ranked.exclusions.append(
            _("does not care at {place}").format(place=CarePlace(request.care_place).label)
        )


def _judge_children(request: RequestFacts, provider: ProviderFacts, ranked: Ranked) -> None:
    if any(m < INFANT_MONTHS for m in request.children_months) and not provider.accepts_infants:
        ranked.exclusions.append(_("does not take babies under one"))
    if len(request.children_months) > 1 and not provider.accepts_siblings:
        ranked.exclusions.append(_("does not take siblings together"))
