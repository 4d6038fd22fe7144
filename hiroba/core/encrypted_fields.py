"""A text field stored encrypted (AES-256-GCM, :mod:`hiroba.core.crypto`; decision 0010).

For 要配慮個人情報 such as consultation notes: the database, its dumps and its backups hold
only ``hb1:`` tokens. What stays visible, on purpose:

* **Emptiness.** ``""`` is stored as ``""`` and ``None`` as NULL, so "is there a note?" and
  ``blank``/``null`` checks keep working. Whether a value is filled in is therefore not secret.
* **Length**, roughly: a token grows with its plaintext.

Encrypted values cannot be searched or filtered in SQL: every lookup except ``isnull`` (and
``exact`` against ``""``) raises. Statistics must come from coded columns next to the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from hiroba.core import crypto


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set in contribute_to_class: "app_label.model_name.field_name", the associated data.
        # Not a constructor argument, so it never appears in migrations.
        self.context: str | None = None

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        self.context = f"{cls._meta.label_lower}.{name}"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: every "
                    "encryption of the same text differs.",
                    obj=self,
                    id="hiroba.E004",
                )
            )
        return errors

    def _context(self) -> str:
        if self.context is None:
            raise TypeError("EncryptedTextField used outside a model has no encryption context")
        return self.context

    def get_prep_value(self, value):
        # Runs once per save (get_db_prep_save → get_db_prep_value → here) and for lookup
        # values; the only lookup value that gets here is "" (see get_lookup).
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt_text(value, context=self._context())

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt_text(value, context=self._context())

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise self._cannot_filter(lookup_name)

    def get_transform(self, lookup_name):
        raise self._cannot_filter(lookup_name)

    def _cannot_filter(self, lookup_name: str) -> FieldError:
        return FieldError(
            f"{self.context or self.name} is encrypted and cannot be filtered with "
            f"{lookup_name!r}; only isnull and = '' work. Filter on a coded column instead."
        )


class EmptyOnlyExact(Exact):
    """``field=""`` (and ``field=None``, which Django turns into isnull) is the one equality
    that means something for an encrypted column: every other value has a random token."""

    def get_prep_lookup(self):
        if self.rhs is not None and self.rhs != "":
            raise self.lhs.output_field._cannot_filter("exact")
        return self.rhs


def encrypted_fields(
    models_: Iterable[type[models.Model]] | None = None,
) -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """(model, field) for every encrypted column of every concrete model (or of ``models_``).

    Proxy models share their parent's table and inherited fields belong to the parent, so each
    column is yielded once, with the model that owns its table."""
    for model in apps.get_models() if models_ is None else models_:
        if model._meta.proxy or model._meta.abstract:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field
