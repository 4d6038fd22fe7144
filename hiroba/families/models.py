"""The family registry (domain.md §6.1 Household/Person/Consent, §6.2 HubRegistration).

A *household* (世帯) is registered at a main hub, whose satellites and outreach venues share the
registry: a family checks in anywhere the hub runs. It holds caregivers and children (a child
with only a due date is a pregnancy). Consent is a history of events per purpose, never
overwritten. Personal data lives only here, so anonymisation (retention) and merging touch one
app; visit statistics keep their own counts and survive both.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hiroba.core.models import District, Hub, TownBlock
from hiroba.families.choices import (
    CURRENT_HOUSEHOLD_STATUSES,
    ConsentAction,
    ConsentPurpose,
    ContactChannel,
    HouseholdStatus,
    HowHeard,
    Language,
    MemberKind,
    RegistrationSource,
    Relation,
    Sex,
)
from hiroba.lib.ages import age_band


class HouseholdQuerySet(models.QuerySet):
    def current(self):
        """Households staff work with: registered or pre-registered, not merged or anonymised."""
        return self.filter(status__in=CURRENT_HOUSEHOLD_STATUSES)


class Household(models.Model):
    """A family registered at a hub (世帯). The card number is shown and printed; the card token
    is the unguessable secret in the QR code."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="households", verbose_name=_("registered at")
    )
    card_number = models.CharField(_("card number"), max_length=20)
    card_token = models.CharField(_("card code"), max_length=32, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HouseholdStatus.choices, default=HouseholdStatus.ACTIVE
    )
    source = models.CharField(
        _("registered by"),
        max_length=10,
        choices=RegistrationSource.choices,
        default=RegistrationSource.COUNTER,
    )
    registered_on = models.DateField(_("registered on"), null=True, blank=True, db_index=True)
    how_heard = models.CharField(
        _("how they heard of us"), max_length=20, choices=HowHeard.choices, blank=True
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.JAPANESE
    )
    contact_channel = models.CharField(
        _("how to contact"),
        max_length=10,
        choices=ContactChannel.choices,
        default=ContactChannel.EMAIL,
    )
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    address_region = models.CharField(_("prefecture, city and town"), max_length=100, blank=True)
    address_rest = models.CharField(_("block number and building"), max_length=100, blank=True)
    town_block = models.ForeignKey(
        TownBlock,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town block"),
    )
    district = models.ForeignKey(
        District,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("district of residence"),
    )
    notes = models.TextField(_("staff notes"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # Kept up to date by check-in so retention and lists need no scan of the visits.
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True, db_index=True)
    first_visit_on = models.DateField(_("first visit"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["hub", "card_number"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "card_number"], name="household_card_per_hub")
        ]
        indexes = [models.Index(fields=["hub", "status"], name="household_hub_status")]

    def __str__(self) -> str:
        return _("Family card {number}").format(number=self.card_number)

    def get_absolute_url(self) -> str:
        return reverse("families:household-detail", kwargs={"household_id": self.pk})

    @property
    def address(self) -> str:
        return f"{self.address_region}{self.address_rest}".strip()

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_HOUSEHOLD_STATUSES


class MemberQuerySet(models.QuerySet):
    def caregivers(self):
        return self.filter(kind=MemberKind.CAREGIVER)

    def children(self):
        return self.filter(kind=MemberKind.CHILD)

    def present(self):
        """Members still part of the household (a member who moved out is kept for history)."""
        return self.filter(left_on__isnull=True)


class Member(models.Model):
    """A caregiver or a child of a household. A child with a due date and no birth date is a
    pregnancy; staff add the birth date once the baby is born."""

    household = models.ForeignKey(
        Household, models.CASCADE, related_name="members", verbose_name=_("family")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MemberKind.choices)
    relation = models.CharField(_("relation"), max_length=12, choices=Relation.choices, blank=True)
    family_name = models.CharField(pgettext_lazy("person", "family name"), max_length=40)
    given_name = models.CharField(pgettext_lazy("person", "given name"), max_length=40, blank=True)
    family_name_kana = models.CharField(
        pgettext_lazy("person", "family name (furigana)"), max_length=80
    )
    given_name_kana = models.CharField(
        pgettext_lazy("person", "given name (furigana)"), max_length=80, blank=True
    )
    # Lossy search keys (hiroba.lib.kana.kana_search_key): family+given and given alone, so a
    # prefix of either finds the person. Never shown.
    search_key = models.CharField(max_length=120, db_index=True, editable=False)
    given_search_key = models.CharField(max_length=80, db_index=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    birth_order = models.PositiveSmallIntegerField(_("birth order"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary_contact = models.BooleanField(_("main contact"), default=False)
    left_on = models.DateField(_("left the family on"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        ordering = ["household", "kind", "sort_order", "pk"]
        indexes = [models.Index(fields=["birth_date", "search_key"], name="member_birth_key")]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}".strip()

    @property
    def furigana(self) -> str:
        return f"{self.family_name_kana} {self.given_name_kana}".strip()

    @property
    def is_child(self) -> bool:
        return self.kind == MemberKind.CHILD

    @property
    def is_expected(self) -> bool:
        """A pregnancy: a child with a due date but no birth date yet."""
        return self.is_child and self.birth_date is None and self.due_date is not None

    @property
    def is_father(self) -> bool:
        return self.relation == Relation.FATHER

    def age_band_on(self, on: date) -> int | None:
        """0, 1, 2 or 3 (meaning 3 and over) at ``on``; None for a pregnancy."""
        if self.birth_date is None or self.birth_date > on:
            return None
        return age_band(self.birth_date, on)


class ConsentEvent(models.Model):
    """One grant or withdrawal of consent for a purpose. The latest event per purpose is the
    current state; earlier events stay as history."""

    household = models.ForeignKey(
        Household, models.CASCADE, related_name="consent_events", verbose_name=_("family")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    action = models.CharField(_("consent"), max_length=10, choices=ConsentAction.choices)
    given_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # "parent" when the family gave it on the portal, else the staff member's name.
    recorded_by_label = models.CharField(_("recorded by"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["household", "purpose", "-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_action_display()}"


class HouseholdMerge(models.Model):
    """A record that one card was merged into another (kept after the merge for history)."""

    kept = models.ForeignKey(
        Household, models.PROTECT, related_name="merges_kept", verbose_name=_("kept card")
    )
    merged = models.ForeignKey(
        Household, models.PROTECT, related_name="merges_merged", verbose_name=_("merged card")
    )
    merged_card_number = models.CharField(_("merged card number"), max_length=20)
    moved = models.JSONField(_("what moved"), default=dict)
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged by"),
    )

    class Meta:
        verbose_name = _("card merge")
        verbose_name_plural = _("card merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_card_number} → {self.kept.card_number}"


class CardSequence(models.Model):
    """The next card number of a hub; the row is locked while a number is taken, so two
    counters registering at once never get the same number."""

    hub = models.OneToOneField(Hub, models.CASCADE, related_name="+", primary_key=True)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("card number sequence")
        verbose_name_plural = _("card number sequences")

    def __str__(self) -> str:
        return f"{self.hub_id}: {self.next_number}"
