"""子サポ members of a ward branch: users and providers, their training, and trial coupons.

A member is a person in the family registry (``families.Member``, an adult): the registry already
holds the address, district and children that eligibility and matching need, so nothing is typed
twice. The branch is the registry's hub (a satellite shares its main hub's members).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.encrypted_fields import EncryptedTextField
from hiroba.core.models import Hub
from hiroba.families.models import Household, Member
from hiroba.kosapo.choices import (
    CURRENT_STATUSES,
    CouponEntry,
    IdentityDocument,
    MemberKind,
    MemberStatus,
    TrainingItem,
)


class KosapoMember(models.Model):
    """One person's membership of the branch, from the briefing to withdrawal."""

    hub = models.ForeignKey(Hub, models.PROTECT, related_name="+", verbose_name=_("branch"))
    person = models.ForeignKey(
        Member, models.PROTECT, related_name="kosapo_memberships", verbose_name=_("person")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="kosapo_members", verbose_name=_("family")
    )
    number = models.CharField(_("member number"), max_length=12)
    kind = models.CharField(_("member type"), max_length=10, choices=MemberKind.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.PROVISIONAL
    )
    briefing_on = models.DateField(_("briefing attended on"), null=True, blank=True)
    identity_checked_on = models.DateField(_("identity checked on"), null=True, blank=True)
    identity_document = models.CharField(
        _("identity document"), max_length=20, choices=IdentityDocument.choices, blank=True
    )
    photo_received = models.BooleanField(_("photo received"), default=False)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    card_issued_on = models.DateField(_("card issued on"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    single_parent_support_until = models.DateField(
        _("single-parent fee refund eligible until"), null=True, blank=True
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Kosapo member")
        verbose_name_plural = _("Kosapo members")
        ordering = ["hub", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "number"], name="kosapo_member_unique_number"),
            # One current membership per person; a withdrawn member may join again later.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=[s.value for s in CURRENT_STATUSES]),
                name="kosapo_member_one_current_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"

    @property
    def uses(self) -> bool:
        return MemberKind(self.kind).uses

    @property
    def provides(self) -> bool:
        return MemberKind(self.kind).provides

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES


class MemberSequence(models.Model):
    """The branch's next member number; locked while a number is taken (no duplicates)."""

    hub = models.OneToOneField(Hub, models.CASCADE, related_name="+", primary_key=True)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("member number sequence")
        verbose_name_plural = _("member number sequences")

    def __str__(self) -> str:
        return f"{self.hub_id}: {self.next_number}"


class ProviderTraining(models.Model):
    """A completed part of a provider's training or a safety course, with its length."""

    member = models.ForeignKey(
        KosapoMember, models.CASCADE, related_name="trainings", verbose_name=_("member")
    )
    item = models.CharField(_("training"), max_length=20, choices=TrainingItem.choices)
    minutes = models.PositiveIntegerField(_("minutes"))
    completed_on = models.DateField(_("completed on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("provider training")
        verbose_name_plural = _("provider trainings")
        ordering = ["member", "-completed_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.completed_on}"


class CouponLedgerEntry(models.Model):
    """Trial coupons (子サポdeあずかりおためし券) issued to, used by or returned to a household.

    A ledger rather than a counter, so the coupons left are always explained by their history.
    """

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="kosapo_coupons", verbose_name=_("family")
    )
    member = models.ForeignKey(
        KosapoMember, models.PROTECT, related_name="coupon_entries", verbose_name=_("member")
    )
    child = models.ForeignKey(
        Member, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("child")
    )
    entry = models.CharField(_("entry"), max_length=10, choices=CouponEntry.choices)
    coupons = models.IntegerField(_("coupons"))
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("coupon ledger entry")
        verbose_name_plural = _("coupon ledger entries")
        ordering = ["household", "on", "pk"]
        constraints = [
            # A child brings its coupons once, however often the family joins again.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(entry="issued"),
                name="kosapo_coupon_issued_once_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.entry} {self.coupons}"
