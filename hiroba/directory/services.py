"""Every write to the directory: resources kept by staff (compare-and-set on ``revision``, so a
stale page never overwrites a newer correction), verification stamps, and the suggestions sent
from the portal, approved into the directory or declined."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.services import copy_saved, save_changes
from hiroba.directory.choices import ResourceSource, SuggestionKind, SuggestionStatus
from hiroba.directory.models import Resource, ResourceSuggestion
from hiroba.families.services import registry_hub

EDITABLE_FIELDS = (
    "category",
    "name",
    "name_kana",
    "description",
    "postal_code",
    "address",
    "district",
    "latitude",
    "longitude",
    "phone",
    "url",
    "hours",
    "target_age_min_months",
    "target_age_max_months",
    "for_expecting",
    "cost",
    "has_nursing_room",
    "has_diaper_changing",
    "stroller_friendly",
    "has_parking",
    "has_elevator",
    "languages",
    "translations",
    "status",
    "external_id",
)


class DirectoryError(Exception):
    """A directory rule was broken; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def create_resource(
    hub: Hub, *, actor, source: str = ResourceSource.STAFF, verified: bool = True, **values
) -> Resource:
    """Staff typing an entry have just checked it, so it counts as verified today."""
    # A satellite keeps its places in its main hub's directory, as it shares its registry.
    resource = Resource(hub=registry_hub(hub), source=source)
    _set(resource, values)
    if verified:
        _stamp(resource, actor)
    resource.full_clean()
    resource.save()
    audit.record("directory.resource.created", actor=actor, obj=resource)
    return resource


@transaction.atomic
def update_resource(resource: Resource, *, actor, revision: int, verified: bool = True, **values):
    """Save a correction made on the page that showed ``revision``; a newer save in between is
    refused, never overwritten. Saving unchanged values changes nothing."""
    current = _locked(resource, revision)
    changed = save_changes(
        current, values, allowed=EDITABLE_FIELDS, action="directory.resource.updated", actor=actor
    )
    if changed:
        if verified:
            _stamp(current, actor)
        current.revision += 1
        current.save(update_fields=["revision", "verified_on", "verified_by", "updated_at"])
    copy_saved(resource, current)
    return resource


@transaction.atomic
def verify_resource(resource: Resource, *, actor) -> Resource:
    """Staff checked the entry against the place itself (a call, a visit, its web page)."""
    current = Resource.objects.select_for_update().get(pk=resource.pk)
    _stamp(current, actor)
    current.save(update_fields=["verified_on", "verified_by", "updated_at"])
    audit.record("directory.resource.verified", actor=actor, obj=current)
    copy_saved(resource, current)
    return resource


def _locked(resource: Resource, revision: int) -> Resource:
    current = Resource.objects.select_for_update().get(pk=resource.pk)
    if current.revision != revision:
        raise DirectoryError(
            _(
                "Someone else saved this entry while you were editing. Your changes were not "
                "saved; the page now shows the newer entry."
            )
        )
    return current


def _set(resource: Resource, values: dict[str, Any]) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for name, value in values.items():
        setattr(resource, name, value)


def _stamp(resource: Resource, actor) -> None:
    resource.verified_on = timezone.localdate()
    resource.verified_by = actor


# -- suggestions from the portal -------------------------------------------------------------------
@transaction.atomic
def suggest_resource(
    hub: Hub,
    *,
    actor=None,
    resource: Resource | None = None,
    proposed: dict[str, Any],
    message: str = "",
    submitter_kind: str,
    submitter_name: str = "",
    submitter_contact: str = "",
) -> ResourceSuggestion:
    """Keep what a parent or partner sent, for staff to review; nothing changes in the
    directory until they approve it. ``actor`` is None: the sender is not signed in."""
    if resource is not None and resource.hub_id != registry_hub(hub).pk:
        raise DirectoryError(_("This place is kept by another hub."))
    suggestion = ResourceSuggestion(
        hub=registry_hub(hub),
        resource=resource,
        kind=SuggestionKind.CORRECTION if resource else SuggestionKind.NEW,
        proposed=proposed,
        message=message,
        submitter_kind=submitter_kind,
        submitter_name=submitter_name,
        submitter_contact=submitter_contact,
    )
    suggestion.full_clean()
    suggestion.save()
    audit.record("directory.suggestion.received", actor=actor, obj=suggestion)
    return suggestion


@transaction.atomic
def approve_suggestion(
    suggestion: ResourceSuggestion, *, actor, values: dict[str, Any], revision: int | None = None
) -> Resource:
    """Apply the values staff settled on (the suggestion, as they corrected it) and close the
    suggestion, all or nothing. Two staff approving at once: the second is refused."""
    current = _pending(suggestion)
    if current.resource_id is None:
        resource = create_resource(
            current.hub, actor=actor, source=ResourceSource.SUGGESTION, **values
        )
    else:
        if revision is None:
            raise ValueError("A correction is approved against the revision staff saw.")
        resource = update_resource(current.resource, actor=actor, revision=revision, **values)
    _decide(current, SuggestionStatus.APPROVED, actor, note="", resource=resource)
    audit.record("directory.suggestion.approved", actor=actor, obj=current)
    copy_saved(suggestion, current)
    return resource


@transaction.atomic
def reject_suggestion(suggestion: ResourceSuggestion, *, actor, note: str) -> ResourceSuggestion:
    current = _pending(suggestion)
    _decide(current, SuggestionStatus.REJECTED, actor, note=note, resource=current.resource)
    audit.record("directory.suggestion.rejected", actor=actor, obj=current)
    copy_saved(suggestion, current)
    return suggestion


def _pending(suggestion: ResourceSuggestion) -> ResourceSuggestion:
    current = ResourceSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if current.status != SuggestionStatus.PENDING:
        raise DirectoryError(_("This suggestion has already been decided."))
    return current


def _decide(current, status, actor, *, note: str, resource) -> None:
    current.status = status
    current.decided_by = actor
    current.decided_at = timezone.now()
    current.decision_note = note
    current.resource = resource
    try:
        current.full_clean()
    except ValidationError as error:
        raise DirectoryError(" ".join(error.messages)) from error
    current.save()


# -- retention --------------------------------------------------------------------------------
@transaction.atomic
def erase_old_sender_contacts(now) -> int:
    """Erase the name and contact of senders whose suggestion was decided longer ago than the
    city keeps them (``suggestion_contact_keep_days``); the suggestion itself stays. Returns
    how many were erased; one audit entry per hub."""
    erased = 0
    hubs = Hub.objects.filter(resource_suggestions__isnull=False).distinct()
    for hub in hubs.select_related("ward__municipality"):
        rules = hub.ward.municipality.rules("directory", on=timezone.localdate(now))
        cutoff = now - timedelta(days=int(rules["suggestion_contact_keep_days"]))
        old = ResourceSuggestion.objects.filter(hub=hub, decided_at__lt=cutoff).exclude(
            submitter_name="", submitter_contact=""
        )
        count = old.update(submitter_name="", submitter_contact="")
        if count:
            audit.record(
                "directory.suggestion.contacts_erased",
                actor=None,
                hub=hub,
                payload={"count": count},
            )
        erased += count
    return erased
