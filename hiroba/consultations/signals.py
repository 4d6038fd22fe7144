"""A new city starts with the default topic list (each city then edits its own)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from hiroba.consultations.services import ensure_default_topics
from hiroba.core.models import Municipality


@receiver(post_save, sender=Municipality, dispatch_uid="consultations-default-topics")
def give_default_topics(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_default_topics(instance)
