"""Writes for the annual evaluation: atomic, audited, actor keyword-only.

The path of a sheet: started for a fiscal year with last year's 次年度重点目標 as its goals
(``create_sheet``), written by the operator (``update_header``, ``save_goal`` …), sent to the ward
(``submit_for_review``), commented on by both sides, approved by both (``approve``) and published
(``publish``), which freezes the rendered document. A correction after publication is a new
version (``start_correction``) that supersedes the old one when it is published.

Every change locks the sheet row and compares its revision, so two people editing the same
sheet cannot overwrite each other unseen, and keeps the sheet's text as a revision for the
readable diff. A change after an approval clears both approvals: what was approved is exactly
what is published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.evaluation import document, indicators, queries
from hiroba.evaluation.choices import (
    EDITABLE_STATUSES,
    Change,
    GoalPart,
    Section,
    SheetLayout,
    SheetStatus,
    Side,
)
from hiroba.evaluation.errors import EvaluationError
from hiroba.evaluation.models import (
    EvaluationSheet,
    Goal,
    IndicatorTarget,
    LoggedAction,
    SheetComment,
    SheetRevision,
    Theme,
)
from hiroba.lib.wareki import format_fiscal_year

HEADER_FIELDS = (
    "layout",
    "term_year",
    "term_years",
    "implementers",
    "purpose",
    "principles",
    "programs",
    "method",
)


@dataclass
class ThemeContent:
    title: str = ""
    actions: str = ""
    results: str = ""
    issues: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.title.strip()
            or self.actions.strip()
            or self.results.strip()
            or self.issues.strip()
        )


@dataclass
class GoalContent:
    title: str
    themes: list[ThemeContent] = field(default_factory=list)


# -- starting a sheet ---------------------------------------------------------------------------
def create_sheet(hub: Hub, fiscal_year: int, *, actor) -> EvaluationSheet:
    """A new draft for ``fiscal_year``: the header from the hub's latest earlier sheet (or the
    municipality's form), and last year's next-year goals as this year's goals."""
    if hub.is_satellite:
        raise EvaluationError("satellite_sheet")
    with transaction.atomic():
        Hub.objects.select_for_update().get(pk=hub.pk)  # one sheet per year, even when two click
        if EvaluationSheet.objects.filter(hub=hub, fiscal_year=fiscal_year).exists():
            raise EvaluationError(
                "sheet_exists", hub=hub.name, year=format_fiscal_year(fiscal_year)
            )
        sheet = EvaluationSheet(hub=hub, fiscal_year=fiscal_year, created_by=actor)
        _fill_header(sheet, _latest_before(hub, fiscal_year))
        sheet.save()
        carried = _carry_next_year_goals(sheet)
        _keep_revision(sheet, Change.CREATED, actor)
        audit.record(
            "evaluation.sheet.created",
            actor=actor,
            obj=sheet,
            payload={"fiscal_year": fiscal_year, "goals_carried": carried},
        )
    return sheet


def _latest_before(hub: Hub, fiscal_year: int) -> EvaluationSheet | None:
    """The standing version of the hub's latest year before ``fiscal_year``."""
    earlier = EvaluationSheet.objects.filter(hub=hub, fiscal_year__lt=fiscal_year)
    latest = earlier.aggregate(year=Max("fiscal_year"))["year"]
    return queries.standing_sheet(hub, latest) if latest else None


def _fill_header(sheet: EvaluationSheet, previous: EvaluationSheet | None) -> None:
    hub = sheet.hub
    sheet.term_year = hub.contract_year(sheet.fiscal_year)
    sheet.term_years = hub.contract_term_years if sheet.term_year else None
    if previous is not None:
        for name in ("layout", "implementers", "purpose", "principles", "programs", "method"):
            setattr(sheet, name, getattr(previous, name))
        return
    form = document.form_rules(sheet)
    sheet.implementers = f"{hub.operator.name}\n{hub.ward.name}{form['division']}"
    sheet.purpose = form["purpose"]
    sheet.principles = "\n".join(form["principles"])
    sheet.programs = "\n".join(form["programs"])
    sheet.method = "\n".join(form["method"])


def _carry_next_year_goals(sheet: EvaluationSheet) -> int:
    """Last year's 次年度重点目標 as this year's goals, from last year's standing version."""
    previous = queries.standing_sheet(sheet.hub, sheet.fiscal_year - 1)
    if previous is None:
        return 0
    goals = previous.goals.filter(part=GoalPart.NEXT).prefetch_related("themes")
    for position, old in enumerate(goals, start=1):
        _copy_goal(
            old,
            sheet,
            part=GoalPart.CURRENT,
            position=position,
            carried_from=old,
            sections=("actions",),
        )
    return len(goals)


def _copy_goal(
    old: Goal, sheet: EvaluationSheet, *, part: str, position: int, carried_from, sections
) -> Goal:
    """A copy of ``old`` and its themes in ``sheet``, with only the named sections' text."""
    goal = Goal.objects.create(
        sheet=sheet, part=part, position=position, title=old.title, carried_from=carried_from
    )
    Theme.objects.bulk_create(
        Theme(
            goal=goal,
            position=theme.position,
            title=theme.title,
            **{name: getattr(theme, name) for name in sections},
        )
        for theme in old.themes.all()
    )
    return goal


# -- editing ------------------------------------------------------------------------------------
def _locked(sheet: EvaluationSheet, expected_revision: int | None) -> EvaluationSheet:
    current = (
        EvaluationSheet.objects.select_for_update()
        .select_related("hub__ward__municipality", "hub__operator")
        .get(pk=sheet.pk)
    )
    if current.status not in EDITABLE_STATUSES:
        raise EvaluationError("frozen")
    if expected_revision is not None and current.revision != expected_revision:
        raise EvaluationError("stale")
    return current


def _changed(sheet: EvaluationSheet, summary: str, actor) -> None:
    """After a change of content: a new revision, and approvals given before it cleared."""
    sheet.revision += 1
    fields = ["revision"]
    if sheet.published_data is not None:  # the document frozen at agreement is void now
        sheet.published_data = None
        fields.append("published_data")
    if sheet.operator_approved_at or sheet.ward_approved_at:
        sheet.operator_approved_at = sheet.operator_approved_by = None
        sheet.ward_approved_at = sheet.ward_approved_by = None
        fields += [
            "operator_approved_at",
            "operator_approved_by",
            "ward_approved_at",
            "ward_approved_by",
        ]
    if sheet.status == SheetStatus.AGREED:
        sheet.status = SheetStatus.IN_REVIEW
        fields.append("status")
    sheet.save(update_fields=fields)
    _keep_revision(sheet, summary, actor)


def _keep_revision(sheet: EvaluationSheet, summary: str, actor) -> None:
    """Keep the sheet's text, unless it is the same as the last revision's."""
    with translation.override("ja"):
        text = document.document_text(document.build_document(sheet, with_figures=False))
    last = sheet.revisions.order_by("-number").first()
    if last is not None and last.text == text:
        return
    SheetRevision.objects.create(
        sheet=sheet,
        number=(last.number + 1) if last else 1,
        text=text,
        summary=summary,
        created_by=actor,
    )


def update_header(
    sheet: EvaluationSheet, values: dict, *, actor, expected_revision: int | None = None
) -> EvaluationSheet:
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        changed = [name for name in HEADER_FIELDS if getattr(sheet, name) != values[name]]
        for name in changed:
            setattr(sheet, name, values[name])
        if changed:
            sheet.save(update_fields=changed)
            _changed(sheet, Change.HEADER, actor)
            audit.record(
                "evaluation.sheet.header_changed",
                actor=actor,
                obj=sheet,
                payload={"fields": changed},
            )
    return sheet


def _check_goal(sheet: EvaluationSheet, content: GoalContent) -> list[ThemeContent]:
    if not content.title.strip():
        raise EvaluationError("title_needed")
    themes = [t for t in content.themes if not t.is_empty] or [ThemeContent()]
    untitled = any(not t.title.strip() for t in themes)
    if sheet.layout == SheetLayout.THEMED and len(themes) > 1 and untitled:
        raise EvaluationError("theme_title_needed")
    registered = {i.code for i in indicators.all_indicators()}
    for theme in themes:
        for code in document.INDICATOR_TOKEN.findall(theme.results):
            if code not in registered:
                raise EvaluationError("unknown_indicator", indicator=code)
    return themes


def save_goal(
    sheet: EvaluationSheet,
    content: GoalContent,
    *,
    part: str = GoalPart.CURRENT,
    goal: Goal | None = None,
    actor,
    expected_revision: int | None = None,
) -> Goal:
    """Add a goal at the end of its part, or replace ``goal``'s title and sections. Saving a
    goal unchanged changes nothing (and keeps the approvals)."""
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        themes = _check_goal(sheet, content)
        part = goal.part if goal is not None else part
        rows = [
            (
                t.title.strip(),
                t.actions.strip(),
                t.results.strip() if part == GoalPart.CURRENT else "",
                t.issues.strip() if part == GoalPart.CURRENT else "",
            )
            for t in themes
        ]
        if goal is None:
            last = sheet.goals.filter(part=part).aggregate(n=Max("position"))["n"] or 0
            goal = Goal.objects.create(
                sheet=sheet, part=part, position=last + 1, title=content.title.strip()
            )
        else:
            goal = Goal.objects.get(pk=goal.pk, sheet=sheet)
            if _goal_rows(goal) == (content.title.strip(), rows):
                return goal
            goal.title = content.title.strip()
            goal.save(update_fields=["title"])
            goal.themes.all().delete()
        Theme.objects.bulk_create(
            Theme(
                goal=goal, position=n, title=title, actions=actions, results=results, issues=issues
            )
            for n, (title, actions, results, issues) in enumerate(rows, start=1)
        )
        _changed(sheet, Change.GOAL, actor)
        audit.record(
            "evaluation.goal.saved",
            actor=actor,
            obj=sheet,
            payload={"goal": goal.pk, "part": goal.part, "themes": len(themes)},
        )
    return goal


def _goal_rows(goal: Goal) -> tuple[str, list[tuple[str, str, str, str]]]:
    themes = goal.themes.order_by("position").values_list("title", "actions", "results", "issues")
    return goal.title, [tuple(row) for row in themes]


def delete_goal(goal: Goal, *, actor, expected_revision: int | None = None) -> None:
    with transaction.atomic():
        sheet = _locked(goal.sheet, expected_revision)
        goal = Goal.objects.get(pk=goal.pk, sheet=sheet)
        part, pk = goal.part, goal.pk
        goal.delete()
        _renumber(sheet, part, list(sheet.goals.filter(part=part).order_by("position")))
        _changed(sheet, Change.GOAL_DELETED, actor)
        audit.record("evaluation.goal.deleted", actor=actor, obj=sheet, payload={"goal": pk})


def move_goal(goal: Goal, offset: int, *, actor, expected_revision: int | None = None) -> None:
    """Move a goal up (-1) or down (+1) among the goals of its part."""
    with transaction.atomic():
        sheet = _locked(goal.sheet, expected_revision)
        goals = list(sheet.goals.filter(part=goal.part).order_by("position"))
        index = next(i for i, g in enumerate(goals) if g.pk == goal.pk)
        target = index + offset
        if not 0 <= target < len(goals):
            return
        goals[index], goals[target] = goals[target], goals[index]
        _renumber(sheet, goal.part, goals)
        _changed(sheet, Change.GOAL_MOVED, actor)
        audit.record("evaluation.goal.moved", actor=actor, obj=sheet, payload={"goal": goal.pk})


def _renumber(sheet: EvaluationSheet, part: str, goals: list[Goal]) -> None:
    # Two passes so that the unique (sheet, part, position) never sees two goals at one place.
    offset = len(goals) + 1000
    for n, goal in enumerate(goals, start=1):
        Goal.objects.filter(pk=goal.pk).update(position=n + offset)
    for n, goal in enumerate(goals, start=1):
        Goal.objects.filter(pk=goal.pk).update(position=n)


def set_targets(
    sheet: EvaluationSheet,
    targets: dict[str, Decimal | None],
    *,
    actor,
    expected_revision: int | None = None,
) -> None:
    """Set (or clear, with None) the year's target for each indicator code given."""
    registered = {i.code for i in indicators.all_indicators()}
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        for code, target in targets.items():
            if code not in registered:
                raise EvaluationError("unknown_indicator", indicator=code)
            if target is not None and not Decimal(0) <= target <= Decimal("99999999"):
                raise EvaluationError("target_range")
        existing = {t.code: t for t in sheet.targets.all()}
        changed = []
        for code, target in targets.items():
            row = existing.get(code)
            if target is None and row is not None:
                row.delete()
                changed.append(code)
            elif target is not None and (row is None or row.target != target):
                IndicatorTarget.objects.update_or_create(
                    sheet=sheet, code=code, defaults={"target": target}
                )
                changed.append(code)
        if changed:
            _changed(sheet, Change.TARGETS, actor)
            audit.record(
                "evaluation.sheet.targets_changed",
                actor=actor,
                obj=sheet,
                payload={"codes": changed},
            )


# -- the joint review ---------------------------------------------------------------------------
def submit_for_review(
    sheet: EvaluationSheet, *, actor, expected_revision: int | None = None
) -> EvaluationSheet:
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        if sheet.status != SheetStatus.DRAFT:
            raise EvaluationError("not_draft")
        if not sheet.goals.filter(part=GoalPart.CURRENT).exists():
            raise EvaluationError("no_goals")
        sheet.status = SheetStatus.IN_REVIEW
        sheet.save(update_fields=["status"])
        audit.record("evaluation.sheet.submitted", actor=actor, obj=sheet)
    return sheet


def approve(
    sheet: EvaluationSheet, side: str, *, actor, expected_revision: int | None = None
) -> EvaluationSheet:
    """One side's approval of the sheet as it stands; both make it agreed."""
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        if sheet.status != SheetStatus.IN_REVIEW:
            raise EvaluationError("not_in_review")
        now = timezone.now()
        if side == Side.OPERATOR:
            if sheet.operator_approved_at:
                raise EvaluationError("already_approved")
            sheet.operator_approved_at, sheet.operator_approved_by = now, actor
        else:
            if sheet.ward_approved_at:
                raise EvaluationError("already_approved")
            sheet.ward_approved_at, sheet.ward_approved_by = now, actor
        if sheet.operator_approved_at and sheet.ward_approved_at:
            # What both sides agreed, figures included, is what will be published.
            sheet.status = SheetStatus.AGREED
            with translation.override("ja"):
                sheet.published_data = document.build_document(sheet)
        sheet.save()
        audit.record(
            "evaluation.sheet.approved",
            actor=actor,
            obj=sheet,
            payload={
                "side": str(side),
                "revision": sheet.revision,
                "agreed": sheet.status == SheetStatus.AGREED,
            },
        )
    return sheet


def publish(
    sheet: EvaluationSheet, *, actor, expected_revision: int | None = None
) -> EvaluationSheet:
    """Freeze the agreed sheet as published: the document with its figures of today, in
    Japanese, whatever the publisher's language; a corrected version supersedes the old."""
    with transaction.atomic():
        sheet = _locked(sheet, expected_revision)
        if sheet.status != SheetStatus.AGREED:
            raise EvaluationError("not_agreed")
        sheet.status = SheetStatus.PUBLISHED
        sheet.published_at, sheet.published_by = timezone.now(), actor
        if sheet.published_data is None:  # agreed before documents were frozen at agreement
            with translation.override("ja"):
                sheet.published_data = document.build_document(sheet)
        sheet.published_data = {**sheet.published_data, "draft_mark": ""}
        sheet.save()
        if sheet.corrects_id:
            EvaluationSheet.objects.filter(pk=sheet.corrects_id).update(
                status=SheetStatus.SUPERSEDED
            )
        audit.record(
            "evaluation.sheet.published",
            actor=actor,
            obj=sheet,
            payload={"version": sheet.version, "revision": sheet.revision},
        )
    return sheet


def start_correction(sheet: EvaluationSheet, *, actor) -> EvaluationSheet:
    """A new draft version of a published sheet, with its text and targets copied."""
    with transaction.atomic():
        sheet = EvaluationSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.status != SheetStatus.PUBLISHED:
            raise EvaluationError("not_published")
        if EvaluationSheet.objects.filter(corrects=sheet).exists():
            raise EvaluationError("correction_exists")
        copy = EvaluationSheet.objects.create(
            hub=sheet.hub,
            fiscal_year=sheet.fiscal_year,
            version=sheet.version + 1,
            corrects=sheet,
            created_by=actor,
            **{name: getattr(sheet, name) for name in HEADER_FIELDS},
        )
        for goal in sheet.goals.prefetch_related("themes", "logged_actions"):
            new_goal = _copy_goal(
                goal,
                copy,
                part=goal.part,
                position=goal.position,
                carried_from=goal.carried_from,
                sections=("actions", "results", "issues"),
            )
            LoggedAction.objects.bulk_create(  # the year's record goes on with the new version
                LoggedAction(
                    goal=new_goal,
                    done_on=a.done_on,
                    text=a.text,
                    program_id=a.program_id,
                    created_by_id=a.created_by_id,
                    created_at=a.created_at,
                )
                for a in goal.logged_actions.all()
            )
        IndicatorTarget.objects.bulk_create(
            IndicatorTarget(sheet=copy, code=t.code, target=t.target) for t in sheet.targets.all()
        )
        _keep_revision(copy, Change.CORRECTION, actor)
        audit.record(
            "evaluation.sheet.correction_started",
            actor=actor,
            obj=copy,
            payload={"corrects": sheet.pk, "version": copy.version},
        )
    return copy


def add_comment(
    sheet: EvaluationSheet, *, section: str, body: str, side: str, actor, goal: Goal | None = None
) -> SheetComment:
    if not body.strip():
        raise EvaluationError("comment_needed")
    with transaction.atomic():
        sheet = EvaluationSheet.objects.select_for_update().get(pk=sheet.pk)
        if sheet.is_frozen:
            raise EvaluationError("frozen")
        if goal is not None and goal.sheet_id != sheet.pk:
            goal = None
        comment = SheetComment.objects.create(
            sheet=sheet,
            goal=goal,
            section=section if goal is not None else Section.HEADER,
            side=side,
            body=body.strip(),
            author=actor,
        )
        audit.record(
            "evaluation.comment.added",
            actor=actor,
            obj=sheet,
            payload={"comment": comment.pk, "side": str(side)},
        )
    return comment


def resolve_comment(comment: SheetComment, *, actor) -> SheetComment:
    with transaction.atomic():
        comment = (
            SheetComment.objects.select_for_update().select_related("sheet").get(pk=comment.pk)
        )
        if comment.sheet.is_frozen:
            raise EvaluationError("frozen")
        if comment.resolved_at:
            raise EvaluationError("comment_resolved")
        comment.resolved_at, comment.resolved_by = timezone.now(), actor
        comment.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            "evaluation.comment.resolved",
            actor=actor,
            obj=comment.sheet,
            payload={"comment": comment.pk},
        )
    return comment
