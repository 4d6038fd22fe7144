"""Parsing the 町丁 → 地区 CSV that ward offices keep in Excel.

Accepted headers (any order, extra columns ignored): 町丁 (or 町丁名), or 町名 with an optional
丁目 column; and 地区 (or 地区名). Shift_JIS and UTF-8 files are both fine; full-width digits and
kanji numerals in 丁目 are normalised. Every problem is reported with its line number and
nothing is imported until the whole file is valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hiroba.core.input_errors import message_for
from hiroba.core.models import District, TownBlock
from hiroba.core.spreadsheets import shown_problems
from hiroba.lib.address import town_block_key
from hiroba.lib.csvio import read_csv
from hiroba.lib.errors import InputError

TOWN_BLOCK_COLUMNS = {
    "town_block": ["町丁", "町丁名", "町丁目", "town_block"],
    "town": ["町名", "町", "town"],
    "chome": ["丁目", "chome"],
    "district": ["地区", "地区名", "district"],
}
MAX_ERRORS_SHOWN = 50
DISTRICT_NAME_MAX = District._meta.get_field("name").max_length
TOWN_BLOCK_MAX = TownBlock._meta.get_field("key").max_length


@dataclass
class ParsedTownBlocks:
    mapping: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.mapping)


def parse_town_block_csv(data: bytes) -> ParsedTownBlocks:
    result = ParsedTownBlocks()
    try:
        table = read_csv(data, columns=TOWN_BLOCK_COLUMNS, required=["district"])
    except InputError as error:
        result.errors.append(message_for(error))
        return result
    if not {"town_block", "town"} & set(table.fields):
        result.errors.append(_("The file needs a 町丁 column, or a 町名 column."))
        return result
    lines: dict[str, int] = {}
    for row in table.rows:
        _parse_row(row, result, lines)
    if not result.mapping and not result.errors:
        result.errors.append(_("The file has no rows."))
    result.errors = shown_problems(result.errors, limit=MAX_ERRORS_SHOWN)
    return result


def _parse_row(row, result: ParsedTownBlocks, lines: dict[str, int]) -> None:
    values = row.values
    district = values.get("district", "")
    town = values.get("town_block") or values.get("town", "")
    if not town:
        result.errors.append(_("Line {line}: the town block is empty.").format(line=row.line))
        return
    if not district:
        result.errors.append(_("Line {line}: the district is empty.").format(line=row.line))
        return
    if len(district) > DISTRICT_NAME_MAX:
        result.errors.append(
            _("Line {line}: the district name is longer than {max} characters.").format(
                line=row.line, max=DISTRICT_NAME_MAX
            )
        )
        return
    try:
        key = town_block_key(town, values.get("chome") or None)
    except InputError as error:
        result.errors.append(
            _("Line {line}: {message}").format(line=row.line, message=message_for(error))
        )
        return
    if len(key) > TOWN_BLOCK_MAX:
        result.errors.append(
            _("Line {line}: the town block is longer than {max} characters.").format(
                line=row.line, max=TOWN_BLOCK_MAX
            )
        )
        return
    previous = result.mapping.get(key)
    if previous is not None and previous != district:
        result.errors.append(
            _("Line {line}: {town} is already assigned to {district} on line {first}.").format(
                line=row.line, town=key, district=previous, first=lines[key]
            )
        )
        return
    result.mapping[key] = district
    lines.setdefault(key, row.line)
