from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SlotMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


class SlotStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("support slot", "Open")
    WITHDRAWN = "withdrawn", pgettext_lazy("support slot", "Withdrawn")


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", pgettext_lazy("support booking", "Did not come")
    CANCELLED = "cancelled", _("Cancelled")


HOLDING_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
"""A booking in one of these holds its slot: at most one per slot (a database constraint)."""


class BookingSource(models.TextChoices):
    PORTAL = "portal", _("Booked by the family on the portal")
    STAFF = "staff", _("Entered by staff (phone or counter)")


class CancelledBy(models.TextChoices):
    FAMILY = "family", _("The family")
    HUB = "hub", _("The hub")


# -- support cases and the 地域連携 log (case_*.py) ---------------------------------------------


class CaseStatus(models.TextChoices):
    # A context of their own: "Open" alone is the hub's opening hours (開所時間).
    OPEN = "open", pgettext_lazy("support case", "Open")
    CLOSED = "closed", pgettext_lazy("support case", "Closed")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("Needs met")
    SERVICE = "service", _("Settled with a service")
    MOVED = "moved", _("Moved away")
    ENDED_CONTACT = "ended_contact", _("The family ended contact")
    WARD = "ward", _("Handed over to the ward (要支援)")
    OTHER = "other", _("Other")
    # Set only by the families hook when the card is anonymised; not offered in the form.
    ANONYMISED = "anonymised", _("Family card anonymised")


CLOSING_REASONS = [
    (value, label) for value, label in ClosureReason.choices if value != ClosureReason.ANONYMISED
]
"""The reasons staff choose from when closing a case."""


class ServiceKind(models.TextChoices):
    NURSERY = "nursery", _("Licensed nursery etc. / childcare and education concierge")
    TEMPORARY_CARE = "temporary_care", _("Temporary childcare")
    KOSAPO = "kosapo", _("Kosapo family support")
    POSTNATAL_CARE = "postnatal_care", _("Postnatal care")
    WARD_HEALTH = "ward_health", _("Ward public health nurse")
    MEDICAL = "medical", _("Medical institution")
    MULTICULTURAL = "multicultural", _("Multicultural support and interpreting")
    HIROBA = "hiroba", _("Drop-in spaces for parents and children")
    PROGRAM = "program", _("Classes and programs")
    OTHER = "other", _("Other")


class LinkageStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONTACTED = "contacted", _("Contacted")
    CONNECTED = "connected", _("Connected (using)")
    NOT_USED = "not_used", _("Not used")


# Which status may follow which (提案 → 連絡 → 利用につながった / 利用せず).
LINKAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    LinkageStatus.PROPOSED: frozenset({LinkageStatus.CONTACTED, LinkageStatus.NOT_USED}),
    LinkageStatus.CONTACTED: frozenset({LinkageStatus.CONNECTED, LinkageStatus.NOT_USED}),
    LinkageStatus.CONNECTED: frozenset(),
    LinkageStatus.NOT_USED: frozenset(),
}


class ActivityKind(models.TextChoices):
    NETWORK_MEETING = "network_meeting", _("Network meeting")
    WARD_MEETING = "ward_meeting", _("Meeting with the ward")
    VISIT = "visit", _("Visit to a facility or agency")
    RESOURCE = "resource", _("Developing a local resource")
    OUTREACH = "outreach", _("Outreach")
    TRAINING = "training", pgettext_lazy("community activity", "Training")  # not 人材育成
    OTHER = "other", _("Other")
