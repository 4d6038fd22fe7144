"""Choice sets of the drop-in visits. Labels are English message ids translated in locale/ja."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    REGISTERED = "registered", _("Registered family")
    ANONYMOUS = "anonymous", _("Walk-in (not registered)")
    TALLY = "tally", _("Day's tally")


class DayType(models.TextChoices):
    """Weekday or weekend; public holidays and the year-end closure count as holidays."""

    WEEKDAY = "weekday", _("Weekday")
    HOLIDAY = "holiday", _("Weekend or holiday")


class IncidentKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    NEAR_MISS = "near_miss", _("Near-miss")
