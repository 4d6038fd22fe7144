"""Writing the audit log: the one way services record what happened.

Action codes are dotted constants, ``<app>.<object>.<verb>`` (``families.household.created``).
Each app registers its codes with a translated label in its ``audit_actions.py``; recording an
unregistered code is a programming error and raises, so the browser can label every row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hiroba.core.models import AuditLog, Hub, Municipality, Ward
from hiroba.core.request_context import current_facts

ACTION_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*){2,3}$")
MAX_PAYLOAD_BYTES = 4096

_ACTIONS: dict[str, Promise | str] = {}


def register_actions(actions: Mapping[str, Promise | str]) -> None:
    for code, label in actions.items():
        if not ACTION_PATTERN.match(code):
            raise ValueError(f"Audit action code {code!r} is not of the form app.object.verb")
        _ACTIONS[code] = label


def action_label(code: str) -> str:
    return str(_ACTIONS.get(code, code))


def registered_actions() -> dict[str, Promise | str]:
    return dict(_ACTIONS)


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    hub: Any = None,
    ward: Any = None,
    payload: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Append one row. Call inside the service's transaction so the row and the change commit
    together. The hub, ward and municipality default to those of ``obj``, so every row can be
    found by whoever oversees the place it concerns."""
    if action not in _ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}; add it to audit_actions.py")
    payload = dict(payload or {})
    if len(json.dumps(payload, default=str, ensure_ascii=False).encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"Audit payload for {action} is larger than {MAX_PAYLOAD_BYTES} bytes")
    hub, ward, municipality = _places(obj, hub, ward)
    facts = current_facts()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditLog.objects.create(
        actor=actor if authenticated else None,
        actor_label=getattr(actor, "email", "") if authenticated else "",
        hub=hub,
        ward=ward,
        municipality=municipality,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        payload=json.loads(json.dumps(payload, default=str)),
        ip_address=facts.ip_address if facts else None,
        request_id=facts.request_id if facts else "",
        path=facts.path if facts else "",
    )


def _places(obj, hub, ward):
    """(hub, ward, municipality) of a row: given explicitly, or taken from the object."""
    if hub is None and obj is not None:
        hub = obj if isinstance(obj, Hub) else getattr(obj, "hub", None)
    if ward is None:
        ward = getattr(hub, "ward", None) if hub is not None else None
    if ward is None and obj is not None:
        ward = obj if isinstance(obj, Ward) else getattr(obj, "ward", None)
    municipality = getattr(ward, "municipality", None) if ward is not None else None
    if municipality is None and obj is not None:
        municipality = obj if isinstance(obj, Municipality) else getattr(obj, "municipality", None)
    return hub, ward, municipality


def record_view(
    obj: models.Model,
    *,
    actor: Any,
    fields: tuple[str, ...] = (),
    hub: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> AuditLog:
    """Log that ``actor`` looked at a sensitive record (ASVS 16.3.2): ``<app>.<model>.viewed``.

    ``fields`` names the field groups shown (e.g. ``("contact", "notes")``), never their values;
    ``extra`` adds ids or codes (e.g. why the user may read the record).
    """
    action = f"{obj._meta.app_label}.{obj._meta.model_name}.viewed"
    payload = {**(extra or {}), "fields": list(fields)}
    return record(action, actor=actor, obj=obj, hub=hub, payload=payload)


def changed_fields(instance: models.Model, cleaned: Mapping[str, Any]) -> list[str]:
    """Names of the fields whose value in ``cleaned`` differs from the instance's."""
    return sorted(name for name, value in cleaned.items() if getattr(instance, name) != value)


register_actions(
    {
        "core.municipality.created": _("Municipality created"),
        "core.municipality.updated": _("Municipality updated"),
        "core.ward.created": _("Ward created"),
        "core.ward.updated": _("Ward updated"),
        "core.organization.created": _("Operator organisation created"),
        "core.organization.updated": _("Operator organisation updated"),
        "core.hub.created": _("Hub created"),
        "core.hub.updated": _("Hub updated"),
        "core.venue.created": _("Venue created"),
        "core.venue.updated": _("Venue updated"),
        "core.reading.saved": _("Furigana reading saved"),
        "core.reading.deleted": _("Furigana reading deleted"),
        "core.opening.updated": _("Opening hours changed"),
        "core.categories.updated": _("Categories changed"),
        "core.closure.added": _("Closed day added"),
        "core.closure.deleted": _("Closed day removed"),
        "core.venue.deactivated": _("Venue taken out of use"),
        "core.venue.reactivated": _("Venue back in use"),
        "core.district.created": _("District created"),
        "core.district.updated": _("District updated"),
        "core.townblocks.imported": _("Town block mapping imported"),
        "core.auditlog.exported": _("Audit log exported"),
        "core.fieldkeys.rotated": _("Field encryption keys rotated"),
        "core.backup.created": _("Database backed up"),
        "core.backup.restored": _("Database restored from a backup"),
    }
)
