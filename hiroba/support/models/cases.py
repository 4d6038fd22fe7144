"""Support cases (利用者支援ケース) and the 地域連携 log: domain.md §3.2, §6.3, §7.7.

A case is the 横浜子育てパートナー's ongoing work with one family: the needs assessed with the
family's consent ("差し支えない範囲で"), a plan of small steps, and the services the family is
linked to, each followed up. Free text (needs, plan items, hand-over and result notes, the
closure note) is 要配慮個人情報 and encrypted at rest (``EncryptedTextField``, decision 0010);
coded columns (need topics, service kinds, statuses, closure reasons) stay in clear so the
statistics never need the text. Only ``MANAGE_CASES`` holders at the case's hub read cases, and
every read of the content is audited before the page is sent.

The 地域連携 log (``CommunityActivity``) records network meetings, meetings with the ward,
visits and resource development: work about the community, not personal data, so in clear.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.consultations.choices import ConsentMethod
from hiroba.consultations.models import Agency, Consultation, ConsultationTopic
from hiroba.core.encrypted_fields import EncryptedTextField
from hiroba.core.models import Hub
from hiroba.families.models import Household
from hiroba.support.choices import (
    ActivityKind,
    CaseStatus,
    ClosureReason,
    LinkageStatus,
    ServiceKind,
)


class SupportCaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CaseStatus.OPEN)


class SupportCase(models.Model):
    """One family's support case at a hub; the family may not be registered yet."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="support_cases", verbose_name=_("hub")
    )
    # Optional: expectant families and families not yet registered have no card.
    household = models.ForeignKey(
        Household,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="support_cases",
        verbose_name=_("family"),
    )
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("assigned to")
    )
    needs = EncryptedTextField(_("needs"))
    need_topics = models.ManyToManyField(
        ConsultationTopic, blank=True, related_name="+", verbose_name=_("need topics")
    )
    consent_method = models.CharField(
        _("consent to the assessment"), max_length=10, choices=ConsentMethod.choices
    )
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consultations = models.ManyToManyField(
        Consultation, blank=True, related_name="+", verbose_name=_("consultation records")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=16, choices=ClosureReason.choices, blank=True
    )
    closure_note = EncryptedTextField(_("closure note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Bumped on every change: an edit made on an older copy is refused, never silently lost.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = SupportCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.OPEN, closed_on__isnull=True, closure_reason="")
                | (Q(status=CaseStatus.CLOSED, closed_on__isnull=False) & ~Q(closure_reason="")),
                name="support_case_closure_complete",
            )
        ]
        indexes = [models.Index(fields=["hub", "status"], name="support_case_hub_status")]

    def __str__(self) -> str:
        # Also the audit log's object label: an id, never the family or the needs.
        return self.reference

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class PlanItem(models.Model):
    """One step of the support plan (支援計画), e.g. "visit the nursery open day together"."""

    case = models.ForeignKey(
        SupportCase, models.CASCADE, related_name="plan_items", verbose_name=_("case")
    )
    text = EncryptedTextField(_("plan item"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["done_on", "due_on"], name="support_plan_due")]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk}"


class LinkageQuerySet(models.QuerySet):
    def open_follow_ups(self):
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True)


class Linkage(models.Model):
    """A service the family is linked to. A warm hand-over (staff pass the family's situation
    on to the service) needs the family's consent, recorded before it is saved."""

    case = models.ForeignKey(
        SupportCase, models.CASCADE, related_name="linkages", verbose_name=_("case")
    )
    service_kind = models.CharField(_("service"), max_length=20, choices=ServiceKind.choices)
    agency = models.ForeignKey(
        Agency,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    warm_handover = models.BooleanField(_("warm hand-over"), default=False)
    consent_method = models.CharField(
        _("consent"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    handover_note = EncryptedTextField(_("hand-over note"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=LinkageStatus.choices, default=LinkageStatus.PROPOSED
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    result_note = EncryptedTextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = LinkageQuerySet.as_manager()

    class Meta:
        verbose_name = _("linkage")
        verbose_name_plural = _("linkages")
        ordering = ["created_at", "pk"]
        constraints = [
            # The service checks this with a message; the database keeps it true regardless.
            models.CheckConstraint(
                condition=Q(warm_handover=False)
                | (Q(consent_given_at__isnull=False) & ~Q(consent_method="")),
                name="support_warm_handover_has_consent",
            )
        ]
        indexes = [
            models.Index(fields=["follow_up_on", "follow_up_done_at"], name="support_link_fu")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk}"

    @property
    def has_open_follow_up(self) -> bool:
        return self.follow_up_on is not None and self.follow_up_done_at is None


class CommunityActivity(models.Model):
    """One piece of 地域連携 work (the second pillar of 利用者支援 基本型)."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="community_activities", verbose_name=_("hub")
    )
    happened_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=120)
    partners = models.CharField(_("partners"), max_length=300, blank=True)
    agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("agencies")
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        ordering = ["-happened_on", "-pk"]
        indexes = [models.Index(fields=["hub", "happened_on"], name="support_activity_hub_day")]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.title}"
