"""Readings staff give to words the furigana dictionary reads wrongly or does not know
(place names, hub names: 「新羽」 is にっぱ), used for やさしい日本語 on the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .tenancy import Municipality


class Reading(models.Model):
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="readings", verbose_name=_("municipality")
    )
    word = models.CharField(_("word"), max_length=40)
    reading = models.CharField(_("reading (hiragana)"), max_length=80)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("furigana reading")
        verbose_name_plural = _("furigana readings")
        ordering = ["word"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "word"], name="reading_unique_word")
        ]

    def __str__(self) -> str:
        return f"{self.word}（{self.reading}）"
