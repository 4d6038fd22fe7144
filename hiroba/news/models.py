"""News items a hub posts for parents, and their photos.

A photo is kept in the database, re-encoded from its pixels (so no EXIF, GPS or camera data
survives) and small enough to serve from any app server: decision 0015."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import Hub
from hiroba.lib.translations import translated
from hiroba.news.choices import NewsState, NewsStatus

MAX_BODY_CHARS = 5000


class NewsImage(models.Model):
    """A photo or poster as served: the re-encoded bytes, their type, size and digest."""

    data = models.BinaryField(_("image data"))
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size in bytes"))
    digest = models.CharField(_("digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("news image")
        verbose_name_plural = _("news images")

    def __str__(self) -> str:
        return f"{self.content_type} {self.width}×{self.height}"


class NewsItem(models.Model):
    """One announcement: live on the portal from ``publish_at`` until ``expires_at`` while
    published. Text in other languages is in ``translations`` ({language: {field: text}});
    a missing translation falls back to the Japanese."""

    hub = models.ForeignKey(Hub, models.PROTECT, related_name="news", verbose_name=_("hub"))
    category = models.CharField(_("category"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"), validators=[MaxLengthValidator(MAX_BODY_CHARS)], help_text=_("Plain text.")
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    publish_at = models.DateTimeField(_("publish from"))
    expires_at = models.DateTimeField(_("show until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    is_pinned = models.BooleanField(_("important (shown first)"), default=False)
    image = models.OneToOneField(
        NewsImage,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="item",
        verbose_name=_("image"),
    )
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="news_live_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(expires_at__gt=models.F("publish_at")),
                name="news_expires_after_publish",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.expires_at and self.publish_at and self.expires_at <= self.publish_at:
            raise ValidationError(
                {"expires_at": _("The end of showing must come after the start.")}
            )
        if self.image_id and not self.image_alt:
            raise ValidationError(
                {"image_alt": _("Describe the image for parents who cannot see it.")}
            )

    def state(self, now: datetime) -> str:
        if self.status == NewsStatus.DRAFT:
            return NewsState.DRAFT
        if self.status == NewsStatus.WITHDRAWN:
            return NewsState.WITHDRAWN
        if self.publish_at > now:
            return NewsState.SCHEDULED
        if self.expires_at and self.expires_at <= now:
            return NewsState.EXPIRED
        return NewsState.LIVE

    def localized(self, field: str, language: str | None) -> str:
        """The text of ``field`` in ``language``, falling back to Japanese."""
        return translated(self.translations, field, language, getattr(self, field))
