"""The local resource directory (社会資源, domain.md §6.4): places and services for families,
each owned by the (main) hub that keeps it verified, and the suggestions parents and partners
send about them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import District, Hub
from hiroba.directory.choices import (
    AMENITY_FIELDS,
    ResourceSource,
    ResourceStatus,
    SubmitterKind,
    SuggestionKind,
    SuggestionStatus,
)
from hiroba.lib.ages import age_in_months
from hiroba.lib.translations import translated

# Japan, with its remote islands: a point outside is a typo or latitude and longitude swapped.
LATITUDE_RANGE = (20, 46)
LONGITUDE_RANGE = (122, 154)
MAX_AGE_MONTHS = 18 * 12 + 11  # 「18歳まで」 as an upper bound
# Fields whose text may be given per language in ``translations`` (Japanese is the field itself).
TRANSLATABLE_FIELDS = ("name", "description", "hours", "cost")


class Resource(models.Model):
    """One place or service: a park, a salon, a clinic, a nursing room, a counter …"""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="resources", verbose_name=_("hub keeping it")
    )
    category = models.CharField(_("category"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=7, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.ForeignKey(
        District,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("district"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=15, blank=True)
    url = models.URLField(_("web page"), blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    target_age_min_months = models.PositiveSmallIntegerField(
        _("target age from (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
    )
    target_age_max_months = models.PositiveSmallIntegerField(
        _("target age to (months)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
    )
    for_expecting = models.BooleanField(_("also for expecting parents"), default=False)
    cost = models.CharField(_("cost"), max_length=100, blank=True)
    has_nursing_room = models.BooleanField(_("nursing room"), default=False)
    has_diaper_changing = models.BooleanField(_("diaper changing"), default=False)
    stroller_friendly = models.BooleanField(_("stroller friendly"), default=False)
    has_parking = models.BooleanField(_("parking"), default=False)
    has_elevator = models.BooleanField(_("elevator"), default=False)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.PUBLISHED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ResourceSource.choices, default=ResourceSource.STAFF
    )
    # The ID column of an open-data file, so that importing the city's file again updates.
    external_id = models.CharField(_("open data ID"), max_length=64, blank=True)
    verified_on = models.DateField(_("last verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name_kana", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "external_id"],
                condition=~Q(external_id=""),
                name="directory_resource_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["hub", "status", "category"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        low, high = self.target_age_min_months, self.target_age_max_months
        if low is not None and high is not None and low > high:
            errors["target_age_max_months"] = _("The upper age is below the lower age.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = _("Enter both the latitude and the longitude, or neither.")
        elif self.latitude is not None:
            errors.update(location_errors(float(self.latitude), float(self.longitude)))
        if self.district_id and self.hub_id and self.district.ward_id != self.hub.ward_id:
            errors["district"] = _("The district must be in the hub's ward.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def amenities(self) -> list[str]:
        return [code for code, field in AMENITY_FIELDS.items() if getattr(self, field)]

    def localized(self, field: str, language: str | None) -> str:
        """The text of ``field`` in ``language``, falling back to Japanese."""
        return translated(self.translations, field, language, getattr(self, field))

    def needs_verification(self, today: date, months: int) -> bool:
        if self.verified_on is None:
            return True
        if self.verified_on > today:  # a clock set wrong once; not stale, never an error
            return False
        return age_in_months(self.verified_on, today) >= months


def location_errors(latitude: float, longitude: float) -> dict[str, str]:
    """Messages for a point outside Japan (the import checks its rows with the same rule)."""
    in_japan = LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
    in_japan = in_japan and LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    if in_japan:
        return {}
    swapped = LATITUDE_RANGE[0] <= longitude <= LATITUDE_RANGE[1]
    swapped = swapped and LONGITUDE_RANGE[0] <= latitude <= LONGITUDE_RANGE[1]
    if swapped:
        return {"latitude": _("The latitude and longitude look swapped.")}
    return {"latitude": _("This point is not in Japan. Check the latitude and longitude.")}


class ResourceSuggestion(models.Model):
    """A new place or a correction sent from the portal; staff approve or decline it."""

    hub = models.ForeignKey(
        Hub, models.PROTECT, related_name="resource_suggestions", verbose_name=_("hub")
    )
    resource = models.ForeignKey(
        Resource,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("resource"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=SuggestionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    # The proposed values, keyed like the resource's fields (text, as the sender typed it).
    proposed = models.JSONField(_("proposed values"), default=dict, blank=True)
    message = models.TextField(_("message"), max_length=1000, blank=True)
    submitter_kind = models.CharField(
        _("sent by"), max_length=10, choices=SubmitterKind.choices, default=SubmitterKind.PARENT
    )
    submitter_name = models.CharField(_("name of the sender"), max_length=60, blank=True)
    submitter_contact = models.CharField(_("contact of the sender"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("resource suggestion")
        verbose_name_plural = _("resource suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["hub", "status"])]

    def __str__(self) -> str:
        return str(self.proposed.get("name") or (self.resource or "")) or str(self.pk)
