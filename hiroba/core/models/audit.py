"""The append-only audit log.

Rows are only ever inserted: the model refuses updates and deletes, and database triggers
(migration 0002) refuse them too, so neither a bug nor a raw SQL statement can rewrite history.
Payloads carry ids and the names of changed fields, never the sensitive values themselves
(ASVS 16.2.5).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AuditLog", "AuditLogImmutableError"]


class AuditLogImmutableError(RuntimeError):
    pass


class AuditLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ARG002
        raise AuditLogImmutableError("The audit log is append-only.")

    def delete(self):
        raise AuditLogImmutableError("The audit log is append-only.")

    def for_hubs(self, hub_ids):
        return self.filter(hub_id__in=hub_ids)


class AuditLog(models.Model):
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The actor's e-mail at the time, so the log reads the same after an address changes.
    actor_label = models.CharField(_("actor"), max_length=254, blank=True)
    hub = models.ForeignKey(
        "core.Hub", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("hub")
    )
    municipality = models.ForeignKey(
        "core.Municipality",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    ward = models.ForeignKey(
        "core.Ward", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ward")
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    path = models.CharField(_("path"), max_length=200, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["hub", "-created_at"], name="audit_hub_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutableError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutableError("The audit log is append-only.")
