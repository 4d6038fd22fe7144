"""Import of old family cards (the paper-card spreadsheet) into a hub's registry.

Layout: one row per child, with the caregiver's columns on the row (a row without child
columns adds a caregiver only, e.g. the father of a family already listed). Rows with the same
カード番号 form one family; household columns (登録日, 住所 …) may be repeated or left empty on
the family's later rows, but must not contradict the first. Full-width digits, half-width kana,
和暦 or 西暦 dates and phone numbers that Excel stripped of their leading 0 are all normal.

The import is checked completely before anything is written (the preview lists every bad row
with its row number, column and reason) and applied in one transaction through
``services.register_household``. A card number already in the registry from an earlier import
is skipped ("already imported"), so importing the same file twice creates nothing twice; a card
number used by a family registered another way is an error, not a silent skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hiroba.core import audit
from hiroba.core.models import Hub
from hiroba.core.spreadsheets import SpreadsheetError, read_data_rows, shown_problems
from hiroba.families import services
from hiroba.families.choices import MemberKind, RegistrationSource, Relation
from hiroba.families.import_rows import (
    FAMILY_COLUMNS,
    KANA_MAX,
    NAME_MAX,
    NOTES_MAX,
    REQUIRED_COLUMNS,
    Child,
    Problem,
    Row,
    read_caregiver,
    read_child,
    read_household,
    split,
)
from hiroba.families.models import Household
from hiroba.families.services import HouseholdData, MemberData, RegistryError, registry_hub
from hiroba.lib.csvio import CsvRow

__all__ = ["FAMILY_COLUMNS", "REQUIRED_COLUMNS", "FamilyImportPlan", "ImportRefused"]
MAX_ROWS = 5000
PREVIEW_LIMIT = 200


@dataclass
class FamilyDraft:
    """One card of the file, gathered from its rows."""

    card_number: str
    line: int
    seen: set[str] = field(default_factory=set)  # columns filled in on any row of the card
    household: dict[str, object] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    caregivers: list[MemberData] = field(default_factory=list)
    caregiver_lines: list[int] = field(default_factory=list)
    children: list[MemberData] = field(default_factory=list)
    raw_children: list[Child] = field(default_factory=list)

    @property
    def registered_on(self) -> date | None:
        return self.household.get("registered_on")

    @property
    def address(self) -> str:
        region = self.household.get("address_region", "")
        return f"{region}{self.household.get('address_rest', '')}"

    @property
    def caregiver_rows(self) -> list[tuple[str, str, str]]:
        """(name, relation, phone) for the preview table."""
        return [
            (f"{m.family_name} {m.given_name}".strip(), Relation(m.relation).label, m.phone)
            for m in self.caregivers
        ]

    @property
    def child_rows(self) -> list[tuple[str, date | None, date | None]]:
        """(name, date of birth, due date) for the preview table."""
        return [
            (f"{m.family_name} {m.given_name}".strip(), m.birth_date, m.due_date)
            for m in self.children
        ]

    def data(self) -> HouseholdData:
        values = {k: v for k, v in self.household.items() if k != "registered_on"}
        return HouseholdData(
            members=[*self.caregivers, *self.children], notes="\n".join(self.notes), **values
        )


@dataclass
class FamilyImportPlan:
    rows: int = 0
    new: list[FamilyDraft] = field(default_factory=list)
    existing: list[FamilyDraft] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_error: str = ""
    defaulted_relations: int = 0

    @property
    def errors(self) -> list[str]:
        if self.file_error:
            return [self.file_error]
        return shown_problems([str(p) for p in sorted(self.problems, key=lambda p: p.line)])

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.new)

    @property
    def preview(self) -> list[FamilyDraft]:
        return self.new[:PREVIEW_LIMIT]

    @property
    def members(self) -> int:
        return sum(len(d.caregivers) + len(d.children) for d in self.new)


class ImportRefused(Exception):
    """Nothing was imported: the plan has errors, or the registry changed meanwhile."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors)
        self.errors = errors


# -- gathering the rows of a card ----------------------------------------------------------------
def _merge_household(draft: FamilyDraft, values: dict, row: Row) -> None:
    for name, value in values.items():
        if name not in draft.household:
            draft.household[name], draft.sources[name] = value, row.line
        elif draft.household[name] != value:
            column = "address" if name.startswith("address_") else name
            row.fail(
                column, _("differs from row {row} of the same card").format(row=draft.sources[name])
            )


def _add_caregiver(draft: FamilyDraft, member: MemberData, row: Row) -> None:
    for index, known in enumerate(draft.caregivers):
        if (known.family_name, known.given_name) != (member.family_name, member.given_name):
            continue
        for name in ("phone", "email", "family_name_kana", "given_name_kana"):
            mine, theirs = getattr(member, name), getattr(known, name)
            if mine and theirs and mine != theirs:
                row.fail(
                    "caregiver_name",
                    _("the same caregiver has other details on row {row}").format(
                        row=draft.caregiver_lines[index]
                    ),
                )
                return
        return
    member.is_primary_contact = not draft.caregivers
    draft.caregivers.append(member)
    draft.caregiver_lines.append(row.line)


def _finish(draft: FamilyDraft, problems: list[Problem]) -> None:
    """Children take the first caregiver's family name when only a given name is written."""
    if not draft.caregivers:
        if "caregiver_name" not in draft.seen:  # else the caregiver's own errors are listed
            problems.append(Problem(draft.line, "caregiver_name", _("this card has no caregiver")))
        return
    parent = draft.caregivers[0]
    for child in draft.raw_children:
        family, given = _child_name(child.name, parent.family_name)
        family_kana, given_kana = _child_name(child.kana, parent.family_name_kana)
        if len(family) > NAME_MAX or len(given) > NAME_MAX:
            problems.append(Problem(child.line, "child_name", _("the name is too long")))
        if len(family_kana) > KANA_MAX or len(given_kana) > KANA_MAX:
            problems.append(Problem(child.line, "child_kana", _("the furigana is too long")))
        draft.children.append(
            MemberData(
                kind=MemberKind.CHILD,
                family_name=family,
                given_name=given,
                family_name_kana=family_kana,
                given_name_kana=given_kana,
                birth_date=child.birth_date,
                due_date=child.due_date,
                sex=child.sex,
            )
        )


def _child_name(full: str, parent_family: str) -> tuple[str, str]:
    """("山田", "太郎") from "山田 太郎", "山田太郎" or "太郎" when the parent is 山田."""
    if " " in full:
        return split(full)
    if parent_family and full.startswith(parent_family) and len(full) > len(parent_family):
        return parent_family, full[len(parent_family) :]
    return parent_family, full


def _gather(rows: list[CsvRow], problems: list[Problem]) -> tuple[list[FamilyDraft], int]:
    drafts: dict[str, FamilyDraft] = {}
    defaulted = 0
    for csv_row in rows:
        row = Row(csv_row, problems)
        number = row.card_number()
        values = read_household(row)
        parent, no_relation = read_caregiver(row)
        kid = read_child(row)
        if not number:
            continue
        draft = drafts.setdefault(number, FamilyDraft(card_number=number, line=row.line))
        draft.seen.update(name for name, value in csv_row.values.items() if value)
        _merge_household(draft, values, row)
        note = row.get("notes")
        if note and note not in draft.notes:
            draft.notes.append(note)
        if parent is not None:
            count = len(draft.caregivers)
            _add_caregiver(draft, parent, row)
            defaulted += int(no_relation and len(draft.caregivers) > count)
        if kid is not None:
            draft.raw_children.append(kid)
    for draft in drafts.values():
        _finish(draft, problems)
        if len("\n".join(draft.notes)) > NOTES_MAX:
            problems.append(Problem(draft.line, "notes", _("the notes are too long")))
    return list(drafts.values()), defaulted


def _missing_dates(drafts: list[FamilyDraft], problems: list[Problem]) -> None:
    """登録日 is required: without it the old cards would count as this month's new
    registrations in the statistics."""
    for draft in drafts:
        if "registered_on" not in draft.seen:
            problems.append(
                Problem(draft.line, "registered_on", _("the registration date is empty"))
            )


# -- the plan and its application ----------------------------------------------------------------
def _existing_sources(hub: Hub, numbers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        rows = Household.objects.filter(hub=hub, card_number__in=chunk)
        found.update(rows.values_list("card_number", "source"))
    return found


def plan_family_import(hub: Hub, data: bytes) -> FamilyImportPlan:
    """Read and check the whole file against the registry of ``hub``. Writes nothing."""
    registry = registry_hub(hub)
    plan = FamilyImportPlan()
    try:
        table = read_data_rows(
            data, columns=FAMILY_COLUMNS, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS
        )
    except SpreadsheetError as error:
        plan.file_error = error.message
        return plan
    plan.rows = len(table)
    drafts, plan.defaulted_relations = _gather(table.rows, plan.problems)
    _missing_dates(drafts, plan.problems)
    existing = _existing_sources(registry, [d.card_number for d in drafts])
    for draft in drafts:
        source = existing.get(draft.card_number)
        if source is None:
            plan.new.append(draft)
        elif source == RegistrationSource.IMPORT:
            plan.existing.append(draft)
        else:
            message = _("card number {number} is already used by another family here").format(
                number=draft.card_number
            )
            plan.problems.append(Problem(draft.line, "card_number", message))
    return plan


def apply_family_import(hub: Hub, data: bytes, *, actor) -> FamilyImportPlan:
    """Check the file again and register every new card, all in one transaction."""
    registry = registry_hub(hub)
    try:
        with transaction.atomic():
            plan = plan_family_import(registry, data)
            if plan.errors:
                raise ImportRefused(plan.errors)
            for draft in plan.new:
                _register(registry, draft, actor)
            audit.record(
                "families.import.applied",
                actor=actor,
                hub=registry,
                payload={
                    "rows": plan.rows,
                    "created": len(plan.new),
                    "already_imported": len(plan.existing),
                    "members": plan.members,
                },
            )
    except IntegrityError as exc:  # a card number taken at the counter during the import
        raise ImportRefused(
            [_("The registry changed while importing. Nothing was imported; please try again.")]
        ) from exc
    return plan


def _register(registry: Hub, draft: FamilyDraft, actor) -> None:
    try:
        services.register_household(
            registry,
            draft.data(),
            actor=actor,
            source=RegistrationSource.IMPORT,
            card_number=draft.card_number,
            registered_on=draft.registered_on,
        )
    except RegistryError as error:
        raise ImportRefused([_card_error(draft, error.message)]) from error
    except ValidationError as error:
        raise ImportRefused([_card_error(draft, "; ".join(error.messages))]) from error


def _card_error(draft: FamilyDraft, message: str) -> str:
    return _("Card {number} (row {row}): {message}").format(
        number=draft.card_number, row=draft.line, message=message
    )
