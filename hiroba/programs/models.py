"""Programs (講座・イベント) and sign-up (domain.md §6.2 Program, ProgramSession, Booking; issue 4).

A ``Program`` is one bookable thing: a single gathering or a series whose sessions are booked
together (attendance is still taken per session). Its capacity is counted in families (組)
and/or people (人, adults + children). An ``Entry`` is one family's application: a caregiver
with the children who come, as one unit. The program row carries counters of seats taken
(confirmed entries and open offers) and of the waiting list; they change only while the
program row is locked, in the same transaction as the entries they count, and
``queries.invariant_violations`` checks them against the rows (docs/concurrency.md).

Waiting-list order is ``waitlist_seq``, handed out from the program's counter and never
reused; a family's position is one plus the number of waiting entries before it, so positions
are always 1..n without gaps and nothing is renumbered when someone leaves.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import Hub, Venue
from hiroba.families.choices import Language
from hiroba.families.models import Household, Member
from hiroba.lib.translations import translated
from hiroba.programs.choices import (
    ACTIVE_STATUSES,
    AttendanceStatus,
    BirthOrderRule,
    EntryChannel,
    EntryStatus,
    ProgramCategory,
    ProgramStatus,
    SignupMode,
)


class ProgramQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ProgramStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(last_ends_at__gte=now or timezone.now())


class Program(models.Model):
    hub = models.ForeignKey(Hub, models.PROTECT, related_name="programs", verbose_name=_("hub"))
    venue = models.ForeignKey(
        Venue, models.PROTECT, related_name="programs", verbose_name=_("venue")
    )
    title = models.CharField(_("title"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=ProgramCategory.choices)
    description = models.TextField(_("description"), blank=True)
    # Title and description in やさしい日本語 and English ({language: {field: text}}).
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.JAPANESE
    )
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, buggy parking, nursing room, interpreters …"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    counts_as_lecture = models.BooleanField(
        _("counts as a lecture (講習)"),
        default=True,
        help_text=_("The national standard asks for at least one lecture or class a month."),
    )

    # Who may apply, checked at the first session's date.
    min_age_months = models.PositiveSmallIntegerField(
        _("youngest child (months)"), null=True, blank=True
    )
    max_age_months = models.PositiveSmallIntegerField(
        _("oldest child (months)"), null=True, blank=True
    )
    min_pregnancy_week = models.PositiveSmallIntegerField(
        _("from pregnancy week"), null=True, blank=True
    )
    max_pregnancy_week = models.PositiveSmallIntegerField(
        _("to pregnancy week"), null=True, blank=True
    )
    birth_order = models.CharField(
        _("birth order"), max_length=20, choices=BirthOrderRule.choices, blank=True
    )
    requires_father = models.BooleanField(_("a father takes part"), default=False)
    residents_only = models.BooleanField(_("residents of the ward only"), default=False)
    requires_child = models.BooleanField(
        _("a child or pregnancy takes part"),
        default=True,
        help_text=_("Untick for programs for adults only, such as a briefing."),
    )

    # Capacity: families (組), people (人), either or both; neither means no limit.
    capacity_families = models.PositiveSmallIntegerField(
        _("capacity (families)"), null=True, blank=True
    )
    capacity_people = models.PositiveSmallIntegerField(
        _("capacity (people)"), null=True, blank=True
    )
    signup_mode = models.CharField(
        _("sign-up"), max_length=12, choices=SignupMode.choices, default=SignupMode.FIRST_COME
    )
    opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)
    draw_at = models.DateTimeField(_("lottery draw"), null=True, blank=True)
    priority_groups = models.JSONField(_("lottery priority groups"), default=list, blank=True)
    has_waitlist = models.BooleanField(_("waiting list"), default=True)

    # Denormalised from the sessions for listing, eligibility and deadlines.
    first_starts_at = models.DateTimeField(_("starts"), null=True, blank=True, db_index=True)
    last_ends_at = models.DateTimeField(_("ends"), null=True, blank=True, db_index=True)

    # Counters, changed only under the program's row lock (see the module docstring).
    taken_families = models.PositiveIntegerField(default=0, editable=False)
    taken_people = models.PositiveIntegerField(default=0, editable=False)
    waitlisted_families = models.PositiveIntegerField(default=0, editable=False)
    next_waitlist_seq = models.PositiveIntegerField(default=1, editable=False)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["first_starts_at", "pk"]
        indexes = [models.Index(fields=["hub", "status", "first_starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_age_months__isnull=True)
                | Q(max_age_months__isnull=True)
                | Q(min_age_months__lte=models.F("max_age_months")),
                name="programs_program_age_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity_families__isnull=True)
                | Q(taken_families__lte=models.F("capacity_families")),
                name="programs_program_families_within_capacity",
            ),
            models.CheckConstraint(
                condition=Q(capacity_people__isnull=True)
                | Q(taken_people__lte=models.F("capacity_people")),
                name="programs_program_people_within_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def localized(self, field: str, language: str | None) -> str:
        """The text of ``field`` in ``language``, falling back to Japanese."""
        return translated(self.translations, field, language, getattr(self, field))

    @property
    def takes_entries(self) -> bool:
        return self.signup_mode != SignupMode.DROP_IN

    @property
    def is_lottery(self) -> bool:
        return self.signup_mode == SignupMode.LOTTERY

    @property
    def lottery_pending(self) -> bool:
        """Applications are collected for the draw (nobody is confirmed yet)."""
        return self.is_lottery and self.drawn_at is None

    def fits(self, families: int, people: int) -> bool:
        """Whether ``families`` more families of ``people`` people fit in the seats left."""
        too_many_families = (
            self.capacity_families is not None
            and self.taken_families + families > self.capacity_families
        )
        too_many_people = (
            self.capacity_people is not None and self.taken_people + people > self.capacity_people
        )
        return not (too_many_families or too_many_people)

    @property
    def seats_left_families(self) -> int | None:
        if self.capacity_families is None:
            return None
        return max(self.capacity_families - self.taken_families, 0)

    @property
    def seats_left_people(self) -> int | None:
        if self.capacity_people is None:
            return None
        return max(self.capacity_people - self.taken_people, 0)


class ProgramSession(models.Model):
    program = models.ForeignKey(
        Program, models.CASCADE, related_name="sessions", verbose_name=_("program")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("staff")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    walk_in_families = models.PositiveSmallIntegerField(_("families without sign-up"), default=0)
    walk_in_people = models.PositiveSmallIntegerField(_("people without sign-up"), default=0)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="programs_session_ends_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class EntryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def waitlisted(self):
        return self.filter(status=EntryStatus.WAITLISTED).order_by("waitlist_seq")


class Entry(models.Model):
    """One family's application (申込) to a program, as one unit (組)."""

    program = models.ForeignKey(
        Program, models.PROTECT, related_name="entries", verbose_name=_("program"), db_index=False
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="program_entries", verbose_name=_("family")
    )
    contact = models.ForeignKey(
        Member,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact person"),
    )
    members = models.ManyToManyField(
        Member, related_name="program_entries", verbose_name=_("who comes"), blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=EntryStatus.choices)
    adults = models.PositiveSmallIntegerField(_("adults"))
    children = models.PositiveSmallIntegerField(_("children"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=EntryChannel.choices, default=EntryChannel.WEB
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    message = models.CharField(_("message to staff"), max_length=300, blank=True)
    waitlist_seq = models.PositiveIntegerField(_("waiting-list order"), null=True, blank=True)
    priority = models.JSONField(_("lottery priority"), default=list, blank=True)
    lottery_rank = models.PositiveIntegerField(_("lottery rank"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    offer_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("cancelled or ended at"), null=True, blank=True)
    cancelled_by_staff = models.BooleanField(default=False, editable=False)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["program", "status", "waitlist_seq"])]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "household"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="programs_entry_one_active_per_family",
            ),
            models.UniqueConstraint(
                fields=["program", "waitlist_seq"],
                condition=Q(waitlist_seq__isnull=False),
                name="programs_entry_unique_waitlist_seq",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.OFFERED, offer_expires_at__isnull=False)
                | ~Q(status=EntryStatus.OFFERED),
                name="programs_entry_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.WAITLISTED, waitlist_seq__isnull=False)
                | ~Q(status=EntryStatus.WAITLISTED),
                name="programs_entry_waitlisted_has_seq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} / {self.household}"

    @property
    def people(self) -> int:
        return self.adults + self.children

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def holds_seat(self) -> bool:
        return self.status in (EntryStatus.CONFIRMED, EntryStatus.OFFERED)


class Attendance(models.Model):
    """Whether a family came to one session of the program it entered."""

    entry = models.ForeignKey(
        Entry, models.CASCADE, related_name="attendance", verbose_name=_("entry"), db_index=False
    )
    session = models.ForeignKey(
        ProgramSession, models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "session"], name="programs_attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entry} @ {self.session}: {self.status}"


class LotteryDraw(models.Model):
    """The record of a draw: the seed and who took part in which priority group, so anyone
    with access can re-run it (``lottery.verify``) and get the same order."""

    program = models.OneToOneField(
        Program, models.PROTECT, related_name="draw", verbose_name=_("program")
    )
    seed = models.CharField(_("seed"), max_length=64)
    priority_groups = models.JSONField(_("priority groups"), default=list)
    applicants = models.JSONField(_("applicants"), default=list)
    order = models.JSONField(_("order"), default=list)
    confirmed = models.PositiveIntegerField(_("confirmed"), default=0)
    waitlisted = models.PositiveIntegerField(_("waitlisted"), default=0)
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")

    def __str__(self) -> str:
        return f"{self.program} {self.drawn_at:%Y-%m-%d %H:%M}"


class Message(models.Model):
    """Outbox: a message to a family decided inside a sign-up transaction (``notify``).

    The row commits with the entry, so a message is never lost and never sent for a rolled
    back seat. It is delivered right after commit when ``HIROBA_SEND_MESSAGES_AT_ONCE`` is on
    (development, small hubs) and otherwise by ``programs_tick`` within the minute, which
    keeps building e-mails and calendar files out of the sign-up request during a rush.
    """

    entry = models.ForeignKey(
        Entry, models.CASCADE, related_name="messages", verbose_name=_("entry"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(
                fields=["created_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="programs_message_pending",
            ),
            models.Index(fields=["entry", "kind"], name="programs_message_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.entry_id}"
