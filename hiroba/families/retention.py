"""Retention of the family registry: which families are due for anonymisation, and doing it.

Rules come from each municipality's ``families`` rule section (``families/rules.py``):

* a registered, pre-registered-and-visited or merged card is anonymised once
  ``today >= max(last activity, youngest child's 6th birthday) + N years``
  (``retention_years_after_youngest_turns_6``), or ``last activity + M years`` for a family
  without born children (``retention_years_without_children``). The last activity is the last
  visit, else the registration date, else the day the card was created;
* a pre-registration that was never confirmed nor visited is deleted after
  ``pending_registration_days``.

``plan`` only reads (the dry run); ``run`` applies the plan through the services, one family
per transaction, so a failure leaves the families before it done and the rest untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.core.models import Municipality
from hiroba.families import hooks, services
from hiroba.families.choices import HouseholdStatus, MemberKind
from hiroba.families.models import Household
from hiroba.lib.ages import add_years

ANONYMISE = "anonymise"
REMOVE_PENDING = "remove_pending"
SCHOOL_AGE = 6


@dataclass(frozen=True)
class RetentionItem:
    """One family that is due, why, and since when."""

    household: Household
    action: str
    due_on: date
    reason: str


def last_activity(household: Household) -> date:
    """The family's last visit (or registration), or later activity in other apps (a program
    it signed up for), whichever is latest."""
    own = (
        household.last_visit_on
        or household.registered_on
        or timezone.localdate(household.created_at)
    )
    elsewhere = hooks.latest_activity(household)
    return max(own, elsewhere) if elsewhere else own


def anonymise_due_on(activity: date, youngest_birth: date | None, rules: dict) -> date:
    """The day a family's personal data is due for anonymisation."""
    if youngest_birth is None:
        return add_years(activity, rules["retention_years_without_children"])
    turns_six = add_years(youngest_birth, SCHOOL_AGE)
    return add_years(max(activity, turns_six), rules["retention_years_after_youngest_turns_6"])


def _unconfirmed(queryset):
    """Pre-registrations nobody confirmed, visited or merged: deleted, not anonymised."""
    return queryset.filter(
        status=HouseholdStatus.PENDING,
        last_visit_on__isnull=True,
        merges_kept__isnull=True,
        merges_merged__isnull=True,
    )


def _pending_due(households, rules: dict, today: date) -> Iterator[RetentionItem]:
    days = rules["pending_registration_days"]
    for household in _unconfirmed(households).order_by("created_at", "pk"):
        created = timezone.localdate(household.created_at)
        due = created + timedelta(days=days)
        if due > today:
            break  # ordered by creation: every later one is younger
        reason = _("Pre-registered on {created} and never confirmed; due since {due}.")
        yield RetentionItem(household, REMOVE_PENDING, due, reason.format(created=created, due=due))


def _anonymise_due(households, rules: dict, today: date) -> Iterator[RetentionItem]:
    shortest = min(
        rules["retention_years_after_youngest_turns_6"], rules["retention_years_without_children"]
    )
    # Nobody whose last visit is more recent than the shortest period can be due; the exact
    # rule is checked below, so the cut-off errs a day on the generous side.
    cutoff = add_years(today, -shortest) + timedelta(days=1)
    candidates = (
        households.filter(
            status__in=[HouseholdStatus.ACTIVE, HouseholdStatus.PENDING, HouseholdStatus.MERGED]
        )
        .exclude(pk__in=_unconfirmed(households).values("pk"))
        .filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lte=cutoff))
        .annotate(youngest=Max("members__birth_date", filter=Q(members__kind=MemberKind.CHILD)))
        .order_by("card_number")
    )
    for household in candidates:
        activity = last_activity(household)
        due = anonymise_due_on(activity, household.youngest, rules)
        if due > today:
            continue
        if household.youngest:
            reason = _(
                "Youngest child turned 6 on {turned_6}; last activity {last}; due since {due}."
            ).format(turned_6=add_years(household.youngest, SCHOOL_AGE), last=activity, due=due)
        else:
            reason = _("No born children; last activity {last}; due since {due}.").format(
                last=activity, due=due
            )
        yield RetentionItem(household, ANONYMISE, due, reason)


def plan(today: date) -> list[RetentionItem]:
    """Every family due on ``today``, municipality by municipality (each has its own rules)."""
    items: list[RetentionItem] = []
    for municipality in Municipality.objects.order_by("pk"):
        rules = municipality.rules("families", on=today)
        households = Household.objects.filter(hub__ward__municipality=municipality).select_related(
            "hub"
        )
        items += _pending_due(households, rules, today)
        items += _anonymise_due(households, rules, today)
    return items


def run(today: date, *, actor=None) -> list[RetentionItem]:
    """Apply the plan; returns what was done (a family changed meanwhile is skipped)."""
    done = []
    for item in plan(today):
        if item.action == REMOVE_PENDING:
            if services.remove_pending_registration(item.household, actor=actor):
                done.append(item)
            continue
        try:
            services.anonymise_household(item.household, actor=actor)
        except services.RegistryError:
            continue  # anonymised by a concurrent run
        done.append(item)
    return done
