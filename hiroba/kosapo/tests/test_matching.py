"""The ranking of providers for a request, on plain facts (no database)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import translation

from hiroba.kosapo.matching import (
    ProviderFacts,
    RequestFacts,
    Schedule,
    distance_km,
    rank,
    schedules_clash,
)

MONDAY = date(2026, 12, 7)
HOME = (35.44400, 139.63800)  # the family's town block
NEAR = (35.44900, 139.63800)  # ~0.56 km north
FAR = (35.47000, 139.63800)  # ~2.9 km north
WEEKDAY_MORNINGS = [(d, time(7, 0), time(12, 0)) for d in range(5)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def once(day=MONDAY, starts=time(9, 0), ends=time(11, 0), label="R1") -> Schedule:
    return Schedule(day, day, frozenset({day.weekday()}), starts, ends, label)


def weekly(days, first=MONDAY, last=date(2027, 3, 26), starts=time(7, 30), ends=time(8, 15)):
    return Schedule(first, last, frozenset(days), starts, ends, "R2")


def request(schedule=None, **overrides) -> RequestFacts:
    values = dict(
        schedule=schedule or once(),
        escorts=False,
        care_place="provider_home",
        children_months=(30,),
        point=HOME,
        district_id=1,
    )
    values.update(overrides)
    return RequestFacts(**values)


def provider(number="00001", **overrides) -> ProviderFacts:
    values = dict(
        member_id=int(number),
        number=number,
        name=f"提供{number}",
        point=NEAR,
        district_id=1,
        escort_modes=["on foot"],
        care_places=frozenset({"provider_home", "hub"}),
        weekly=list(WEEKDAY_MORNINGS),
    )
    values.update(overrides)
    return ProviderFacts(**values)


def test_distance_between_two_points_is_the_great_circle():
    assert distance_km(HOME, NEAR) == pytest.approx(0.556, abs=0.005)
    assert distance_km(HOME, None) is None


def test_a_near_available_provider_is_offered_with_its_reasons():
    ranking = rank(request(), [provider()])
    [only] = ranking.offered
    assert only.covers_all
    assert "available at every requested time" in only.reasons
    assert "0.6 km away" in only.reasons
    assert only.exclusions == []


@pytest.mark.parametrize(
    ("overrides", "request_overrides", "reason"),
    [
        ({"blockers": ["Emergency life-saving course not valid"]}, {}, "life-saving"),
        ({"point": FAR}, {}, "further than the 2 km they travel"),
        ({"weekly": [(1, time(7), time(12))]}, {}, "not available at these times"),
        ({"weekly": [(0, time(9, 30), time(12))]}, {}, "not available at these times"),
        ({"escort_modes": []}, {"escorts": True}, "does not escort"),
        ({"care_places": frozenset({"hub"})}, {}, "does not care at The provider's home"),
        ({"accepts_infants": False}, {"children_months": (8,)}, "babies under one"),
        ({"accepts_siblings": False}, {"children_months": (30, 60)}, "siblings together"),
        ({"away": [(MONDAY, MONDAY)]}, {}, "away on the requested days"),
        ({"commitments": [once(label="R9")]}, {}, "already booked at these times (R9)"),
        ({"has_profile": False}, {}, "no profile yet"),
        (
            {"point": None, "district_id": 2, "served_district_ids": frozenset({3})},
            {"point": None},
            "does not serve the family's district",
        ),
    ],
)
def test_a_provider_who_cannot_is_not_offered_and_says_why(overrides, request_overrides, reason):
    ranking = rank(request(**request_overrides), [provider(**overrides)])
    assert ranking.offered == []
    [judged] = ranking.not_offered
    assert any(reason in text for text in judged.exclusions), judged.exclusions


def test_order_full_cover_then_distance_then_pairings_then_load():
    school_run = request(weekly({0, 2, 4}), escorts=True, care_place="")
    partial = provider("00001", point=HOME, weekly=[(0, time(7), time(9))])
    far = provider("00002", point=(35.45600, 139.63800))  # ~1.3 km
    near_busy = provider("00003", point=NEAR, committed_minutes_per_week=300)
    near_free = provider("00004", point=NEAR)
    near_known = provider("00005", point=NEAR, committed_minutes_per_week=600, past_pairings=2)
    ranking = rank(school_run, [partial, far, near_busy, near_free, near_known])
    assert [r.provider.number for r in ranking.offered] == [
        "00005",  # as near as 3 and 4, and the children know them
        "00004",  # less already committed than 3
        "00003",
        "00002",  # covers every day but is further
        "00001",  # nearest, but only Mondays
    ]
    assert "available on Mon only" in ranking.offered[-1].reasons
    assert "has helped this family 2 times" in ranking.offered[0].reasons
    assert "10 h a week already committed" in ranking.offered[0].reasons


def test_without_coordinates_the_same_district_ranks_before_an_unknown_distance():
    no_points = request(point=None, district_id=7)
    elsewhere = provider("00001", point=None, district_id=8)
    same = provider("00002", point=None, district_id=7)
    serving = provider("00003", point=None, district_id=9, served_district_ids=frozenset({7}))
    ranking = rank(no_points, [elsewhere, same, serving])
    assert [r.provider.number for r in ranking.offered] == ["00002", "00003", "00001"]
    assert "same district" in ranking.offered[0].reasons
    assert "distance unknown" in ranking.offered[2].warnings


def test_pets_smoking_and_some_days_away_are_warnings_not_exclusions():
    term = request(weekly({0}, last=date(2027, 1, 25), starts=time(9), ends=time(11)))
    ranking = rank(
        term,
        [
            provider(
                has_pets=True, smoking_household=True, away=[(date(2026, 12, 28), date(2027, 1, 4))]
            )
        ],
    )
    [judged] = ranking.offered
    assert judged.warnings == [
        "away on 2 of the days (first 12/28)",  # Mondays 12/28 and 1/4
        "pets at home",
        "someone smokes at home",
    ]


@pytest.mark.parametrize(
    ("a", "b", "clash"),
    [
        (once(), once(), True),
        (once(), once(starts=time(11, 0), ends=time(12, 0)), False),  # back to back
        (once(), once(day=date(2026, 12, 8)), False),
        (weekly({0, 2}), once(day=date(2026, 12, 9), starts=time(8), ends=time(9)), True),
        (weekly({0, 2}), once(day=date(2026, 12, 10), starts=time(8), ends=time(9)), False),
        (weekly({1}, last=date(2026, 12, 8)), weekly({1}, first=date(2026, 12, 9)), False),
        # Short overlap of two weekly requests: only the dates both really have count.
        (
            weekly({4}, first=date(2026, 12, 7), last=date(2026, 12, 10)),
            weekly({4}, first=date(2026, 12, 9)),
            False,
        ),
    ],
)
def test_schedules_clash_only_when_a_date_and_time_is_shared(a, b, clash):
    assert schedules_clash(a, b) is clash
    assert schedules_clash(b, a) is clash


def test_touching_weekly_slots_cover_a_request_across_them():
    split_day = [(0, time(9), time(10, 30)), (0, time(10, 30), time(12)), (0, time(13), time(15))]
    ranking = rank(request(), [provider(weekly=split_day)])
    [judged] = ranking.offered
    assert judged.covers_all
    gap = [(0, time(9), time(10)), (0, time(10, 15), time(12))]
    assert rank(request(), [provider(weekly=gap)]).offered == []
