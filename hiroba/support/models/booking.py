"""Individual consultation slots and their bookings (予約制個別相談, domain.md §7.7).

The user-support specialist publishes slots; a family books one from the portal or staff enter
it after a phone call. A slot is held by at most one live booking: a partial unique constraint
on the slot for the holding statuses, and the booking service locks the slot row before it
checks (docs/concurrency.md). A cancelled booking frees the slot for the next family.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hiroba.consultations.models import Consultation, ConsultationTopic
from hiroba.core.encrypted_fields import EncryptedTextField
from hiroba.core.models import Hub, Venue
from hiroba.families.models import Household, Member
from hiroba.support.choices import (
    HOLDING_STATUSES,
    BookingSource,
    BookingStatus,
    CancelledBy,
    SlotMode,
    SlotStatus,
)


class SupportSlotQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SlotStatus.OPEN)

    def free(self):
        """Open slots no live booking holds."""
        return self.open().exclude(bookings__status__in=HOLDING_STATUSES)


class SupportSlot(models.Model):
    """A time the specialist keeps for one family."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="support_slots", verbose_name=_("hub")
    )
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="support_slots",
        verbose_name=_("specialist"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    mode = models.CharField(_("how"), max_length=12, choices=SlotMode.choices)
    venue = models.ForeignKey(
        Venue,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="support_slots",
        verbose_name=_("place"),
    )
    note = models.CharField(
        _("note for families"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the portal, e.g. 'English available' or 'Bring the child along'."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SlotStatus.choices, default=SlotStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SupportSlotQuerySet.as_manager()

    class Meta:
        verbose_name = _("support slot")
        verbose_name_plural = _("support slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["specialist", "starts_at"],
                condition=Q(status=SlotStatus.OPEN),
                name="one_open_slot_per_specialist_and_time",
            ),
        ]
        indexes = [models.Index(fields=["hub", "starts_at"], name="support_slot_hub_time")]

    def __str__(self) -> str:
        return f"{self.hub_id} {self.starts_at:%Y-%m-%d %H:%M}"


class SupportBookingQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING_STATUSES)


class SupportBooking(models.Model):
    """One family's booking of a slot; after the meeting it links to the consultation record."""

    slot = models.ForeignKey(
        SupportSlot, models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="support_bookings", verbose_name=_("family")
    )
    contact = models.ForeignKey(
        Member,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    topics = models.ManyToManyField(
        ConsultationTopic, blank=True, related_name="+", verbose_name=_("what it is about")
    )
    message = EncryptedTextField(_("message from the family"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    source = models.CharField(_("booked via"), max_length=12, choices=BookingSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.CharField(
        _("cancelled by"), max_length=12, choices=CancelledBy.choices, blank=True
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    consultation = models.ForeignKey(
        Consultation,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultation record"),
    )

    objects = SupportBookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("support booking")
        verbose_name_plural = _("support bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"],
                condition=Q(status__in=HOLDING_STATUSES),
                name="one_live_booking_per_slot",
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=Q(consultation__isnull=False),
                name="one_booking_per_consultation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id}: {self.household_id} ({self.status})"
