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
from hiroba.core.models import District, Hub
from hiroba.families.models import Household, Member
from hiroba.kosapo.choices import (
    CURRENT_STATUSES,
    CarePlace,
    ContactResponse,
    CouponEntry,
    IdentityDocument,
    MemberKind,
    MemberStatus,
    ReceivedVia,
    RequestKind,
    RequestPattern,
    RequestReason,
    RequestStatus,
    TrainingItem,
    weekday_names,
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


class ProviderProfile(models.Model):
    """What a provider offers: how they escort, where they care, what they accept, how far."""

    member = models.OneToOneField(
        KosapoMember, models.CASCADE, primary_key=True, related_name="profile"
    )
    escorts_on_foot = models.BooleanField(_("escorts on foot"), default=True)
    escorts_by_bicycle = models.BooleanField(_("escorts by bicycle"), default=False)
    escorts_by_car = models.BooleanField(_("escorts by car"), default=False)
    cares_at_own_home = models.BooleanField(_("cares at own home"), default=True)
    cares_at_family_home = models.BooleanField(_("cares at the family's home"), default=False)
    cares_at_hub = models.BooleanField(_("cares at the hub's play space"), default=True)
    accepts_infants = models.BooleanField(_("accepts babies under one"), default=True)
    accepts_siblings = models.BooleanField(_("accepts siblings together"), default=True)
    has_pets = models.BooleanField(_("pets at home"), default=False)
    smoking_household = models.BooleanField(_("someone smokes at home"), default=False)
    max_distance_km = models.DecimalField(
        _("furthest distance (km)"), max_digits=3, decimal_places=1, default=2
    )
    districts = models.ManyToManyField(
        District, blank=True, related_name="+", verbose_name=_("districts served")
    )
    note = models.CharField(_("note for coordinators"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("provider profile")
        verbose_name_plural = _("provider profiles")

    def __str__(self) -> str:
        return str(self.member)

    def care_places(self) -> set[str]:
        places = {
            CarePlace.PROVIDER_HOME: self.cares_at_own_home,
            CarePlace.FAMILY_HOME: self.cares_at_family_home,
            CarePlace.HUB: self.cares_at_hub,
        }
        return {place.value for place, offered in places.items() if offered}

    def escort_modes(self) -> list[str]:
        modes = (
            (self.escorts_on_foot, _("on foot")),
            (self.escorts_by_bicycle, _("by bicycle")),
            (self.escorts_by_car, _("by car")),
        )
        return [str(label) for offered, label in modes if offered]


class WeeklyAvailability(models.Model):
    """A time a provider can usually help, every week (Monday = 0)."""

    member = models.ForeignKey(KosapoMember, models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["member", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__lte=6) & Q(ends__gt=models.F("starts")),
                name="kosapo_availability_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Unavailability(models.Model):
    """Days a provider cannot help in spite of the weekly times (travel, illness, a new job)."""

    member = models.ForeignKey(KosapoMember, models.CASCADE, related_name="unavailable")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("unavailable days")
        verbose_name_plural = _("unavailable days")
        ordering = ["member", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="kosapo_unavailable_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}-{self.ends_on}"


class CareRequest(models.Model):
    """A family's request for help (依頼), from the first call to the introduced provider."""

    hub = models.ForeignKey(Hub, models.PROTECT, related_name="+", verbose_name=_("branch"))
    member = models.ForeignKey(
        KosapoMember, models.PROTECT, related_name="requests", verbose_name=_("user member")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="kosapo_requests", verbose_name=_("family")
    )
    children = models.ManyToManyField(Member, related_name="+", verbose_name=_("children"))
    kind = models.CharField(_("kind of help"), max_length=10, choices=RequestKind.choices)
    pattern = models.CharField(
        _("how often"), max_length=10, choices=RequestPattern.choices, default=RequestPattern.ONCE
    )
    first_on = models.DateField(_("first day"))
    last_on = models.DateField(_("last day"))
    # Weekly requests: the weekdays as digits, Monday = 0 ("024" = Mon, Wed, Fri).
    weekdays = models.CharField(_("weekdays"), max_length=7, blank=True)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    care_place = models.CharField(
        _("where the child is cared for"), max_length=20, choices=CarePlace.choices, blank=True
    )
    escort_from = models.CharField(_("escort from"), max_length=100, blank=True)
    escort_to = models.CharField(_("escort to"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=RequestReason.choices)
    received_via = models.CharField(
        _("received by"), max_length=10, choices=ReceivedVia.choices, default=ReceivedVia.PHONE
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    provider = models.ForeignKey(
        KosapoMember,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("provider"),
    )
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("Kosapo request")
        verbose_name_plural = _("Kosapo requests")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["hub", "status"], name="kosapo_request_hub_status"),
            models.Index(fields=["provider", "status"], name="kosapo_request_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")) & Q(last_on__gte=models.F("first_on")),
                name="kosapo_request_sane_times",
            ),
        ]

    def __str__(self) -> str:
        return f"R{self.pk}"

    @property
    def weekday_labels(self) -> str:
        return weekday_names(self.weekdays)


class ProviderContact(models.Model):
    """The coordinator asked a provider about a request, and what they answered."""

    request = models.ForeignKey(CareRequest, models.CASCADE, related_name="contacts")
    provider = models.ForeignKey(
        KosapoMember, models.PROTECT, related_name="contacts", verbose_name=_("provider")
    )
    response = models.CharField(_("answer"), max_length=10, choices=ContactResponse.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    contacted_at = models.DateTimeField(_("asked at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("provider contact")
        verbose_name_plural = _("provider contacts")
        ordering = ["request", "-contacted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.provider_id} {self.response}"
