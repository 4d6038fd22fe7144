"""Scoped reads of evaluation sheets. Lookups by id answer 404 outside the user's reach and 403
without the permission; lists are for one hub the caller has already checked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, time
from operator import attrgetter

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from hiroba.accounts.scope import get_for_user
from hiroba.core.models import Hub
from hiroba.evaluation.choices import EDITABLE_STATUSES, GoalPart, SheetStatus
from hiroba.evaluation.models import EvaluationSheet, Goal, LoggedAction, SheetComment
from hiroba.lib.fiscal import fiscal_year_bounds
from hiroba.programs.models import Program

SHEET_RELATED = ("hub__ward__municipality", "hub__operator", "corrects")


def get_sheet_for_user(user, pk, permission: str) -> EvaluationSheet:
    queryset = EvaluationSheet.objects.select_related(*SHEET_RELATED)
    return get_for_user(queryset, user, pk, permission)


def get_goal_for_user(user, pk, permission: str) -> Goal:
    queryset = Goal.objects.select_related(
        *(f"sheet__{name}" for name in SHEET_RELATED)
    ).prefetch_related("themes")
    return get_for_user(queryset, user, pk, permission, hub_field="sheet__hub_id")


def get_comment_for_user(user, pk, permission: str) -> SheetComment:
    queryset = SheetComment.objects.select_related("sheet__hub__ward__municipality")
    return get_for_user(queryset, user, pk, permission, hub_field="sheet__hub_id")


def get_logged_action_for_user(user, pk, permission: str) -> LoggedAction:
    queryset = LoggedAction.objects.select_related("goal__sheet__hub__ward__municipality")
    return get_for_user(queryset, user, pk, permission, hub_field="goal__sheet__hub_id")


def sheets_of(hub: Hub) -> QuerySet[EvaluationSheet]:
    return (
        EvaluationSheet.objects.filter(hub=hub)
        .select_related("hub")
        .order_by("-fiscal_year", "-version")
    )


def standing_version(versions: Iterable[EvaluationSheet]) -> EvaluationSheet | None:
    """Of one year's versions, the one that stands: the published one, else the newest (a
    correction still in draft is not yet agreed with the ward)."""
    versions = list(versions)
    published = [s for s in versions if s.status == SheetStatus.PUBLISHED]
    return published[0] if published else max(versions, key=attrgetter("version"), default=None)


def standing_sheet(hub: Hub, fiscal_year: int) -> EvaluationSheet | None:
    return standing_version(EvaluationSheet.objects.filter(hub=hub, fiscal_year=fiscal_year))


def published_sheets(hub: Hub) -> list[EvaluationSheet]:
    """The public list: for each year the newest published version (a superseded one is
    replaced by its correction)."""
    return list(
        EvaluationSheet.objects.filter(hub=hub, status=SheetStatus.PUBLISHED)
        .only("id", "hub_id", "fiscal_year", "version", "published_at", "imported")
        .order_by("-fiscal_year")
    )


def get_published_sheet(hub_id, pk) -> EvaluationSheet:
    """A published sheet for the public page; anything else (a draft, another hub's id) is 404."""
    sheet = (
        EvaluationSheet.objects.filter(
            pk=pk, hub_id=hub_id, status=SheetStatus.PUBLISHED, hub__is_active=True
        )
        .select_related(*SHEET_RELATED)
        .first()
    )
    if sheet is None:
        raise Http404
    return sheet


def public_hub(hub_id) -> Hub:
    hub = Hub.objects.filter(pk=hub_id, is_active=True).select_related("ward").first()
    if hub is None:
        raise Http404
    return hub


def current_goals(sheet: EvaluationSheet) -> list[Goal]:
    return list(sheet.goals.filter(part=GoalPart.CURRENT).prefetch_related("themes"))


def comments_by_place(sheet: EvaluationSheet) -> dict[tuple[int | None, str], list]:
    """The sheet's comments keyed by (goal id or None, section), oldest first."""
    places: dict[tuple[int | None, str], list] = defaultdict(list)
    for comment in sheet.comments.select_related("author", "resolved_by"):
        places[(comment.goal_id, comment.section)].append(comment)
    return dict(places)


def logged_actions(sheet: EvaluationSheet) -> dict[int, list[LoggedAction]]:
    """The action log of the sheet's goals, by goal id, in date order."""
    by_goal: dict[int, list[LoggedAction]] = defaultdict(list)
    rows = LoggedAction.objects.filter(goal__sheet=sheet).select_related("program", "created_by")
    for action in rows.order_by("done_on", "pk"):
        by_goal[action.goal_id].append(action)
    return dict(by_goal)


def programs_in_year(sheet: EvaluationSheet) -> QuerySet[Program]:
    """The hub's programs with a session in the sheet's year, to link an action to."""
    first, last = fiscal_year_bounds(sheet.fiscal_year)
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last, time.max))
    return (
        Program.objects.filter(
            Q(hub=sheet.hub) | Q(hub__parent=sheet.hub),
            sessions__starts_at__gte=start,
            sessions__starts_at__lte=end,
        )
        .distinct()
        .order_by("title")
    )


def open_sheets(hub: Hub) -> list[EvaluationSheet]:
    """The hub's sheets not yet published, each with ``open_comments`` (not resolved)."""
    return list(
        EvaluationSheet.objects.filter(hub=hub, status__in=EDITABLE_STATUSES)
        .annotate(open_comments=Count("comments", filter=Q(comments__resolved_at__isnull=True)))
        .order_by("-fiscal_year", "-version")
    )
