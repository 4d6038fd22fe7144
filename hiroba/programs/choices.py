"""Choice sets of programs and sign-up. Labels are English message ids translated in locale/ja."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProgramCategory(models.TextChoices):
    """The kinds of classes and gatherings a hub runs (issue 4; domain.md §6.2, §7.1)."""

    EXPECTING_PARENTS = "expecting", _("For expecting parents (プレパパ・プレママ)")
    FATHERS = "fathers", _("Fathers' group (父親の会)")
    SECOND_CHILD = "second_child", _("Families with a second or later child")
    ZERO_YEAR = "zero_year", _("Babies under one (0歳の集い)")
    MULTIPLES = "multiples", _("Twins and multiples (多胎)")
    FOREIGN_ROOTS = "foreign_roots", _("Families with roots abroad")
    OUTDOOR = "outdoor", _("Outdoor play and walks")
    OUTREACH = "outreach", _("Outreach drop-in (出張ひろば)")
    SPECIALIST_DAY = "specialist", _("Specialist day (midwife, nutritionist, dental hygienist)")
    KOSAPO_BRIEFING = "kosapo_briefing", _("Child-care support system briefing")
    TRAINING = "training", _("Training")
    CLASS = "class", _("Parenting class")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class SignupMode(models.TextChoices):
    DROP_IN = "drop_in", _("No sign-up: come along")
    FIRST_COME = "first_come", _("First come, first served")
    LOTTERY = "lottery", _("Lottery, then first come for seats left")


class BirthOrderRule(models.TextChoices):
    ANY = "", _("Any family")
    FIRST_CHILD = "first", _("First child only")
    SECOND_OR_LATER = "second_or_later", _("Second or later child only")


class EntryStatus(models.TextChoices):
    """An entry's life: APPLIED (waiting for the lottery) → CONFIRMED or WAITLISTED;
    WAITLISTED → OFFERED (a seat held for a while) → CONFIRMED, DECLINED or LAPSED;
    any active entry → CANCELLED."""

    APPLIED = "applied", _("Applied, waiting for the draw")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered")
    CANCELLED = "cancelled", _("Cancelled")
    DECLINED = "declined", _("Offer declined")
    LAPSED = "lapsed", _("Offer lapsed")
    NOT_DRAWN = "not_drawn", _("Not drawn in the lottery")


ACTIVE_STATUSES = (
    EntryStatus.APPLIED,
    EntryStatus.CONFIRMED,
    EntryStatus.WAITLISTED,
    EntryStatus.OFFERED,
)
"""A family has at most one entry in these states per program."""

SEAT_HOLDING_STATUSES = (EntryStatus.CONFIRMED, EntryStatus.OFFERED)
"""Entries that take a seat: confirmed ones and offers not yet answered."""


class EntryChannel(models.TextChoices):
    WEB = "web", pgettext_lazy("channel", "Web")
    PHONE = "phone", pgettext_lazy("channel", "Phone")
    COUNTER = "counter", pgettext_lazy("channel", "At the counter")
    API = "api", pgettext_lazy("channel", "Another system (API)")


# Entries staff make for a family: outside the parents' sign-up window, shown as such.
STAFF_CHANNELS = frozenset({EntryChannel.PHONE, EntryChannel.COUNTER})


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Did not come")
    EXCUSED = "excused", _("Sent apologies")


class PriorityGroup(models.TextChoices):
    """Lottery priority groups, in the order a program lists them."""

    FIRST_TIME = "first_time", _("Never took part in this kind of program")
    RESIDENT = "resident", _("Lives in the ward")
    NOT_WON_BEFORE = "not_won_before", _("No seat in this kind of program in the last year")
