"""When a hub's ひろば is open: the weekly times (a day may have two, around a lunch break),
the times on public holidays (a row of their own, empty for most hubs), and the days it is
closed besides (臨時休館, summer closure). The year-end closure is the municipality's rule."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import Hub

PUBLIC_HOLIDAY = 7  # the weekday number of the 「祝日」 row, after Sunday (6)


class OpeningPeriod(models.Model):
    hub = models.ForeignKey(
        Hub, models.CASCADE, related_name="opening_periods", verbose_name=_("hub")
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"))  # 0 Monday … 6, 7 holidays
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening time")
        verbose_name_plural = _("opening times")
        ordering = ["hub", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="opening_closes_after"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__lte=PUBLIC_HOLIDAY), name="opening_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class ClosedDay(models.Model):
    """Days the hub is closed although the week says open: one day or a span."""

    hub = models.ForeignKey(Hub, models.CASCADE, related_name="closures", verbose_name=_("hub"))
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["hub", "first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_last_after_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_day}–{self.last_day} {self.reason}"

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day cannot come before the first.")})
