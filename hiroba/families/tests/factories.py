"""Factories for the family registry. ``family()`` builds a typical household through the
service, so search keys, card numbers and the district are set as in real use."""

from __future__ import annotations

from datetime import date

import pytest

from hiroba.families import services
from hiroba.families.choices import MemberKind, Relation
from hiroba.families.services import HouseholdData, MemberData

# The fixed moment of the registry and reception tests (ages, "today's" visits and fiscal years
# depend on it): ``pytestmark = [pytest.mark.django_db, AT_NOON]``; time stands still.
AT_NOON = pytest.mark.time_machine("2026-11-20T12:00:00+09:00", tick=False)


def caregiver(  # noqa: PLR0917 (positional names read like a family card in the tests)
    family_name="山田",
    given_name="花子",
    family_kana="ヤマダ",
    given_kana="ハナコ",
    relation=Relation.MOTHER,
    phone="",
    **extra,
) -> MemberData:
    return MemberData(
        kind=MemberKind.CAREGIVER,
        family_name=family_name,
        given_name=given_name,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        relation=relation,
        phone=phone,
        **extra,
    )


def child(
    given_name="太郎",
    given_kana="タロウ",
    birth_date: date | None = date(2025, 5, 1),
    family_name="山田",
    family_kana="ヤマダ",
    **extra,
) -> MemberData:
    return MemberData(
        kind=MemberKind.CHILD,
        family_name=family_name,
        given_name=given_name,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        birth_date=birth_date,
        **extra,
    )


def family(hub, *members: MemberData, actor=None, status=None, **household):
    """A registered family at ``hub``; by default a mother and a child born 2025-05-01.
    ``status=HouseholdStatus.PENDING`` makes a portal pre-registration."""
    data = HouseholdData(members=list(members) or [caregiver(), child()], **household)
    extra = {"status": status} if status else {}
    return services.register_household(hub, data, actor=actor, **extra)
