"""API tokens: one per connected system, for one hub, shown once when issued.

Only a SHA-256 hash of the secret is stored: the secret is 256 random bits, so a slow hash
adds nothing, and a leaked table does not give anyone a working token. The prefix is public
(it names the token in lists and logs) and finds the row without scanning.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiroba.api.choices import TokenScope
from hiroba.core.models import Hub


class ApiToken(models.Model):
    hub = models.ForeignKey(Hub, models.PROTECT, related_name="api_tokens", verbose_name=_("hub"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scope = models.CharField(_("scope"), max_length=8, choices=TokenScope.choices)
    expires_on = models.DateField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE

    def is_valid_on(self, today) -> bool:
        return self.revoked_at is None and today <= self.expires_on
