"""The annual evaluation (単年度事業評価) of one hub and fiscal year, as Yokohama's hubs and wards
publish it: a header (period, who runs it, purpose, principles, the programs, how it is
evaluated), the year's key goals (重点目標) each with 取組内容 / 取組の成果 / 取組の課題, and next
year's key goals, which become the following sheet's goals.

Section texts are stored one bullet per line, the way staff type them; a results line may embed
an indicator as ``{{code}}`` (``indicators.py``), shown with its value and last year's. Every
saved change keeps the sheet's plain text as a revision, so the review can read what changed;
publication freezes the rendered sheet (indicator values included) in ``published_data``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import Hub
from hiroba.evaluation.choices import (
    FROZEN_STATUSES,
    Change,
    GoalPart,
    Section,
    SheetLayout,
    SheetStatus,
    Side,
)


class EvaluationSheet(models.Model):
    """One version of one hub's evaluation for one fiscal year."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="evaluation_sheets", verbose_name=_("hub")
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(1989), MaxValueValidator(2200)]
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    layout = models.CharField(
        _("layout"), max_length=10, choices=SheetLayout.choices, default=SheetLayout.SIMPLE
    )
    imported = models.BooleanField(
        _("imported from a published text"), default=False, editable=False
    )
    # The header, as printed. Lists are stored one item per line.
    term_year = models.PositiveSmallIntegerField(
        _("year of the contract term"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    term_years = models.PositiveSmallIntegerField(
        _("years in the contract term"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    implementers = models.TextField(_("run by (事業の実施者)"), blank=True)
    purpose = models.TextField(_("purpose (事業目的)"), blank=True)
    principles = models.TextField(_("principles (基本理念)"), blank=True)
    programs = models.TextField(_("programs (事業の内容)"), blank=True)
    method = models.TextField(_("how it is evaluated and published"), blank=True)
    # The joint review.
    operator_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    operator_approved_at = models.DateTimeField(null=True, blank=True)
    ward_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    ward_approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_data = models.JSONField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("evaluation sheet")
        verbose_name_plural = _("evaluation sheets")
        ordering = ["hub", "-fiscal_year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "fiscal_year", "version"], name="evaluation_sheet_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub} {self.fiscal_year} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_themed(self) -> bool:
        return self.layout == SheetLayout.THEMED


class Goal(models.Model):
    """A key goal (重点目標) of the year, or one of next year's."""

    sheet = models.ForeignKey(
        EvaluationSheet, models.CASCADE, related_name="goals", verbose_name=_("sheet")
    )
    part = models.CharField(_("part"), max_length=10, choices=GoalPart.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    carried_from = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("set as next year's goal in"),
    )

    class Meta:
        verbose_name = _("key goal")
        verbose_name_plural = _("key goals")
        ordering = ["sheet", "part", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "part", "position"], name="evaluation_goal_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Theme(models.Model):
    """The sections of a goal. In the simple layout a goal has one theme with no title; in
    the themed layout each numbered theme (1．周知・発信) has its own three sections."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="themes", verbose_name=_("goal"))
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("theme"), max_length=200, blank=True)
    actions = models.TextField(_("actions (取組内容)"), blank=True)
    results = models.TextField(_("results (取組の成果)"), blank=True)
    issues = models.TextField(_("issues (取組の課題)"), blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["goal", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "position"], name="evaluation_theme_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(self.goal)


class IndicatorTarget(models.Model):
    """The target the hub set for an indicator in the sheet's year."""

    sheet = models.ForeignKey(
        EvaluationSheet, models.CASCADE, related_name="targets", verbose_name=_("sheet")
    )
    code = models.CharField(_("indicator"), max_length=60)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=1)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["sheet", "code"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="evaluation_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.target}"


class LoggedAction(models.Model):
    """Something done during the year towards a key goal (取組), logged when it happened so
    that the year-end results are written from a record rather than from memory."""

    goal = models.ForeignKey(
        Goal, models.CASCADE, related_name="logged_actions", verbose_name=_("goal")
    )
    done_on = models.DateField(_("date"))
    text = models.TextField(_("what was done"))
    program = models.ForeignKey(
        "programs.Program",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("program or event"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("logged action")
        verbose_name_plural = _("logged actions")
        ordering = ["goal", "done_on", "pk"]

    def __str__(self) -> str:
        return f"{self.done_on} {self.text[:30]}"


class SheetComment(models.Model):
    """A remark on one part of the sheet during the review, usually the ward's, answered by
    the operator's revision and then marked resolved."""

    sheet = models.ForeignKey(
        EvaluationSheet, models.CASCADE, related_name="comments", verbose_name=_("sheet")
    )
    goal = models.ForeignKey(
        Goal, models.CASCADE, null=True, blank=True, related_name="comments", verbose_name=_("goal")
    )
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    body = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["sheet", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]


class SheetRevision(models.Model):
    """The whole sheet as plain text after one saved change, for the readable diff."""

    sheet = models.ForeignKey(
        EvaluationSheet, models.CASCADE, related_name="revisions", verbose_name=_("sheet")
    )
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField()
    summary = models.CharField(_("change"), max_length=200, choices=Change.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sheet revision")
        verbose_name_plural = _("sheet revisions")
        ordering = ["sheet", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="evaluation_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} r{self.number}"
