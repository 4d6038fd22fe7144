"""Translated messages for the error codes raised by the framework-free ``hiroba.lib``.

``hiroba.lib`` cannot use Django's translation machinery, so it raises ``InputError`` with a
code; forms and importers turn that into the user's language here. A test checks that every code
in ``hiroba.lib.errors.ERROR_CODES`` has a message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hiroba.lib.errors import InputError

MESSAGES = {
    "date_empty": _("Enter a date."),
    "date_format": _("Enter a date such as 2024-04-01, 2024/4/1, R6.4.1 or 令和6年4月1日."),
    "date_invalid": _("That date does not exist."),
    "date_weekday_mismatch": _("The weekday does not match the date."),
    "era_out_of_range": _("That year does not exist in that era."),
    "date_too_early": _("Dates before 1873 cannot be used."),
    "fiscal_year_empty": _("Enter a fiscal year."),
    "fiscal_year_format": _("Enter a fiscal year such as 2024, 2024年度 or 令和6年度."),
    "fiscal_year_out_of_range": _("That fiscal year is out of range."),
    "birth_after_date": _("The date of birth cannot be after this date."),
    "gestation_out_of_range": _("The date is before the pregnancy began, judging by the due date."),
    "child_age_format": _(
        "“%(text)s” is not an age we can read. Write each child's age like 0歳5か月 or 2歳, "
        "separated by 、."
    ),
    "child_age_out_of_range": _("“%(text)s” is over 18 years. Please check the age."),
    "furigana_empty": _("Enter the name in kana."),
    "furigana_not_kana": _("Use only hiragana or katakana for the kana reading."),
    "phone_invalid": _("Enter a Japanese phone number of 10 or 11 digits, e.g. 045-123-4567."),
    "postal_code_invalid": _("Enter a 7-digit postal code, e.g. 225-0002."),
    "email_invalid": _("Enter a valid e-mail address."),
    "town_empty": _("The town name is empty."),
    "chome_invalid": _("The chome must be a number such as 2 or 二."),
    "chome_conflict": _("The town name already ends in another chome number."),
    "csv_encoding": _("The file could not be read. Save it as CSV (UTF-8 or Shift_JIS)."),
    "csv_empty": _("The file is empty."),
    "csv_missing_columns": _("The file is missing these columns: {missing_headers}."),
    "csv_duplicate_column": _("Two columns of the file mean the same thing. Keep only one."),
    "csv_too_many_rows": _("The file has more than {max_rows} rows."),
    "csv_malformed": _("The file is not valid CSV near line {line}."),
    "csv_unencodable": _("Row {row} has a character that Shift_JIS cannot hold: {character}"),
}


def message_for(error: InputError) -> str:
    template = MESSAGES.get(error.code)
    if template is None:
        return str(error)
    params = {
        key: (", ".join(map(str, value)) if isinstance(value, list | tuple) else value)
        for key, value in (error.params or {}).items()
    }
    try:
        return str(template).format(**params)
    except (KeyError, IndexError):
        return str(template)


def as_validation_error(error: InputError) -> ValidationError:
    return ValidationError(message_for(error), code=error.code)
