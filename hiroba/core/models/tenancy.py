"""Tenancy: Municipality → Ward (区) → Hub (拠点) → Venue, and District (地区) → TownBlock (町丁).

Every domain row belongs to a hub (or, for ward-wide data, a ward). Access is scoped through the
hub: see ``hiroba.accounts.scope``.
"""

from __future__ import annotations

from datetime import date

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hiroba.core import rules
from hiroba.core.choices import HubKind, OrganizationKind, VenueKind
from hiroba.lib.fiscal import contract_year, fiscal_year_of
from hiroba.lib.wareki import format_contract_year

six_digit_code = RegexValidator(r"^\d{6}$", _("Enter the 6-digit local government code."))

__all__ = ["District", "Hub", "Municipality", "Organization", "TownBlock", "Venue", "Ward"]


class Municipality(models.Model):
    """A city (市区町村) with the rule profile it follows (Yokohama by default)."""

    code = models.CharField(
        _("local government code"), max_length=6, unique=True, validators=[six_digit_code]
    )
    name = models.CharField(_("name"), max_length=50)
    prefecture = models.CharField(_("prefecture"), max_length=10)
    rule_profile = models.CharField(_("rule profile"), max_length=30, default=rules.DEFAULT_PROFILE)
    rule_overrides = models.JSONField(_("rule overrides"), default=dict, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        rules.validate_overrides(self.rule_profile, self.rule_overrides)

    def rules(self, section: str, *, on: date) -> dict:
        return rules.rules_for(self.rule_profile, section, on=on, overrides=self.rule_overrides)


class Ward(models.Model):
    """A ward (区) and its child and family support division (こども家庭支援課)."""

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="wards", verbose_name=_("municipality")
    )
    code = models.CharField(
        _("local government code"), max_length=6, unique=True, validators=[six_digit_code]
    )
    name = models.CharField(_("name"), max_length=30)
    name_kana = models.CharField(_("name (kana)"), max_length=60, blank=True)
    office_name = models.CharField(
        _("ward office division"), max_length=60, default="こども家庭支援課"
    )
    office_phone = models.CharField(_("division phone"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("ward")
        verbose_name_plural = _("wards")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.municipality.name}{self.name}"


class Organization(models.Model):
    """An operator organisation (運営法人), usually an NPO working with the ward."""

    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="organizations", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    representative = models.CharField(_("representative"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="organization_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Hub(models.Model):
    """A community child-rearing support hub (地域子育て支援拠点): the main hub or a satellite."""

    ward = models.ForeignKey(Ward, models.PROTECT, related_name="hubs", verbose_name=_("ward"))
    operator = models.ForeignKey(
        Organization, models.PROTECT, related_name="hubs", verbose_name=_("operator")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=HubKind.choices, default=HubKind.MAIN)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="satellites",
        verbose_name=_("main hub"),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("As shown to parents, e.g. Tue–Sat 9:30–16:00"),
    )
    contract_start_fiscal_year = models.PositiveSmallIntegerField(
        _("contract term starts in fiscal year"), validators=[MinValueValidator(2000)]
    )
    contract_term_years = models.PositiveSmallIntegerField(
        _("contract term (fiscal years)"), default=5, validators=[MinValueValidator(1)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["ward__code", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind=HubKind.MAIN, parent__isnull=True)
                    | models.Q(kind=HubKind.SATELLITE, parent__isnull=False)
                ),
                name="hub_satellite_has_parent",
            ),
            models.UniqueConstraint(fields=["ward", "name"], name="hub_unique_name_in_ward"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:hub-detail", kwargs={"hub_id": self.pk})

    @property
    def is_satellite(self) -> bool:
        return self.kind == HubKind.SATELLITE

    def contract_year(self, fiscal_year: int) -> int | None:
        """Year n of the current contract term, or None outside it."""
        return contract_year(
            self.contract_start_fiscal_year, fiscal_year, term_years=self.contract_term_years
        )

    def contract_label(self, on: date) -> str:
        """ "4年度目／5か年度" for the fiscal year of ``on``; empty outside the term."""
        n = self.contract_year(fiscal_year_of(on))
        return format_contract_year(n, self.contract_term_years) if n else ""


class District(models.Model):
    """A district (地区) of a ward, used for residence statistics and district analysis."""

    ward = models.ForeignKey(Ward, models.PROTECT, related_name="districts", verbose_name=_("ward"))
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["ward", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "name"], name="district_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TownBlock(models.Model):
    """A town block (町丁, e.g. さくら台2丁目) and the district it belongs to.

    ``key`` is the normalised form from ``hiroba.lib.address.town_block_key`` so that
    "さくら台二丁目" and "さくら台２丁目" find the same row.
    """

    ward = models.ForeignKey(
        Ward, models.PROTECT, related_name="town_blocks", verbose_name=_("ward")
    )
    district = models.ForeignKey(
        District, models.CASCADE, related_name="town_blocks", verbose_name=_("district")
    )
    key = models.CharField(_("town block"), max_length=60)
    # The block's representative point (位置参照情報, 大字・町丁目レベル): distances between
    # homes are measured between blocks, so no household's exact position is ever stored.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("town block")
        verbose_name_plural = _("town blocks")
        ordering = ["ward", "key"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "key"], name="townblock_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key


class Venue(models.Model):
    """A place where the hub runs its programs: rooms, outreach sites, centres, online."""

    hub = models.ForeignKey(Hub, models.PROTECT, related_name="venues", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=VenueKind.choices)
    district = models.ForeignKey(
        District,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="venues",
        verbose_name=_("district"),
    )
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity_pairs = models.PositiveSmallIntegerField(
        _("capacity (parent-child pairs)"),
        null=True,
        blank=True,
        help_text=_("Leave empty where no capacity applies (e.g. online)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["hub", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "name"], name="venue_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
