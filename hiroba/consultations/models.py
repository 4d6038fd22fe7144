"""Consultation records (相談記録) and referrals to agencies (関係機関連携): domain.md §6.3, §7.2.

These rows hold 要配慮個人情報. Free text (summaries, notes, referral reasons and feedback) is
encrypted at rest (``EncryptedTextField``, decision 0010); coded columns (channel, topics,
outcome, ages) stay in clear so statistics never need the text. Who may read the content is
decided in ``access.py``; every read is audited before the response is sent.

Case numbers run per hub and fiscal year without gaps or duplicates: ``CaseCounter`` is bumped
in the same transaction as the insert (docs/concurrency.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.consultations.choices import (
    AgencyKind,
    Caregiver,
    Channel,
    ConsentMethod,
    Outcome,
    ReferralMethod,
    ReferralStatus,
)
from hiroba.core.encrypted_fields import EncryptedTextField
from hiroba.core.models import Hub, Municipality, Ward
from hiroba.families.models import Household
from hiroba.lib.wareki import format_fiscal_year

CASE_NUMBER_DIGITS = 4


class ConsultationTopic(models.Model):
    """One entry of a city's coded topic list (multi-select on every consultation)."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="topic_code_per_city")
        ]

    def __str__(self) -> str:
        return self.label


class Agency(models.Model):
    """A partner agency a family can be referred to. City-wide when ``ward`` is empty."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    ward = models.ForeignKey(
        Ward, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("ward")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["kind", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class CaseCounter(models.Model):
    """The last case number given at a hub in a fiscal year."""

    hub = models.ForeignKey(Hub, models.CASCADE, related_name="+", verbose_name=_("hub"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")
        constraints = [
            models.UniqueConstraint(fields=["hub", "fiscal_year"], name="case_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.hub_id}/{self.fiscal_year}: {self.last_number}"


class ConsultationQuerySet(models.QuerySet):
    def open_follow_ups(self):
        return self.filter(follow_up_on__isnull=False, follow_up_done_at__isnull=True)


class Consultation(models.Model):
    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="consultations", verbose_name=_("hub")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    case_number = models.PositiveIntegerField(_("case number"))
    happened_at = models.DateTimeField(_("date and time"))
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    # Optional: many consultations are anonymous.
    household = models.ForeignKey(
        Household,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family"),
    )
    caregiver = models.CharField(_("who consulted"), max_length=12, choices=Caregiver.choices)
    expecting = models.BooleanField(_("pregnant"), default=False)
    # Each child's age in months on the day, copied so statistics survive anonymisation.
    child_ages = models.JSONField(_("children's ages (months)"), default=list, blank=True)
    topics = models.ManyToManyField(
        ConsultationTopic, related_name="+", blank=True, verbose_name=_("topics")
    )
    summary = EncryptedTextField(_("summary"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    needs_care = models.BooleanField(_("needs special care (要配慮)"), default=False)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    follow_up_done_at = models.DateTimeField(_("follow-up done"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    assigned_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("assigned staff")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # Bumped on every edit: an edit made on an older copy is refused, never silently lost.
    revision = models.PositiveIntegerField(_("revision"), default=1)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-happened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "fiscal_year", "case_number"], name="consultation_case_number"
            )
        ]
        indexes = [
            models.Index(fields=["hub", "-happened_at"], name="consultation_hub_time"),
            models.Index(fields=["hub", "follow_up_on"], name="consultation_follow_up"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The case number as staff write it: R8年度-0012."""
        year = format_fiscal_year(self.fiscal_year, style="short")
        return f"{year}-{self.case_number:0{CASE_NUMBER_DIGITS}d}"

    @property
    def has_open_follow_up(self) -> bool:
        return self.follow_up_on is not None and self.follow_up_done_at is None


class ConsultationNote(models.Model):
    """A later note on a continuing consultation (経過記録)."""

    consultation = models.ForeignKey(
        Consultation, models.CASCADE, related_name="notes", verbose_name=_("consultation")
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    text = EncryptedTextField(_("note"))

    class Meta:
        verbose_name = _("consultation note")
        verbose_name_plural = _("consultation notes")
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.written_at:%Y-%m-%d}"


class Referral(models.Model):
    """A referral of the family to an agency, made only with the family's consent."""

    consultation = models.ForeignKey(
        Consultation, models.CASCADE, related_name="referrals", verbose_name=_("consultation")
    )
    agency = models.ForeignKey(
        Agency, models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    method = models.CharField(_("method"), max_length=12, choices=ReferralMethod.choices)
    reason = EncryptedTextField(_("reason"))
    consent_method = models.CharField(_("consent"), max_length=10, choices=ConsentMethod.choices)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReferralStatus.choices,
        default=ReferralStatus.REQUESTED,
    )
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    feedback = EncryptedTextField(_("feedback from the agency"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "follow_up_on"], name="referral_follow_up")]

    def __str__(self) -> str:
        return f"{self.consultation_id} → {self.agency_id}"


class ReferralEvent(models.Model):
    """One step of a referral (requested, accepted, …), with an optional encrypted note."""

    referral = models.ForeignKey(
        Referral, models.CASCADE, related_name="events", verbose_name=_("referral")
    )
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by")
    )
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.status}"


class BreakGlassOpening(models.Model):
    """A staff member without need-to-know access opened a record after stating a reason.

    The opening lasts ``BREAK_GLASS_MINUTES``; the hub manager is alerted and acknowledges it
    on the access review page.
    """

    consultation = models.ForeignKey(
        Consultation, models.CASCADE, related_name="+", verbose_name=_("consultation")
    )
    hub = models.ForeignKey(Hub, models.CASCADE, related_name="+", verbose_name=_("hub"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    reason = EncryptedTextField(_("reason"))
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    expires_at = models.DateTimeField(_("open until"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    class Meta:
        verbose_name = _("break-glass opening")
        verbose_name_plural = _("break-glass openings")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["hub", "-opened_at"], name="breakglass_hub_time")]

    def __str__(self) -> str:
        return f"{self.consultation_id} by {self.user_id}"


class AccessReview(models.Model):
    """The hub manager's monthly sign-off of who read consultation records."""

    hub = models.ForeignKey(Hub, models.CASCADE, related_name="+", verbose_name=_("hub"))
    month = models.DateField(_("month"))  # the first day of the month reviewed
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("access review")
        verbose_name_plural = _("access reviews")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "month"], name="access_review_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.hub_id} {self.month:%Y-%m}"
