"""Scoped reads of support cases and the 地域連携 log. Lookups by id answer 404 outside the
user's reach and 403 without the permission (``accounts.scope.get_for_user``); every case read
is ``MANAGE_CASES`` at the case's hub, so hub staff and ward officials never see a case.

Lists and the dashboard defer the encrypted columns they do not show: nothing is decrypted that
the page does not print, and only pages that print content write a read audit row.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Min, Prefetch, Q, QuerySet

from hiroba.accounts.queries import staff_with
from hiroba.accounts.scope import get_for_user
from hiroba.consultations import queries as consultation_queries
from hiroba.consultations.models import Agency, Consultation, ConsultationTopic
from hiroba.core.models import Hub
from hiroba.lib.fiscal import fiscal_year_bounds
from hiroba.support.choices import CaseStatus
from hiroba.support.models import CommunityActivity, Linkage, PlanItem, SupportCase
from hiroba.support.permissions import MANAGE_CASES

CASE_TEXT = ("needs", "closure_note")


def _cases() -> QuerySet[SupportCase]:
    return SupportCase.objects.select_related(
        "hub__ward__municipality", "household", "assigned_to", "opened_by", "closed_by"
    ).prefetch_related("need_topics")


# -- lookups by id ------------------------------------------------------------------------------
def get_case_for_user(user, pk, permission: str = MANAGE_CASES) -> SupportCase:
    return get_for_user(_cases(), user, pk, permission)


def get_plan_item_for_user(user, pk, permission: str = MANAGE_CASES) -> PlanItem:
    queryset = PlanItem.objects.select_related("case__hub__ward")
    return get_for_user(queryset, user, pk, permission, hub_field="case__hub_id")


def get_linkage_for_user(user, pk, permission: str = MANAGE_CASES) -> Linkage:
    queryset = Linkage.objects.select_related("case__hub__ward", "agency")
    return get_for_user(queryset, user, pk, permission, hub_field="case__hub_id")


def get_activity_for_user(user, pk, permission: str = MANAGE_CASES) -> CommunityActivity:
    queryset = CommunityActivity.objects.select_related("hub__ward__municipality").prefetch_related(
        "agencies"
    )
    return get_for_user(queryset, user, pk, permission)


# -- cases --------------------------------------------------------------------------------------
def cases_of(hub: Hub, *, status: str = CaseStatus.OPEN) -> QuerySet[SupportCase]:
    """The hub's cases for the list, with the next date to act on (a linkage follow-up or a
    plan item due), so follow-ups due can be highlighted without reading any text."""
    cases = _cases().filter(hub=hub).defer(*CASE_TEXT)
    if status:
        cases = cases.filter(status=status)
    return cases.annotate(
        next_follow_up=Min(
            "linkages__follow_up_on",
            filter=Q(linkages__follow_up_done_at__isnull=True),
        ),
        next_due=Min("plan_items__due_on", filter=Q(plan_items__done_on__isnull=True)),
    ).order_by("-opened_on", "-pk")  # an aggregate drops Meta.ordering


def plan_items_of(case: SupportCase) -> QuerySet[PlanItem]:
    return PlanItem.objects.filter(case=case).select_related("created_by")


def linkages_of(case: SupportCase) -> QuerySet[Linkage]:
    return Linkage.objects.filter(case=case).select_related("agency", "consent_recorded_by")


def linked_consultations(case: SupportCase) -> QuerySet[Consultation]:
    """The linked records' numbers and dates; their content stays on their own pages."""
    return case.consultations.defer("summary").order_by("happened_at", "pk")


def case_managers(hub: Hub, *, keep: int | None = None) -> QuerySet:
    """Who may be assigned a case: ``MANAGE_CASES`` holders at the hub or its main hub, and
    ``keep`` (the current assignee, who stays a choice after leaving)."""
    return staff_with(hub, MANAGE_CASES) | get_user_model().objects.filter(pk=keep)


def need_topics_for(hub: Hub) -> QuerySet[ConsultationTopic]:
    """The city's coded topic list, shared with consultation records."""
    return consultation_queries.topics_for(hub.ward.municipality_id)


def agencies_for(hub: Hub) -> QuerySet[Agency]:
    """Active agencies of the hub's ward and of the whole city."""
    return consultation_queries.agencies_for(hub)


def consultations_of(hub: Hub) -> QuerySet[Consultation]:
    """The hub's consultation records a case may be linked to (numbers only)."""
    return Consultation.objects.filter(hub=hub).defer("summary")


# -- follow-ups (the dashboard) -----------------------------------------------------------------
def linkage_follow_ups_due(hub: Hub, *, until: date) -> QuerySet[Linkage]:
    return (
        Linkage.objects.open_follow_ups()
        .filter(case__hub=hub, case__status=CaseStatus.OPEN, follow_up_on__lte=until)
        .select_related("case")
        .defer("handover_note", "result_note", *(f"case__{name}" for name in CASE_TEXT))
        .order_by("follow_up_on", "pk")
    )


def plan_items_due(hub: Hub, *, until: date) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(
            case__hub=hub,
            case__status=CaseStatus.OPEN,
            done_on__isnull=True,
            due_on__lte=until,
        )
        .select_related("case")
        .defer("text", *(f"case__{name}" for name in CASE_TEXT))
        .order_by("due_on", "pk")
    )


# -- the 地域連携 log ---------------------------------------------------------------------------
def activities_of(hub: Hub, fiscal_year: int) -> QuerySet[CommunityActivity]:
    first, last = fiscal_year_bounds(fiscal_year)
    return (
        CommunityActivity.objects.filter(hub=hub, happened_on__range=(first, last))
        .select_related("recorded_by")
        .prefetch_related(Prefetch("agencies", queryset=Agency.objects.order_by("name")))
    )


def activity_agencies(hub: Hub, activity: CommunityActivity | None = None) -> QuerySet[Agency]:
    """Agencies to choose from; an edited activity keeps one taken out of use meanwhile."""
    agencies = agencies_for(hub)
    if activity is not None:
        agencies = agencies | activity.agencies.all()
    return agencies.distinct()
