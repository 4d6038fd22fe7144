"""Setting up a municipality's tenancy from a JSON file (``manage.py load_tenancy``).

New installations describe their city, wards, operator organisations, hubs and satellites in
one file; loading it again updates names and settings (natural keys: municipality code, ward
code, organisation name, hub name within its ward). Everything is validated first and written in
one transaction, so a mistake on line 80 leaves the database as it was.

Example::

    {"municipality": {"code": "141003", "name": "横浜市", "prefecture": "神奈川県"},
     "operators": [{"name": "NPO法人 例", "kind": "npo"}],
     "wards": [{"code": "141178", "name": "青葉区",
                "hubs": [{"name": "例ひろば", "operator": "NPO法人 例",
                          "contract_start_fiscal_year": 2023,
                          "satellites": [{"name": "例ひろば サテライト"}]}]}]}
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from hiroba.core import audit, services
from hiroba.core.choices import HubKind
from hiroba.core.models import Hub, Municipality, Organization, Ward

# The hub fields a file may set; the name is the lookup key.
HUB_FIELDS = tuple(name for name in services.HUB_EDITABLE_FIELDS if name != "name")


class TenancyFileError(Exception):
    """The file does not describe a valid tenancy; the message names the place."""


def _require(data: Any, key: str, where: str) -> Any:
    if not isinstance(data, dict) or data.get(key) in (None, ""):
        raise TenancyFileError(f"{where}: '{key}' is required")
    return data[key]


def _save(
    model: type[models.Model], lookup: dict, values: dict, where: str, counts: Counter, *, actor
) -> models.Model:
    instance = model.objects.filter(**lookup).first()
    created = instance is None
    if created:
        instance, changed = model(**lookup, **values), list(values)
    else:
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        for name in changed:
            setattr(instance, name, values[name])
    try:
        instance.full_clean()
    except ValidationError as error:
        raise TenancyFileError(f"{where}: {'; '.join(error.messages)}") from error
    if created or changed:
        instance.save()
        verb = "created" if created else "updated"
        counts[f"{model._meta.model_name}.{verb}"] += 1
        audit.record(
            f"core.{model._meta.model_name}.{verb}",
            actor=actor,
            obj=instance,
            payload={} if created else {"fields": changed},
        )
    return instance


@transaction.atomic
def load_tenancy(spec: dict, *, actor=None) -> Counter:
    counts: Counter = Counter()
    city_spec = _require(spec, "municipality", "file")
    city = _save(
        Municipality,
        {"code": str(_require(city_spec, "code", "municipality"))},
        {
            "name": _require(city_spec, "name", "municipality"),
            "prefecture": _require(city_spec, "prefecture", "municipality"),
            "rule_profile": city_spec.get("rule_profile", "yokohama"),
            "rule_overrides": city_spec.get("rule_overrides", {}),
        },
        "municipality",
        counts,
        actor=actor,
    )
    operators = {}
    for i, op in enumerate(spec.get("operators", [])):
        where = f"operators[{i}]"
        name = _require(op, "name", where)
        operators[name] = _save(
            Organization,
            {"municipality": city, "name": name},
            {
                "kind": _require(op, "kind", where),
                "phone": op.get("phone", ""),
                "representative": op.get("representative", ""),
                "website": op.get("website", ""),
            },
            where,
            counts,
            actor=actor,
        )
    for i, ward_spec in enumerate(spec.get("wards", [])):
        where = f"wards[{i}]"
        ward = _save(
            Ward,
            {"code": str(_require(ward_spec, "code", where))},
            {
                "municipality": city,
                "name": _require(ward_spec, "name", where),
                "name_kana": ward_spec.get("name_kana", ""),
                "office_phone": ward_spec.get("office_phone", ""),
            },
            where,
            counts,
            actor=actor,
        )
        for j, hub_spec in enumerate(ward_spec.get("hubs", [])):
            _load_hub(ward, hub_spec, operators, f"{where}.hubs[{j}]", counts, actor=actor)
    return counts


def _load_hub(ward, spec, operators, where, counts, *, actor, parent=None) -> Hub:
    operator_name = spec.get("operator") or (parent.operator.name if parent else None)
    if operator_name not in operators and not parent:
        raise TenancyFileError(f"{where}: operator '{operator_name}' is not in 'operators'")
    values = {name: spec[name] for name in HUB_FIELDS if name in spec}
    values.update(
        operator=operators.get(operator_name) or parent.operator,
        kind=HubKind.SATELLITE if parent else HubKind.MAIN,
        parent=parent,
    )
    if parent is not None:
        values.setdefault("contract_start_fiscal_year", parent.contract_start_fiscal_year)
        values.setdefault("contract_term_years", parent.contract_term_years)
    elif "contract_start_fiscal_year" not in values:
        raise TenancyFileError(f"{where}: 'contract_start_fiscal_year' is required")
    hub = _save(
        Hub,
        {"ward": ward, "name": _require(spec, "name", where)},
        values,
        where,
        counts,
        actor=actor,
    )
    for k, satellite in enumerate(spec.get("satellites", [])):
        _load_hub(
            ward, satellite, operators, f"{where}.satellites[{k}]", counts, actor=actor, parent=hub
        )
    return hub
