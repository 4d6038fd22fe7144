from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SheetStatus(models.TextChoices):
    """Where a sheet is in the joint review: the operator drafts, the ward comments, both
    approve, the operator publishes. A correction after publication is a new version, and the
    version it corrects becomes superseded."""

    DRAFT = "draft", _("Draft (法人作成中)")
    IN_REVIEW = "in_review", _("In review with the ward (区確認中)")
    AGREED = "agreed", _("Agreed by both (合意)")
    PUBLISHED = "published", pgettext_lazy("evaluation sheet", "Published (公開)")
    SUPERSEDED = "superseded", _("Superseded by a correction")


EDITABLE_STATUSES = (SheetStatus.DRAFT, SheetStatus.IN_REVIEW, SheetStatus.AGREED)
FROZEN_STATUSES = (SheetStatus.PUBLISHED, SheetStatus.SUPERSEDED)


class SheetLayout(models.TextChoices):
    """Whether each goal's sections are plain bullet lists, or grouped under numbered themes
    (1．周知・発信, 2．…) that repeat under 取組内容, 成果 and 課題."""

    SIMPLE = "simple", _("One list of bullets per section")
    THEMED = "themed", _("Numbered themes within each goal")


class GoalPart(models.TextChoices):
    CURRENT = "current", _("This year's key goals (重点目標)")
    NEXT = "next", _("Next year's key goals (次年度重点目標)")


class Section(models.TextChoices):
    """The parts of a sheet a comment can be attached to."""

    HEADER = "header", _("Header")
    TITLE = "title", pgettext_lazy("evaluation goal", "Goal")
    ACTIONS = "actions", _("Actions (取組内容)")
    RESULTS = "results", _("Results (取組の成果)")
    ISSUES = "issues", _("Issues (取組の課題)")


class Side(models.TextChoices):
    """The two parties of the 協働: the operating NPO and the ward's division."""

    OPERATOR = "operator", _("Operator")
    WARD = "ward", _("Ward")


class Change(models.TextChoices):
    """What a revision of the sheet recorded."""

    CREATED = "created", _("Sheet started")
    IMPORTED = "imported", _("Imported from the published text")
    HEADER = "header", _("Header edited")
    GOAL = "goal", _("Key goal saved")
    GOAL_DELETED = "goal_deleted", _("Key goal deleted")
    GOAL_MOVED = "goal_moved", _("Key goals reordered")
    TARGETS = "targets", _("Targets set")
    CORRECTION = "correction", _("Correction started")
